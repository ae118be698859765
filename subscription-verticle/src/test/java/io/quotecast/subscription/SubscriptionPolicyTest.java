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
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.Scopes;
import io.quotecast.common.auth.TierLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SubscriptionPolicyTest {
  private static SymbolDirectory symbols;

  static final Set<String> ALL_SCOPES = Set.of(Scopes.QUOTE, Scopes.TRADE, Scopes.KLINE);
  static final Map<String, TierLimits> TIERS = Map.of(
      "free", new TierLimits("free", Freq.S1, 50, 100, 3),
      "standard", new TierLimits("standard", Freq.MS250, 200, 1000, 10),
      "pro", new TierLimits("pro", Freq.REALTIME, 1000, 10000, 50));

  @BeforeAll
  static void load() {
    symbols = SymbolDirectory.of(ListingLoader.loadShipped());
  }

  private static SubscriptionPolicy policy(int perRequest) {
    return new SubscriptionPolicy(symbols, new SubscriptionPolicy.Limits(perRequest, TIERS));
  }

  private static SubscriptionPolicy policy() {
    return policy(200);
  }

  private static TierLimits tier(int perConnection, int perUser, Freq minFreq) {
    return new TierLimits("pro", minFreq, perConnection, perUser, 10);
  }

  private static Principal user(String... scopes) {
    return new Principal("u-1", "pro", Set.of(scopes), false, 0);
  }

  /** A caller with every scope, the given limits, {@code existing} counted for the connection and its user. */
  private static SubscriptionPolicy.Caller caller(TierLimits tier, List<String> existing) {
    return new SubscriptionPolicy.Caller(new Principal("u-1", tier.tier(), ALL_SCOPES, false, 0), tier,
        Set.copyOf(existing), existing.size());
  }

  private static SubscriptionPolicy.Caller caller() {
    return caller(tier(50, 100, Freq.REALTIME), List.of());
  }

  private static JsonObject request(List<String> channels, String freq) {
    JsonObject r = new JsonObject().put("connectionId", "c-1").put("channels", new JsonArray(channels));
    if (freq != null) {
      r.put("freq", freq);
    }
    return r;
  }

  private static JsonObject check(SubscriptionPolicy p, List<String> channels, SubscriptionPolicy.Caller caller,
                                  String freq) {
    return p.check(request(channels, freq), caller).toJson();
  }

  private static JsonObject check(List<String> channels) {
    return check(policy(), channels, caller(), null);
  }

  private static ProtocolException fails(SubscriptionPolicy p, JsonObject request, SubscriptionPolicy.Caller caller) {
    return assertThrows(ProtocolException.class, () -> p.check(request, caller));
  }

  private static ProtocolException fails(JsonObject request) {
    return fails(policy(), request, caller());
  }

  @Test
  void theBriefsExample() {
    JsonObject reply = check(policy(), List.of("quote:600519.SH", "kline:1m:600519.sh", "quote:600520.SH"),
        caller(tier(50, 100, Freq.REALTIME), List.of("trade:000001.SZ")), "250ms");
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
        "kline:1d:920185.BJ", "quote:688981.sh"), null, caller(tier(50, 100, Freq.REALTIME), List.of("trade:000001.SZ")));
    assertEquals(4, d.accepted().size());
    assertTrue(d.rejected().isEmpty());
    assertTrue(d.accepted().stream().allMatch(a -> a.freq() == Freq.REALTIME));
    assertEquals(List.of("quote:600519.SH", "kline:1d:920185.BJ", "quote:688981.SH"),
        d.added().stream().map(Object::toString).toList());
  }

  @Test
  void malformedSymbolsGetSuggestionsFromTheRawText() {
    JsonObject reply = check(List.of("quote:gzmt", "quote:600519", "trade:茅台", "quote:600519.SHX"));
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
    JsonObject none = check(List.of("quote:@@@")).getJsonArray("rejected").getJsonObject(0);
    assertEquals(new JsonArray(), none.getJsonArray("suggestions"));
  }

  @Test
  void unknownWellFormedSymbols() {
    JsonObject r = check(List.of("quote:600519.sz")).getJsonArray("rejected").getJsonObject(0);
    assertEquals("quote:600519.sz", r.getString("ch"), "rejected entries keep the client's text");
    assertEquals("unknown symbol 600519.SZ", r.getString("message"));
    assertEquals("600519.SH 贵州茅台", r.getJsonArray("suggestions").getString(0));
    JsonObject index = check(List.of("quote:000001.SH")).getJsonArray("rejected").getJsonObject(0);
    assertEquals("000001.SZ 平安银行", index.getJsonArray("suggestions").getString(0));
  }

  @Test
  void badTypesAndIntervalsAreRejectedWithAllowed() {
    JsonArray rejected = check(List.of("quotes:600519.SH", "kline:2m:600519.SH", "600519.SH", "quote:600519.SH"))
        .getJsonArray("rejected");
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
    SubscriptionPolicy.Decision d = policy().check(req, caller());
    assertEquals(1, d.accepted().size());
    assertEquals(2, d.rejected().size());
    assertEquals("5", d.rejected().get(0).getString("ch"));
    assertNull(d.rejected().get(1).getString("ch"));
  }

  @Test
  void duplicatesCountOnce() {
    SubscriptionPolicy.Decision d = policy().check(List.of("quote:600519.SH", "quote:600519.sh", "QUOTE:600519.SH",
        "trade:600519.SH", "quote:600520.SH", "quote:600520.SH"), null, caller(tier(2, 2, Freq.REALTIME), List.of()));
    assertEquals(List.of("quote:600519.SH", "trade:600519.SH"),
        d.accepted().stream().map(a -> a.channel().toString()).toList());
    assertEquals(1, d.rejected().size(), "a repeated bad channel is rejected once");
  }

  @Test
  void freqDefaultsRaisesAndValidation() {
    assertEquals("realtime", check(List.of("quote:600519.SH"))
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
    assertEquals("250ms", check(policy(), List.of("quote:600519.SH"), caller(), "250MS")
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
    SubscriptionPolicy.Caller slow = caller(tier(50, 100, Freq.S1), List.of());
    assertEquals("1s", check(policy(), List.of("quote:600519.SH"), slow, null)
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
    assertEquals("1s", check(policy(), List.of("quote:600519.SH"), slow, "250ms")
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
    assertEquals("3s", check(policy(), List.of("quote:600519.SH"), slow, "3s")
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));

    ProtocolException e = fails(request(List.of("quote:600519.SH"), "2s"));
    assertEquals(ErrorCode.INVALID_CHANNEL, e.code());
    assertEquals(new JsonArray(Freq.wireNames()), e.toJson().getJsonArray("allowed"));
    assertTrue(e.getMessage().contains("2s"));
    ProtocolException notString = fails(
        new JsonObject().put("channels", new JsonArray().add("quote:600519.SH")).put("freq", 250));
    assertEquals(ErrorCode.INVALID_CHANNEL, notString.code());
  }

  @Test
  void eachTiersMinFreqRaisesTheRequestedOne() {
    SubscriptionPolicy p = policy();
    for (String freq : new String[] {null, "100ms", "250ms", "1s", "5s"}) {
      for (TierLimits t : TIERS.values()) {
        Freq requested = freq == null ? Freq.REALTIME : Freq.fromWire(freq);
        Freq expected = requested.atLeast(t.minFreq());
        JsonObject reply = check(p, List.of("quote:600519.SH", "trade:600519.SH"), caller(t, List.of()), freq);
        for (Object o : reply.getJsonArray("accepted")) {
          assertEquals(expected.wire(), ((JsonObject) o).getString("freq"), t + " " + freq);
        }
      }
    }
    // spot checks of the table
    assertEquals("1s", check(p, List.of("quote:600519.SH"), caller(TIERS.get("free"), List.of()), "100ms")
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
    assertEquals("250ms", check(p, List.of("quote:600519.SH"), caller(TIERS.get("standard"), List.of()), null)
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
    assertEquals("100ms", check(p, List.of("quote:600519.SH"), caller(TIERS.get("pro"), List.of()), "100ms")
        .getJsonArray("accepted").getJsonObject(0).getString("freq"));
  }

  @Test
  void existingChannelsAreAcceptedAndDoNotCount() {
    JsonObject reply = check(policy(), List.of("trade:000001.sz", "quote:600519.SH"),
        caller(tier(4, 100, Freq.REALTIME), List.of("trade:000001.SZ", "quote:000001.SZ", "kline:1m:000001.SZ")), null);
    JsonArray accepted = reply.getJsonArray("accepted");
    assertEquals(new JsonObject().put("ch", "trade:000001.SZ").put("freq", "realtime").put("existing", true),
        accepted.getJsonObject(0));
    assertFalse(accepted.getJsonObject(1).getBoolean("existing"));
    // at the limit with existing ones only: nothing new, nothing exceeded
    SubscriptionPolicy.Decision d = policy().check(List.of("trade:000001.SZ"), null,
        caller(tier(1, 1, Freq.REALTIME), List.of("trade:000001.SZ", "quote:000001.SZ")));
    assertTrue(d.added().isEmpty());
    assertEquals(1, d.accepted().size());
  }

  @Test
  void theCallersCountedSetIsAuthoritativeNotTheRequestsExisting() {
    // the request claims quote:600519.SH is existing and omits trade:000001.SZ; the caller's counted set wins
    JsonObject request = request(List.of("quote:600519.SH", "trade:000001.SZ"), null)
        .put("existing", new JsonArray(List.of("quote:600519.SH")));
    SubscriptionPolicy.Decision d = policy().check(request,
        caller(tier(50, 100, Freq.REALTIME), List.of("trade:000001.SZ")));
    assertFalse(d.accepted().get(0).existing(), "not counted for the connection: new");
    assertTrue(d.accepted().get(1).existing(), "counted for the connection: existing");
    assertEquals(List.of("quote:600519.SH"), d.added().stream().map(Object::toString).toList());
  }

  @Test
  void scopesGateEachChannelType() {
    SubscriptionPolicy p = policy();
    TierLimits t = tier(50, 100, Freq.REALTIME);
    List<String> all = List.of("quote:600519.SH", "trade:600519.sh", "kline:1m:600519.SH");
    record Case(String scope, String allowed) {}
    for (Case c : List.of(new Case(Scopes.QUOTE, "quote:600519.SH"), new Case(Scopes.TRADE, "trade:600519.SH"),
        new Case(Scopes.KLINE, "kline:1m:600519.SH"))) {
      SubscriptionPolicy.Decision d = p.check(all, null,
          new SubscriptionPolicy.Caller(user(c.scope()), t, Set.of(), 0));
      assertEquals(List.of(c.allowed()), d.accepted().stream().map(a -> a.channel().toString()).toList(), c.scope());
      assertEquals(2, d.rejected().size());
      for (JsonObject r : d.rejected()) {
        assertEquals("FORBIDDEN", r.getString("code"), r.encode());
        String type = r.getString("ch").substring(0, r.getString("ch").indexOf(':'));
        String required = "md:" + type;
        assertEquals(required, r.getString("required"), r.encode());
        assertTrue(r.getString("message").endsWith("requires scope " + required), r.getString("message"));
      }
    }
    // the rejected entry keeps the client's text; no scope at all rejects all three, counting nothing
    SubscriptionPolicy.Decision none = p.check(all, null, new SubscriptionPolicy.Caller(user(), t, Set.of(), 0));
    assertTrue(none.accepted().isEmpty());
    assertEquals("trade:600519.sh", none.rejected().get(1).getString("ch"));
    assertEquals(new JsonObject().put("ch", "trade:600519.sh").put("code", "FORBIDDEN")
        .put("message", "channel trade:600519.SH requires scope md:trade").put("required", "md:trade"),
        none.rejected().get(1));
    // forbidden channels do not count toward limits: one slot left, two forbidden + one allowed is fine
    SubscriptionPolicy.Decision tight = p.check(all, null,
        new SubscriptionPolicy.Caller(user(Scopes.QUOTE), tier(1, 1, Freq.REALTIME), Set.of(), 0));
    assertEquals(1, tight.added().size());
    // admin does not imply data scopes
    assertTrue(p.check(all, null, new SubscriptionPolicy.Caller(user(Scopes.ADMIN), t, Set.of(), 0))
        .accepted().isEmpty());
  }

  @Test
  void subscriptionLimitFailsTheWholeRequest() {
    TierLimits t = tier(3, 100, Freq.REALTIME);
    SubscriptionPolicy.Caller c = caller(t, List.of("trade:000001.SZ", "trade:600519.SH"));
    ProtocolException e = fails(policy(), request(List.of("quote:600519.SH", "quote:000001.SZ", "quote:600520.SH"),
        null), c);
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
    JsonObject json = e.toJson();
    assertEquals("LIMIT_EXCEEDED", json.getString("code"));
    assertEquals("subscriptionsPerConnection", json.getString("limit"));
    assertEquals(3, json.getInteger("max"));
    assertEquals(2, json.getInteger("current"));
    assertEquals(2, json.getInteger("requested"), "the unknown symbol does not count");
    // exactly at the limit is fine; duplicates and existing ones do not count
    SubscriptionPolicy.Decision ok = policy().check(List.of("quote:600519.SH", "quote:600519.sh", "trade:000001.SZ"),
        null, c);
    assertEquals(1, ok.added().size());
  }

  @Test
  void perConnectionLimitOfEachTier() {
    SubscriptionPolicy p = policy(5000);
    for (TierLimits t : TIERS.values()) {
      int max = t.subscriptionsPerConnection();
      List<String> existing = new ArrayList<>();
      for (int i = 0; i < max - 1; i++) {
        existing.add("quote:" + String.format("%06d", i) + ".SZ"); // counted keys need not be listed symbols
      }
      SubscriptionPolicy.Caller c = caller(t, existing);
      assertEquals(1, p.check(List.of("quote:600519.SH"), null, c).added().size(), t.tier() + ": up to the limit");
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> p.check(List.of("quote:600519.SH", "trade:600519.SH"), null, c));
      assertEquals("subscriptionsPerConnection", e.toJson().getString("limit"), t.tier());
      assertEquals(max, e.toJson().getInteger("max"));
      assertEquals(max - 1, e.toJson().getInteger("current"));
      assertEquals(2, e.toJson().getInteger("requested"));
    }
  }

  @Test
  void perUserLimitCountsTheUsersOtherConnections() {
    TierLimits t = tier(50, 10, Freq.REALTIME);
    // this connection holds 2, the user's other connections 7 more: 9 of 10
    SubscriptionPolicy.Caller c = new SubscriptionPolicy.Caller(user(Scopes.QUOTE, Scopes.TRADE), t,
        Set.of("quote:000001.SZ", "trade:000001.SZ"), 9);
    assertEquals(1, policy().check(List.of("quote:600519.SH", "quote:000001.SZ"), null, c).added().size());
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> policy().check(List.of("quote:600519.SH", "trade:600519.SH", "quote:000001.SZ"), null, c));
    JsonObject json = e.toJson();
    assertEquals("LIMIT_EXCEEDED", json.getString("code"));
    assertEquals("subscriptionsPerUser", json.getString("limit"));
    assertEquals(10, json.getInteger("max"));
    assertEquals(9, json.getInteger("current"), "the user's count on the node");
    assertEquals(2, json.getInteger("requested"), "new channels only");
    // existing-only requests pass even at the per-user limit
    SubscriptionPolicy.Caller full = new SubscriptionPolicy.Caller(user(Scopes.QUOTE), t, Set.of("quote:000001.SZ"), 10);
    assertTrue(policy().check(List.of("quote:000001.SZ"), null, full).added().isEmpty());
  }

  @Test
  void channelsPerRequestLimit() {
    SubscriptionPolicy p = policy(3);
    List<String> four = List.of("quote:600519.SH", "trade:600519.SH", "quote:000001.SZ", "trade:000001.SZ");
    ProtocolException e = fails(p, request(four, null), caller(tier(50, 100, Freq.REALTIME), List.of("quote:300750.SZ")));
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
    JsonObject json = e.toJson();
    assertEquals("channelsPerRequest", json.getString("limit"));
    assertEquals(3, json.getInteger("max"));
    assertEquals(1, json.getInteger("current"));
    assertEquals(4, json.getInteger("requested"));
    assertEquals(3, p.check(request(four.subList(0, 3), null), caller()).accepted().size());
  }

  @Test
  void badRequests() {
    ProtocolException missing = fails(new JsonObject().put("connectionId", "c-1"));
    assertEquals(ErrorCode.BAD_REQUEST, missing.code());
    assertEquals("channels", missing.toJson().getString("field"));
    assertEquals(ErrorCode.BAD_REQUEST, fails(new JsonObject().put("channels", "quote:600519.SH")).code());
    assertEquals(ErrorCode.BAD_REQUEST, fails(null).code());
    ProtocolException existing = fails(new JsonObject().put("channels", new JsonArray()).put("existing", "quote:600519.SH"));
    assertEquals("existing", existing.toJson().getString("field"));
    // an empty request is fine
    JsonObject empty = policy().check(new JsonObject().put("channels", new JsonArray()), caller()).toJson();
    assertEquals(new JsonObject().put("accepted", new JsonArray()).put("rejected", new JsonArray()), empty);
  }

  @Test
  void limitsFromConfig() {
    JsonObject tiers = new JsonObject();
    for (String name : TierLimits.NAMES) {
      tiers.put(name, new JsonObject().put("minFreq", "500ms").put("subscriptionsPerConnection", 7)
          .put("subscriptionsPerUser", "20").put("connectionsPerUser", 2));
    }
    JsonObject config = new JsonObject().put("limits", new JsonObject().put("channelsPerRequest", "9"))
        .put("tiers", tiers);
    SubscriptionPolicy.Limits limits = SubscriptionPolicy.Limits.from(new Settings(config));
    assertEquals(9, limits.channelsPerRequest());
    assertEquals(new TierLimits("standard", Freq.MS500, 7, 20, 2), limits.tier("standard"));
    assertEquals("free", limits.tier("gold").tier(), "an unknown tier gets the lowest");
    assertEquals("free", limits.tier(null).tier());
    assertFalse(limits.knows("gold"));

    JsonObject bad = config.copy();
    bad.getJsonObject("tiers").getJsonObject("pro").put("minFreq", "2s");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SubscriptionPolicy.Limits.from(new Settings(bad)));
    assertTrue(e.getMessage().contains("tiers.pro.minFreq"), e.getMessage());
    JsonObject zero = config.copy();
    zero.getJsonObject("tiers").getJsonObject("free").put("connectionsPerUser", 0);
    e = assertThrows(IllegalArgumentException.class, () -> SubscriptionPolicy.Limits.from(new Settings(zero)));
    assertTrue(e.getMessage().contains("tiers.free.connectionsPerUser"), e.getMessage());
    JsonObject missing = config.copy();
    missing.getJsonObject("tiers").remove("standard");
    e = assertThrows(IllegalArgumentException.class, () -> SubscriptionPolicy.Limits.from(new Settings(missing)));
    assertTrue(e.getMessage().contains("tiers.standard."), e.getMessage());
  }

  @Test
  void worksOnTheFullMarket() {
    SymbolDirectory full = SymbolDirectory.of(ListingLoader.load(SharedData.referenceFile()));
    SubscriptionPolicy p = new SubscriptionPolicy(full, new SubscriptionPolicy.Limits(200, TIERS));
    SubscriptionPolicy.Decision d = p.check(List.of("quote:600520.SH", "quote:600519.SZ", "quote:300750.SZ"), null,
        caller());
    assertEquals(2, d.accepted().size(), "600520.SH exists in the full market");
    assertEquals("600519.SH 贵州茅台", d.rejected().get(0).getJsonArray("suggestions").getString(0));
  }
}
