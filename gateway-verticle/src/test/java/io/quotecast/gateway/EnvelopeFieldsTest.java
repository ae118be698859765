package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quotecast.common.Envelope;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Publication;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A trace reads message headers without parsing payloads, and never mistakes a payload field for a header. */
class EnvelopeFieldsTest {

  @Test
  void channelMessageHeaders() {
    Publication p = new Publication("quote:600519.SH", 42, "e1", 1L,
        "{\"symbol\":\"600519.SH\",\"type\":\"fake\",\"ch\":\"nope\",\"seq\":7}");
    String text = Envelope.channelMessage(p, 1000, Envelope.snapshotMeta("e1"));
    assertEquals("quote", EnvelopeFields.string(text, "type"));
    assertEquals("quote:600519.SH", EnvelopeFields.string(text, "ch"));
    assertEquals(42L, EnvelopeFields.number(text, "seq"));
    assertNull(EnvelopeFields.string(text, "id"));
  }

  @Test
  void tradeArrayMetaIsNotTheSeq() {
    String text = Envelope.channelMessage("trade", "trade:600519.SH", 9, 1000, "{\"fromSeq\":5,\"count\":5}", "[]");
    assertEquals(9L, EnvelopeFields.number(text, "seq"));
  }

  @Test
  void repliesAndErrors() {
    String result = Envelope.result("r1", new JsonObject().put("id", "inner").put("ch", "x"), 1000);
    assertEquals("result", EnvelopeFields.string(result, "type"));
    assertEquals("r1", EnvelopeFields.string(result, "id"));
    assertNull(EnvelopeFields.string(result, "ch"), "inside data");
    String error = Envelope.error(null, ProtocolException.badRequest("x", "bad"), 1000);
    assertEquals("error", EnvelopeFields.string(error, "type"));
    assertNull(EnvelopeFields.string(error, "id"));
    assertNull(EnvelopeFields.number(error, "seq"));
  }
}
