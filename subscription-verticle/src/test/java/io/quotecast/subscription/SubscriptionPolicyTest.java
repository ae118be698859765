package io.quotecast.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.ListingLoader;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SubscriptionPolicyTest {
  private static SymbolDirectory symbols;

  @BeforeAll
  static void load() {
    symbols = SymbolDirectory.of(ListingLoader.loadShipped());
  }

  private static SubscriptionPolicy policy(int perConnection, int perRequest, Freq minFreq) {
    return new SubscriptionPolicy(symbols, new SubscriptionPolicy.Limits(perConnection, perRequest, minFreq));
  }

  private static SubscriptionPolicy policy() {
    return policy(50, 200, Freq.REALTIME);
  }

  private static JsonObject request(List<String> channels, List<String> existing, String freq) {
    JsonObject r = new JsonObject().put("connectionId", "c-1").put("channels", new JsonArray(channels));
    if (existing != null) {
      r.put("existing", new JsonArray(existing));
    }
    if (freq != null) {
      r.put("freq", freq);
    }
    return r;
  }

  private static JsonObject check(SubscriptionPolicy p, List<String> channels, List<String> existing, String freq) {
    return p.check(request(channels, existing, freq)).toJson();
  }

  private static ProtocolException fails(SubscriptionPolicy p, JsonObject request) {
    return assertThrows(ProtocolException.class, () -> p.check(request));
  }

  @Test
  void theBriefsExample() {
    JsonObject reply = check(policy(), List.of("quote:600519.SH", "kline:1m:600519.sh", "quote:600520.SH"),
        List.of("trade:000001.SZ"), "250ms");
    JsonArray accepted = reply.getJsonArray("accepted");
    assertEquals(2, accepted.size());
    assertEquals(new JsonObject().put("ch", "quote:600519.SH").put("freq", "250ms").put("existing", false),
        accepted.getJsonObject(0));
    assertEquals("kline:1m:600519.SH", accepted.getJsonObject(1).getString("ch"), "canonical key");
    JsonArray rejected = reply.getJsonArray("rejected");
    assertEquals(1, rejected.size());
    JsonObject r = rejected.getJsonObject(0);
    assertEquals("quote:600520.SH", r.getString("ch"));
    assertEquals("INVALID_SYMBOL", r.getString("code"));
    assertEquals("unknown symbol 600520.SH", r.getString("message"));
    assertEquals("600519.SH 贵州茅台", r.getJsonArray("suggestions").getString(0));
    assertTrue(r.getJsonArray("suggestions").size() <= 5);
    assertFalse(r.containsKey("symbol"));
  }

  @Test
  void acceptedChannelsAndAdded() {
    SubscriptionPolicy.Decision d = policy().check(List.of("quote:600519.SH", "trade:000001.SZ",
        "kline:1d:920185.BJ", "quote:688981.sh"), List.of("trade:000001.SZ"), null);
    assertEquals(4, d.accepted().size());
    assertTrue(d.rejected().isEmpty());
    assertTrue(d.accepted().stream().allMatch(a -> a.freq() == Freq.REALTIME));
    assertEquals(List.of("quote:600519.SH", "kline:1d:920185.BJ", "quote:688981.SH"),
        d.added().stream().map(Object::toString).toList());
  }

  @Test
  void malformedSymbolsGetSuggestionsFromTheRawText() {
    JsonObject reply = check(policy(), List.of("quote:gzmt", "quote:600519", "trade:茅台", "quote:600519.SHX"), null, null);
    assertTrue(reply.getJsonArray("accepted").isEmpty());
    JsonArray rejected = reply.getJsonArray("rejected");
    assertEquals(4, rejected.size());
    for (int i = 0; i < 4; i++) {
      JsonObject r = rejected.getJsonObject(i);
      assertEquals("INVALID_SYMBOL", r.getString("code"), r.encode());
      assertFalse(r.containsKey("symbol"), "the parser's extra field is dropped: " + r.encode());
      assertEquals("600519.SH 贵州茅台", r.getJsonArray("suggestions").getString(0), r.encode());
    }
    assertEquals("quote:gzmt", rejected.getJsonObject(0).getString("ch"));
    assertEquals("trade:茅台", rejected.getJsonObject(2).getString("ch"));
    // nothing to suggest: an empty array, still present
    JsonObject none = check(policy(), List.of("quote:@@@"), null, null).getJsonArray("rejected").getJsonObject(0);
    assertEquals(new JsonArray(), none.getJsonArray("suggestions"));
  }

  @Test
  void unknownWellFormedSymbols() {
    JsonObject r = check(policy(), List.of("quote:600519.sz"), null, null).getJsonArray("rejected").getJsonObject(0);
    assertEquals("quote:600519.sz", r.getString("ch"), "rejected entries keep the client's text");
    assertEquals("unknown symbol 600519.SZ", r.getString("message"));
    assertEquals("600519.SH 贵州茅台", r.getJsonArray("suggestions").getString(0));
    JsonObject index = check(policy(), List.of("quote:000001.SH"), null, null).getJsonArray("rejected").getJsonObject(0);
    assertEquals("000001.SZ 平安银行", index.getJsonArray("suggestions").getString(0));
  }

  @Test
  void badTypesAndIntervalsAreRejectedWithAllowed() {
    JsonArray rejected = check(policy(), List.of("quotes:600519.SH", "kline:2m:600519.SH", "600519.SH",
        "quote:600519.SH"), null, null).getJsonArray("rejected");
    assertEquals(3, rejected.size());
    JsonObject type = rejected.getJsonObject(0);
    assertEquals("quotes:600519.SH", type.getString("ch"));
    assertEquals("INVALID_CHANNEL", type.getString("code"));
    assertEquals(new JsonArray(List.of("quote", "trade", "kline")), type.getJsonArray("allowed"));
    assertFalse(type.containsKey("suggestions"));
    JsonObject interval = rejected.getJsonObject(1);
    assertEquals(new JsonArray(List.of("1m", "5m", "15m", "30m", "60m", "1d")), interval.getJsonArray("allowed"));
    assertEquals("INVALID_CHANNEL", rejected.getJsonObject(2).getString("code"));
  }

  @Test
  void nonStringAndNullChannelsAreRejectedNotFatal() {
    JsonObject req = new JsonObject().put("channels", new JsonArray().add(5).addNull().add("quote:600519.SH"));
    SubscriptionPolicy.Decision d = policy().check(req);
    assertEquals(1, d.accepted().size());
    assertEquals(2, d.rejected().size());
    assertEquals("5", d.rejected().get(0).getString("ch"));
    assertNull(d.rejected().get(1).getString("ch"));
  }

  @Test
  void duplicatesCountOnce() {
    SubscriptionPolicy p = policy(2, 200, Freq.REALTIME);
    SubscriptionPolicy.Decision d = p.check(List.of("quote:600519.SH", "quote:600519.sh", "QUOTE:600519.SH",
        "trade:600519.SH", "quote:600520.SH", "quote:600520.SH"), List.of(), null);
    assertEquals(List.of("quote:600519.SH", "trade:600519.SH"),
        d.accepted().stream().map(a -> a.channel().toString()).toList());
    assertEquals(1, d.rejected().size(), "a repeated bad channel is rejected once");
  }

  @Test
  void freqDefaultsRaisesAndValidation() {
    assertEquals("realtime", check(policy(), List.of("quote:600519.SH"), null, null)
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
    assertEquals("250ms", check(policy(), List.of("quote:600519.SH"), null, "250MS")
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
    SubscriptionPolicy slow = policy(50, 200, Freq.S1);
    assertEquals("1s", check(slow, List.of("quote:600519.SH"), null, null)
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
    assertEquals("1s", check(slow, List.of("quote:600519.SH"), null, "250ms")
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
    assertEquals("3s", check(slow, List.of("quote:600519.SH"), null, "3s")
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));

    ProtocolException e = fails(policy(), request(List.of("quote:600519.SH"), null, "2s"));
    assertEquals(ErrorCode.INVALID_CHANNEL, e.code());
    assertEquals(new JsonArray(Freq.wireNames()), e.toJson().getJsonArray("allowed"));
    assertTrue(e.getMessage().contains("2s"));
    ProtocolException notString = fails(policy(),
        new JsonObject().put("channels", new JsonArray().add("quote:600519.SH")).put("freq", 250));
    assertEquals(ErrorCode.INVALID_CHANNEL, notString.code());
  }

  @Test
  void existingChannelsAreAcceptedAndDoNotCount() {
    SubscriptionPolicy p = policy(4, 200, Freq.REALTIME);
    JsonObject reply = check(p, List.of("trade:000001.SZ", "quote:600519.SH"),
        List.of("trade:000001.sz", "quote:000001.SZ", "kline:1m:000001.SZ"), null);
    JsonArray accepted = reply.getJsonArray("accepted");
    assertEquals(new JsonObject().put("ch", "trade:000001.SZ").put("freq", "realtime").put("existing", true),
        accepted.getJsonObject(0));
    assertFalse(accepted.getJsonObject(1).getBoolean("existing"));
    // at the limit with existing ones only: nothing new, nothing exceeded
    SubscriptionPolicy.Decision d = policy(1, 200, Freq.REALTIME)
        .check(List.of("trade:000001.SZ"), List.of("trade:000001.SZ", "quote:000001.SZ"), null);
    assertTrue(d.added().isEmpty());
    assertEquals(1, d.accepted().size());
  }

  @Test
  void subscriptionLimitFailsTheWholeRequest() {
    SubscriptionPolicy p = policy(3, 200, Freq.REALTIME);
    ProtocolException e = fails(p, request(List.of("quote:600519.SH", "quote:000001.SZ", "quote:600520.SH"),
        List.of("trade:000001.SZ", "trade:600519.SH"), null));
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
    JsonObject json = e.toJson();
    assertEquals("LIMIT_EXCEEDED", json.getString("code"));
    assertEquals("subscriptionsPerConnection", json.getString("limit"));
    assertEquals(3, json.getInteger("max"));
    assertEquals(2, json.getInteger("current"));
    assertEquals(2, json.getInteger("requested"), "the unknown symbol does not count");
    // exactly at the limit is fine; duplicates and existing ones do not count
    SubscriptionPolicy.Decision ok = p.check(List.of("quote:600519.SH", "quote:600519.sh", "trade:000001.SZ"),
        List.of("trade:000001.SZ", "trade:600519.SH"), null);
    assertEquals(1, ok.added().size());
  }

  @Test
  void channelsPerRequestLimit() {
    SubscriptionPolicy p = policy(50, 3, Freq.REALTIME);
    List<String> four = List.of("quote:600519.SH", "trade:600519.SH", "quote:000001.SZ", "trade:000001.SZ");
    ProtocolException e = fails(p, request(four, List.of("quote:300750.SZ"), null));
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
    JsonObject json = e.toJson();
    assertEquals("channelsPerRequest", json.getString("limit"));
    assertEquals(3, json.getInteger("max"));
    assertEquals(1, json.getInteger("current"));
    assertEquals(4, json.getInteger("requested"));
    assertEquals(3, p.check(request(four.subList(0, 3), null, null)).accepted().size());
  }

  @Test
  void badRequests() {
    ProtocolException missing = fails(policy(), new JsonObject().put("connectionId", "c-1"));
    assertEquals(ErrorCode.BAD_REQUEST, missing.code());
    assertEquals("channels", missing.toJson().getString("field"));
    assertEquals(ErrorCode.BAD_REQUEST, fails(policy(), new JsonObject().put("channels", "quote:600519.SH")).code());
    assertEquals(ErrorCode.BAD_REQUEST, fails(policy(), null).code());
    ProtocolException existing = fails(policy(),
        new JsonObject().put("channels", new JsonArray()).put("existing", "quote:600519.SH"));
    assertEquals("existing", existing.toJson().getString("field"));
    // an empty request is fine
    JsonObject empty = policy().check(new JsonObject().put("channels", new JsonArray())).toJson();
    assertEquals(new JsonObject().put("accepted", new JsonArray()).put("rejected", new JsonArray()), empty);
  }

  @Test
  void limitsFromConfig() {
    JsonObject config = new JsonObject().put("limits", new JsonObject().put("subscriptionsPerConnection", 7)
        .put("channelsPerRequest", "9").put("minFreq", "500ms"));
    assertEquals(new SubscriptionPolicy.Limits(7, 9, Freq.MS500), SubscriptionPolicy.Limits.from(new Settings(config)));
    JsonObject bad = config.copy();
    bad.getJsonObject("limits").put("minFreq", "2s");
    assertThrows(IllegalArgumentException.class, () -> SubscriptionPolicy.Limits.from(new Settings(bad)));
  }

  @Test
  void worksOnTheFullMarket() {
    SymbolDirectory full = SymbolDirectory.of(ListingLoader.load(SharedData.referenceFile()));
    SubscriptionPolicy p = new SubscriptionPolicy(full, new SubscriptionPolicy.Limits(50, 200, Freq.REALTIME));
    SubscriptionPolicy.Decision d = p.check(List.of("quote:600520.SH", "quote:600519.SZ", "quote:300750.SZ"), List.of(), null);
    assertEquals(2, d.accepted().size(), "600520.SH exists in the full market");
    assertEquals("600519.SH 贵州茅台", d.rejected().get(0).getJsonArray("suggestions").getString(0));
  }
}
