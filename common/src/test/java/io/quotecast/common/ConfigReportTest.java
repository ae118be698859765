package io.quotecast.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ConfigReportTest {

  private static JsonObject config() {
    return new JsonObject()
        .put("node", new JsonObject().put("id", "node-1"))
        .put("gateway", new JsonObject().put("port", 8080).put("allowedOrigins", ""))
        .put("auth", new JsonObject()
            .put("hmacSecret", "s3cr3t-key")
            .put("localSecret", "generated-per-process")
            .put("publicKeyFile", "/etc/quotecast/pub.pem")
            .put("adminToken", true)
            .put("devTokens", false)
            .put("devTokenMaxTtlSeconds", 86400)
            .put("issuer", "https://issuer.example"))
        .put("log", new JsonObject().put("level", "INFO").put("levels", ""));
  }

  @Test
  void masksNonEmptySecretStrings() {
    JsonObject masked = ConfigReport.masked(config());
    JsonObject auth = masked.getJsonObject("auth");
    assertEquals("****", auth.getString("hmacSecret"));
    assertEquals("****", auth.getString("localSecret"));
    assertFalse(masked.encode().contains("s3cr3t-key"));
    assertFalse(masked.encode().contains("generated-per-process"));
  }

  @Test
  void keepsFlagsNumbersAndOrdinaryValues() {
    JsonObject masked = ConfigReport.masked(config());
    JsonObject auth = masked.getJsonObject("auth");
    assertEquals(true, auth.getValue("adminToken"));
    assertEquals(false, auth.getValue("devTokens"));
    assertEquals(86400, auth.getInteger("devTokenMaxTtlSeconds"));
    assertEquals("/etc/quotecast/pub.pem", auth.getString("publicKeyFile"));
    assertEquals("https://issuer.example", auth.getString("issuer"));
    assertEquals("node-1", masked.getJsonObject("node").getString("id"));
    assertEquals(8080, masked.getJsonObject("gateway").getInteger("port"));
    assertEquals("INFO", masked.getJsonObject("log").getString("level"));
  }

  @Test
  void emptySecretStaysVisibleAsNotConfigured() {
    JsonObject c = config();
    c.getJsonObject("auth").put("hmacSecret", "");
    assertEquals("", ConfigReport.masked(c).getJsonObject("auth").getString("hmacSecret"));
  }

  @Test
  void flagsGivenAsStringsStayVisible() {
    // the environment and system properties may deliver booleans as strings
    JsonObject c = config();
    c.getJsonObject("auth").put("adminToken", "true").put("devTokens", "FALSE");
    JsonObject auth = ConfigReport.masked(c).getJsonObject("auth");
    assertEquals("true", auth.getString("adminToken"));
    assertEquals("FALSE", auth.getString("devTokens"));
  }

  @Test
  void matchesCaseInsensitivelyOnTheLastSegmentAndNested() {
    JsonObject c = new JsonObject()
        .put("db", new JsonObject().put("PASSWORD", "pw").put("passwordFile", "/run/secrets/db").put("user", "q"))
        .put("auth.hmacSecret", "flat-dotted-key")
        .put("api", new JsonObject().put("ACCESS_TOKEN", "tok").put("clientSecret", 12345))
        .put("secrets", new JsonObject().put("one", "a").put("many", new JsonArray().add("b").add("")))
        .put("tokens", new JsonArray().add("t1").add(new JsonObject().put("value", "t2").put("ttl", 60)));
    JsonObject m = ConfigReport.masked(c);
    assertEquals("****", m.getJsonObject("db").getString("PASSWORD"));
    assertEquals("****", m.getJsonObject("db").getString("passwordFile"));
    assertEquals("q", m.getJsonObject("db").getString("user"));
    assertEquals("****", m.getString("auth.hmacSecret"));
    assertEquals("****", m.getJsonObject("api").getString("ACCESS_TOKEN"));
    assertEquals("****", m.getJsonObject("api").getValue("clientSecret"), "a numeric secret is masked too");
    assertEquals("****", m.getJsonObject("secrets").getString("one"));
    assertEquals(new JsonArray().add("****").add(""), m.getJsonObject("secrets").getJsonArray("many"));
    JsonArray tokens = m.getJsonArray("tokens");
    assertEquals("****", tokens.getString(0));
    assertEquals("****", tokens.getJsonObject(1).getString("value"));
    assertEquals(60, tokens.getJsonObject(1).getInteger("ttl"));
  }

  @Test
  void isADeepCopyAndLeavesTheInputAlone() {
    JsonObject c = config();
    String before = c.encode();
    JsonObject masked = ConfigReport.masked(c);
    assertEquals(before, c.encode());
    assertNotSame(c.getJsonObject("auth"), masked.getJsonObject("auth"));
    masked.getJsonObject("node").put("id", "changed");
    assertEquals("node-1", c.getJsonObject("node").getString("id"));
  }

  @Test
  void webhookUrlsAreMaskedTheirPathIsACredential() {
    JsonObject masked = ConfigReport.masked(new JsonObject().put("alerts", new JsonObject()
        .put("webhookUrl", "https://hooks.example.com/services/T0123/B0456/s3cr3t-path-part").put("webhookTimeoutMs", 5000)));
    assertEquals(ConfigReport.MASK, masked.getJsonObject("alerts").getString("webhookUrl"));
    assertEquals(5000, masked.getJsonObject("alerts").getInteger("webhookTimeoutMs"));
  }
}
