package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quotecast.common.ErrorCode;
import org.junit.jupiter.api.Test;

class ClientRequestTest {
  private static ClientRequest.Malformed bad(String text) {
    return assertThrows(ClientRequest.Malformed.class, () -> ClientRequest.parse(text, 1024));
  }

  @Test
  void parsesAWellFormedRequest() throws Exception {
    ClientRequest r = ClientRequest.parse("{\"op\":\"ping\",\"id\":\"r1\"}", 1024);
    assertEquals("ping", r.op());
    assertEquals("r1", r.id());
    assertEquals(0, r.args().size());
  }

  @Test
  void eachKindOfMalformedInputNamesItsField() {
    assertEquals("message", bad("not json").error.extra().getString("field"));
    assertEquals("message", bad("[1,2]").error.extra().getString("field"));
    assertEquals("message", bad("\"text\"").error.extra().getString("field"));
    assertEquals("id", bad("{\"op\":\"ping\",\"id\":5}").error.extra().getString("field"));
    assertEquals("id", bad("{\"op\":\"ping\",\"id\":\"" + "x".repeat(65) + "\"}").error.extra().getString("field"));
    ClientRequest.Malformed noOp = bad("{\"id\":\"r2\"}");
    assertEquals("op", noOp.error.extra().getString("field"));
    assertEquals("r2", noOp.requestId, "the reply still carries the id when it was readable");
    assertEquals("args", bad("{\"op\":\"ping\",\"args\":[1]}").error.extra().getString("field"));
    ClientRequest.Malformed unknown = bad("{\"op\":\"fly\"}");
    assertEquals(ErrorCode.UNKNOWN_OP, unknown.error.code());
    assertEquals(10, unknown.error.extra().getJsonArray("ops").size());
    assertNull(unknown.requestId);
  }

  @Test
  void oversizedMessagesAreRefusedBeforeParsing() {
    ClientRequest.Malformed big = bad("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(2000) + "\"}");
    assertEquals(ErrorCode.BAD_REQUEST, big.error.code());
    assertEquals(1024, big.error.extra().getInteger("max"));
    // multi-byte text is measured in UTF-8 bytes, not chars
    bad("{\"op\":\"ping\",\"pad\":\"" + "茅".repeat(400) + "\"}");
  }
}
