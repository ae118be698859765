package io.quotecast.common.auth;

import static io.quotecast.common.auth.AuthConfig.auth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {
  /** The verifier's "now" (epoch seconds); token times are relative to it, never to the wall clock. */
  static final long NOW = 1_700_000_000L;
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
  static final String SECRET = "fastapi-secret-key-0123456789abcdefghij";
  static final String LOCAL_SECRET = "per-process-local-secret-9876543210zyxwvu";

  static Vertx vertx;
  static KeyPair rsa;
  static KeyPair rsa2;
  static KeyPair ec;
  static KeyPair ec2;
  @TempDir
  static Path dir;
  static Path rsaPem;
  static Path ecPem;
  static Path jwks;

  @BeforeAll
  static void setUp() throws IOException {
    vertx = Vertx.vertx();
    rsa = TestTokens.rsaKeyPair();
    rsa2 = TestTokens.rsaKeyPair();
    ec = TestTokens.ecKeyPair("secp256r1");
    ec2 = TestTokens.ecKeyPair("secp256r1");
    rsaPem = TestTokens.writePem(dir, "rsa.pem", rsa.getPublic());
    ecPem = TestTokens.writePem(dir, "ec.pem", ec.getPublic());
    jwks = writeJwks("jwks.json",
        TestTokens.rsaJwk((RSAPublicKey) rsa.getPublic(), "rsa-1", "RS256"),
        TestTokens.ecJwk((ECPublicKey) ec.getPublic(), "ec-1", "ES256"),
        TestTokens.rsaJwk((RSAPublicKey) rsa2.getPublic(), "rsa-2", "RS256"));
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Path writeJwks(String name, JsonObject... keys) throws IOException {
    return Files.writeString(dir.resolve(name), new JsonObject().put("keys", new JsonArray(List.of(keys))).encode());
  }

  static TokenVerifier verifier(Object... keyValues) {
    return TokenVerifier.create(vertx, auth(keyValues), CLOCK);
  }

  /** PyJWT-style claims: sub, iat, exp an hour ahead. */
  static JsonObject claims(String sub) {
    return new JsonObject().put("sub", sub).put("iat", NOW - 10).put("exp", NOW + 3600);
  }

  static String rejected(TokenVerifier verifier, String token) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> verifier.verifyNow(token));
    assertEquals(ErrorCode.UNAUTHORIZED, e.code());
    if (token != null && !token.isEmpty()) {
      assertFalse(e.getMessage().contains(token), "the reason must not echo the token");
    }
    assertFalse(e.getMessage().contains(SECRET));
    return e.getMessage();
  }

  @Nested
  class Hs256 {
    final TokenVerifier verifier = verifier("hmacSecret", SECRET, "defaultTier", "standard");

    @Test
    void scopesListAsFastApiIssuesThem() {
      String token = TestTokens.hs256(SECRET, claims("u-1").put("tier", "pro")
          .put("scopes", new JsonArray().add("md:quote").add("md:trade")));
      Principal p = verifier.verifyNow(token);
      assertEquals(new Principal("u-1", "pro", Set.of("md:quote", "md:trade"), false, (NOW + 3600) * 1000), p);
    }

    @Test
    void scopeStringAndDefaultTier() {
      Principal p = verifier.verifyNow(TestTokens.hs256(SECRET, claims("u-2").put("scope", "md:quote md:kline")));
      assertEquals("standard", p.tier());
      assertEquals(Set.of("md:quote", "md:kline"), p.scopes());
      assertFalse(p.anonymous());
    }

    @Test
    void scopesAndScopeAreUnited() {
      Principal p = verifier.verifyNow(TestTokens.hs256(SECRET, claims("u").put("scope", "md:kline admin")
          .put("scopes", new JsonArray().add("md:quote"))));
      assertEquals(Set.of("md:quote", "md:kline", "admin"), p.scopes());
    }

    @Test
    void defaultScopesOnlyWithoutAnyScopeClaim() {
      TokenVerifier v = verifier("hmacSecret", SECRET, "defaultScopes", "md:quote md:trade");
      assertEquals(Set.of("md:quote", "md:trade"), v.verifyNow(TestTokens.hs256(SECRET, claims("u"))).scopes());
      assertEquals(Set.of(), v.verifyNow(TestTokens.hs256(SECRET, claims("u").put("scopes", new JsonArray())))
          .scopes(), "an explicit empty list grants nothing");
    }

    @Test
    void tokenWithoutExpIsAcceptedAndNeverExpires() {
      Principal p = verifier.verifyNow(TestTokens.hs256(SECRET, new JsonObject().put("sub", "u")));
      assertEquals(0, p.expiresAtMs());
      assertEquals("u", p.userId());
    }

    @Test
    void localSecretIsAnotherKey() {
      TokenVerifier both = verifier("hmacSecret", SECRET, "localSecret", LOCAL_SECRET);
      assertEquals("a", both.verifyNow(TestTokens.hs256(SECRET, claims("a"))).userId());
      assertEquals("b", both.verifyNow(TestTokens.hs256(LOCAL_SECRET, claims("b"))).userId());
      TokenVerifier localOnly = verifier("localSecret", LOCAL_SECRET);
      assertEquals("c", localOnly.verifyNow(TestTokens.hs256(LOCAL_SECRET, claims("c"))).userId());
      assertEquals("invalid token", rejected(localOnly, TestTokens.hs256(SECRET, claims("c"))));
    }

    @Test
    void wrongSecretOrTamperedTokenIsInvalid() {
      assertEquals("invalid token", rejected(verifier, TestTokens.hs256(SECRET + "x", claims("u"))));
      String token = TestTokens.hs256(SECRET, claims("u").put("tier", "free"));
      String[] parts = token.split("\\.");
      String forged = parts[0] + "." + TestTokens.b64(claims("u").put("tier", "pro").encode()) + "." + parts[2];
      assertEquals("invalid token", rejected(verifier, forged));
    }

    @Test
    void otherHmacAlgorithmsAreRefused() {
      String hs512 = TestTokens.hmac("HmacSHA512", SECRET.getBytes(StandardCharsets.UTF_8),
          TestTokens.header("HS512", null), claims("u").encode());
      assertEquals("invalid token", rejected(verifier, hs512));
      String hs384 = TestTokens.hmac("HmacSHA384", SECRET.getBytes(StandardCharsets.UTF_8),
          TestTokens.header("HS384", null), claims("u").encode());
      assertEquals("invalid token", rejected(verifier, hs384));
    }

    @Test
    void futureVariant() throws Exception {
      Future<Principal> ok = verifier.verify(TestTokens.hs256(SECRET, claims("u")));
      assertEquals("u", ok.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).userId());
      Future<Principal> bad = verifier.verify("nope");
      assertTrue(bad.failed());
      ProtocolException e = assertInstanceOf(ProtocolException.class, bad.cause());
      assertEquals(ErrorCode.UNAUTHORIZED, e.code());
      assertEquals("invalid token", e.getMessage());
    }
  }

  @Nested
  class PublicKeys {
    @Test
    void rs256WithPemFile() {
      TokenVerifier v = verifier("publicKeyFile", rsaPem.toString());
      Principal p = v.verifyNow(TestTokens.rs256(rsa.getPrivate(), null, claims("r").put("tier", "standard")));
      assertEquals("r", p.userId());
      assertEquals("standard", p.tier());
      assertEquals("invalid token", rejected(v, TestTokens.rs256(rsa2.getPrivate(), null, claims("r"))));
    }

    @Test
    void es256WithPemFileAndRawSignature() {
      TokenVerifier v = verifier("publicKeyFile", ecPem.toString());
      String token = TestTokens.es256(ec.getPrivate(), null, claims("e"));
      assertEquals(64, Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1)).length);
      assertEquals("e", v.verifyNow(token).userId());
      assertEquals("invalid token", rejected(v, TestTokens.es256(ec2.getPrivate(), null, claims("e"))));
    }

    @Test
    void rawSignatureConversionMatchesTheJdkP1363Form() throws Exception {
      // checks the test mint itself: the converted signature verifies as IEEE P1363 r||s
      String token = TestTokens.es256(ec.getPrivate(), null, claims("e"));
      int dot = token.lastIndexOf('.');
      Signature sig = Signature.getInstance("SHA256withECDSAinP1363Format");
      sig.initVerify(ec.getPublic());
      sig.update(token.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
      assertTrue(sig.verify(Base64.getUrlDecoder().decode(token.substring(dot + 1))));
    }

    @Test
    void derEncodedEs256SignatureIsRefused() {
      // Vert.x would accept it; JWS (and PyJWT) only knows raw R||S
      TokenVerifier v = verifier("publicKeyFile", ecPem.toString());
      assertEquals("invalid token", rejected(v, TestTokens.es256Der(ec.getPrivate(), claims("e"))));
    }

    @Test
    void pemSurroundedByOtherTextAndCrLf() throws IOException {
      String pem = TestTokens.pem("PUBLIC KEY", rsa.getPublic().getEncoded()).replace("\n", "\r\n");
      Path file = Files.writeString(dir.resolve("rsa-crlf.pem"), "issued by the auth team\r\n" + pem);
      TokenVerifier v = verifier("publicKeyFile", file.toString());
      assertEquals("r", v.verifyNow(TestTokens.rs256(rsa.getPrivate(), null, claims("r"))).userId());
    }

    @Test
    void jwksWithKids() {
      TokenVerifier v = verifier("jwksFile", jwks.toString());
      assertEquals("a", v.verifyNow(TestTokens.rs256(rsa.getPrivate(), "rsa-1", claims("a"))).userId());
      assertEquals("b", v.verifyNow(TestTokens.rs256(rsa2.getPrivate(), "rsa-2", claims("b"))).userId());
      assertEquals("c", v.verifyNow(TestTokens.es256(ec.getPrivate(), "ec-1", claims("c"))).userId());
      // no kid: every key of the algorithm is tried
      assertEquals("d", v.verifyNow(TestTokens.rs256(rsa2.getPrivate(), null, claims("d"))).userId());
      // a kid names one key: another key's signature does not count, nor does an unknown kid
      assertEquals("invalid token", rejected(v, TestTokens.rs256(rsa2.getPrivate(), "rsa-1", claims("x"))));
      assertEquals("invalid token", rejected(v, TestTokens.rs256(rsa.getPrivate(), "nope", claims("x"))));
      assertEquals("invalid token", rejected(v, TestTokens.es256(ec2.getPrivate(), "ec-1", claims("x"))));
    }

    @Test
    void jwkWithoutAlgIsInferred() throws IOException {
      Path file = writeJwks("no-alg.json", TestTokens.rsaJwk((RSAPublicKey) rsa.getPublic(), "r", null),
          TestTokens.ecJwk((ECPublicKey) ec.getPublic(), "e", null));
      TokenVerifier v = verifier("jwksFile", file.toString());
      assertEquals("a", v.verifyNow(TestTokens.rs256(rsa.getPrivate(), "r", claims("a"))).userId());
      assertEquals("b", v.verifyNow(TestTokens.es256(ec.getPrivate(), "e", claims("b"))).userId());
    }

    @Test
    void jwksSkipsKeysItCannotUseAndNeedsOne() throws IOException {
      JsonObject enc = TestTokens.rsaJwk((RSAPublicKey) rsa2.getPublic(), "enc", null).put("use", "enc");
      JsonObject rs512 = TestTokens.rsaJwk((RSAPublicKey) rsa2.getPublic(), "rs512", "RS512");
      JsonObject oct = new JsonObject().put("kty", "oct").put("k", "c2VjcmV0");
      JsonObject p384 = new JsonObject().put("kty", "EC").put("crv", "P-384").put("x", "AA").put("y", "AA");
      Path mixed = writeJwks("mixed.json", enc, rs512, oct, p384,
          TestTokens.ecJwk((ECPublicKey) ec.getPublic(), "ec", null));
      TokenVerifier v = verifier("jwksFile", mixed.toString());
      assertEquals("c", v.verifyNow(TestTokens.es256(ec.getPrivate(), "ec", claims("c"))).userId());
      assertEquals("invalid token", rejected(v, TestTokens.rs256(rsa2.getPrivate(), "enc", claims("x"))));

      Path useless = writeJwks("useless.json", enc, oct);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> verifier("jwksFile", useless.toString()));
      assertTrue(e.getMessage().startsWith("config key auth.jwksFile:"), e.getMessage());
    }

    @Test
    void badKeyFilesNameTheirConfigKey() throws IOException {
      Path notJwks = Files.writeString(dir.resolve("not-jwks.json"), "[1,2]");
      Path brokenKey = writeJwks("broken.json", new JsonObject().put("kty", "RSA").put("n", "***").put("e", "AQAB"));
      Path offCurve = writeJwks("off-curve.json", TestTokens.ecJwk((ECPublicKey) ec.getPublic(), "e", null)
          .put("y", TestTokens.ecJwk((ECPublicKey) ec2.getPublic(), "e", null).getString("y")));
      for (Path p : List.of(notJwks, brokenKey, offCurve)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> verifier("jwksFile", p.toString()), p.toString());
        assertTrue(e.getMessage().startsWith("config key auth.jwksFile:"), e.getMessage());
      }
      Path privatePem = Files.writeString(dir.resolve("private.pem"),
          TestTokens.pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));
      Path garbage = Files.writeString(dir.resolve("garbage.pem"), TestTokens.pem("PUBLIC KEY", new byte[] {1, 2}));
      Path p384 = TestTokens.writePem(dir, "p384.pem", TestTokens.ecKeyPair("secp384r1").getPublic());
      for (Path p : List.of(privatePem, garbage, p384)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> verifier("publicKeyFile", p.toString()), p.toString());
        assertTrue(e.getMessage().startsWith("config key auth.publicKeyFile:"), e.getMessage());
        assertFalse(e.getMessage().contains("MII"), "never quotes key material");
      }
    }

    @Test
    void missingFileGivenDirectlyNamesItsKey() {
      AuthSettings s = new AuthSettings(false, Set.of(), "", dir.resolve("gone.pem").toString(), "", "", "", "", 5,
          "free", Set.of(), 10000, 60000, false, false, 86400);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TokenVerifier.create(vertx, s));
      assertTrue(e.getMessage().startsWith("config key auth.publicKeyFile:"), e.getMessage());
    }

    @Test
    void allKindsOfKeysAtOnce() throws Exception {
      TokenVerifier v = TokenVerifier.createAsync(vertx, auth("hmacSecret", SECRET, "publicKeyFile",
              ecPem.toString(), "jwksFile", jwks.toString())).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertEquals("h", v.verifyNow(TestTokens.hs256(SECRET, new JsonObject().put("sub", "h"))).userId());
      // createAsync runs on the system clock: tokens without time claims keep the test off the wall clock
      assertEquals("e", v.verifyNow(TestTokens.es256(ec.getPrivate(), null, new JsonObject().put("sub", "e")))
          .userId());
      assertEquals("r", v.verifyNow(TestTokens.rs256(rsa2.getPrivate(), "rsa-2", new JsonObject().put("sub", "r")))
          .userId());
    }
  }

  @Nested
  class Claims {
    final TokenVerifier verifier = verifier("hmacSecret", SECRET, "leewaySeconds", 30);

    String token(JsonObject claims) {
      return TestTokens.hs256(SECRET, claims);
    }

    @Test
    void expiryWithLeeway() {
      assertEquals("u", verifier.verifyNow(token(claims("u").put("exp", NOW - 29))).userId());
      assertEquals("token expired", rejected(verifier, token(claims("u").put("exp", NOW - 30))));
      assertEquals("token expired", rejected(verifier, token(claims("u").put("exp", NOW - 3600))));
      TokenVerifier strict = verifier("hmacSecret", SECRET, "leewaySeconds", 0);
      assertEquals("u", strict.verifyNow(token(claims("u").put("exp", NOW + 1))).userId());
      assertEquals("token expired", rejected(strict, token(claims("u").put("exp", NOW))));
    }

    @Test
    void notBeforeAndIssuedAtWithLeeway() {
      assertEquals("u", verifier.verifyNow(token(claims("u").put("nbf", NOW + 30))).userId());
      assertEquals("token not yet valid", rejected(verifier, token(claims("u").put("nbf", NOW + 31))));
      assertEquals("u", verifier.verifyNow(token(claims("u").put("iat", NOW + 30))).userId());
      assertEquals("token not yet valid", rejected(verifier, token(claims("u").put("iat", NOW + 31))));
    }

    @Test
    void fractionalTimesAreAccepted() {
      Principal p = verifier.verifyNow(token(claims("u").put("exp", NOW + 60.75).put("iat", NOW - 0.5)));
      assertEquals((NOW + 60) * 1000, p.expiresAtMs());
    }

    @Test
    void badTimeClaimsAreInvalid() {
      assertEquals("invalid token", rejected(verifier, token(claims("u").put("exp", "tomorrow"))));
      assertEquals("invalid token", rejected(verifier, token(claims("u").put("nbf", true))));
      assertEquals("invalid token", rejected(verifier, token(claims("u").put("exp", 1e300))));
      assertEquals("invalid token", rejected(verifier, token(claims("u").put("exp", Long.MAX_VALUE))));
    }

    @Test
    void subject() {
      assertEquals("token has no subject", rejected(verifier, token(claims("u").putNull("sub"))));
      assertEquals("token has no subject", rejected(verifier, token(new JsonObject().put("exp", NOW + 60))));
      assertEquals("token has no subject", rejected(verifier, token(claims(""))));
      assertEquals("token has no subject", rejected(verifier, token(claims("  "))));
      assertEquals("token has no subject", rejected(verifier, token(claims("u").put("sub", 42))));
    }

    @Test
    void tier() {
      for (String tier : TierLimits.NAMES) {
        assertEquals(tier, verifier.verifyNow(token(claims("u").put("tier", tier))).tier());
      }
      assertEquals("unknown tier", rejected(verifier, token(claims("u").put("tier", "platinum"))));
      assertEquals("unknown tier", rejected(verifier, token(claims("u").put("tier", "PRO"))));
      assertEquals("unknown tier", rejected(verifier, token(claims("u").put("tier", 3))));
    }

    @Test
    void badScopeClaimsAreInvalid() {
      assertEquals("invalid token", rejected(verifier, token(claims("u").put("scopes", new JsonArray().add(1)))));
      assertEquals("invalid token", rejected(verifier, token(claims("u").put("scope", new JsonObject()))));
      assertEquals(Set.of("md:quote", "md:trade"),
          verifier.verifyNow(token(claims("u").put("scopes", "md:quote md:trade"))).scopes());
    }

    @Test
    void issuer() {
      TokenVerifier v = verifier("hmacSecret", SECRET, "issuer", "https://auth.example.com");
      assertEquals("u", v.verifyNow(token(claims("u").put("iss", "https://auth.example.com"))).userId());
      assertEquals("wrong issuer", rejected(v, token(claims("u").put("iss", "https://evil.example.com"))));
      assertEquals("wrong issuer", rejected(v, token(claims("u"))));
      // not configured: any issuer
      assertEquals("u", verifier.verifyNow(token(claims("u").put("iss", "anyone"))).userId());
    }

    @Test
    void audienceAsStringOrList() {
      TokenVerifier v = verifier("hmacSecret", SECRET, "audience", "quotecast");
      assertEquals("u", v.verifyNow(token(claims("u").put("aud", "quotecast"))).userId());
      assertEquals("u", v.verifyNow(token(claims("u").put("aud", new JsonArray().add("billing").add("quotecast"))))
          .userId());
      assertEquals("wrong audience", rejected(v, token(claims("u").put("aud", "billing"))));
      assertEquals("wrong audience", rejected(v, token(claims("u").put("aud", new JsonArray().add("billing")))));
      assertEquals("wrong audience", rejected(v, token(claims("u"))));
      assertEquals("wrong audience", rejected(v, token(claims("u").put("aud", 7))));
    }

    @Test
    void claimsAreOnlyJudgedAfterTheSignature() {
      // a forged expired token says "invalid token", not "token expired"
      String forged = TestTokens.hs256("not-the-secret", claims("u").put("exp", NOW - 3600));
      assertEquals("invalid token", rejected(verifier, forged));
    }
  }

  @Nested
  class Attacks {
    @Test
    void algNoneIsAlwaysRefused() {
      JsonObject c = claims("root").put("scopes", new JsonArray().add("admin"));
      List<TokenVerifier> verifiers = List.of(verifier(), verifier("hmacSecret", SECRET),
          verifier("publicKeyFile", rsaPem.toString()), verifier("jwksFile", jwks.toString()));
      for (TokenVerifier v : verifiers) {
        assertEquals("invalid token", rejected(v, TestTokens.none(c)));
        for (String alg : List.of("none", "None", "NONE", "nOnE")) {
          String header = TestTokens.b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}");
          String unsigned = header + "." + TestTokens.b64(c.encode());
          assertEquals("invalid token", rejected(v, unsigned + "."));
          assertEquals("invalid token", rejected(v, unsigned));
          // with a signature segment, and with an HMAC made with the secret as if it were HS256
          String signed = TestTokens.hmac("HmacSHA256", SECRET.getBytes(StandardCharsets.UTF_8),
              "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}", c.encode());
          assertEquals("invalid token", rejected(v, signed));
        }
      }
    }

    @Test
    void noKeyConfiguredRefusesEverything() {
      TokenVerifier v = verifier();
      assertEquals("invalid token", rejected(v, TestTokens.hs256(SECRET, claims("u"))));
      assertEquals("invalid token", rejected(v, TestTokens.rs256(rsa.getPrivate(), null, claims("u"))));
    }

    @Test
    void publicKeyUsedAsHmacSecretIsRefused() throws IOException {
      // the classic confusion: an HS256 token "signed" with the RS256 public key the server is configured with
      TokenVerifier v = verifier("publicKeyFile", rsaPem.toString());
      byte[] pemBytes = Files.readAllBytes(rsaPem);
      byte[] derBytes = rsa.getPublic().getEncoded();
      for (byte[] key : List.of(pemBytes, derBytes, Files.readString(rsaPem).trim().getBytes(StandardCharsets.UTF_8))) {
        String token = TestTokens.hmac("HmacSHA256", key, TestTokens.header("HS256", null), claims("u").encode());
        assertEquals("invalid token", rejected(v, token));
      }
      // also when HS256 is configured (with a different secret) next to the public key, and for the EC key / JWKS
      TokenVerifier mixed = verifier("hmacSecret", SECRET, "publicKeyFile", ecPem.toString(),
          "jwksFile", jwks.toString());
      for (Path pem : List.of(rsaPem, ecPem)) {
        String token = TestTokens.hmac("HmacSHA256", Files.readAllBytes(pem), TestTokens.header("HS256", null),
            claims("u").encode());
        assertEquals("invalid token", rejected(mixed, token));
      }
      String withKid = TestTokens.hmac("HmacSHA256", pemBytes, TestTokens.header("HS256", "rsa-1"),
          claims("u").encode());
      assertEquals("invalid token", rejected(mixed, withKid));
    }

    @Test
    void tokenMustMatchTheKeyType() {
      TokenVerifier hmacOnly = verifier("hmacSecret", SECRET);
      assertEquals("invalid token", rejected(hmacOnly, TestTokens.rs256(rsa.getPrivate(), null, claims("u"))));
      assertEquals("invalid token", rejected(hmacOnly, TestTokens.es256(ec.getPrivate(), null, claims("u"))));
      TokenVerifier rsaOnly = verifier("publicKeyFile", rsaPem.toString());
      assertEquals("invalid token", rejected(rsaOnly, TestTokens.es256(ec.getPrivate(), null, claims("u"))));
      assertEquals("invalid token", rejected(rsaOnly, TestTokens.hs256(SECRET, claims("u"))));
      // RS256 in the header over an ECDSA signature, and ES256 over an RSA signature
      assertEquals("invalid token", rejected(rsaOnly, TestTokens.signed("SHA256withECDSA", ec.getPrivate(),
          TestTokens.header("RS256", null), claims("u").encode(), false)));
      TokenVerifier ecOnly = verifier("publicKeyFile", ecPem.toString());
      assertEquals("invalid token", rejected(ecOnly, TestTokens.rs256(rsa.getPrivate(), null, claims("u"))));
      assertEquals("invalid token", rejected(ecOnly, TestTokens.signed("SHA256withRSA", rsa.getPrivate(),
          TestTokens.header("ES256", null), claims("u").encode(), false)));
    }

    @Test
    void critHeaderIsRefused() {
      TokenVerifier v = verifier("hmacSecret", SECRET);
      String token = TestTokens.hmac("HmacSHA256", SECRET.getBytes(StandardCharsets.UTF_8),
          new JsonObject().put("alg", "HS256").put("crit", new JsonArray().add("exp")).put("exp", 1).encode(),
          claims("u").encode());
      assertEquals("invalid token", rejected(v, token));
    }

    @Test
    void malformedTokens() {
      TokenVerifier v = verifier("hmacSecret", SECRET);
      assertEquals("missing token", rejected(v, null));
      assertEquals("missing token", rejected(v, ""));
      assertEquals("missing token", rejected(v, "   "));
      String good = TestTokens.hs256(SECRET, claims("u"));
      String[] p = good.split("\\.");
      List<String> bad = new ArrayList<>(List.of("abc", "a.b", "a.b.c.d", "..", "a..c", p[0] + "." + p[1],
          good + ".", good + ".x", p[0] + "." + p[1] + ".", " " + good, good + " ", "Bearer " + good,
          p[0] + "=." + p[1] + "." + p[2], p[0] + "." + p[1] + "." + p[2] + "==",
          "+" + good.substring(1), "/" + good.substring(1), "*" + good.substring(1),
          good.substring(0, good.length() - 2),
          TestTokens.b64("not json") + "." + p[1] + "." + p[2],
          p[0] + "." + TestTokens.b64("[1,2,3]") + "." + p[2],
          TestTokens.b64("[\"HS256\"]") + "." + p[1] + "." + p[2],
          TestTokens.hmac("HmacSHA256", SECRET.getBytes(StandardCharsets.UTF_8), "{\"alg\":\"HS256\"}", "[]"),
          TestTokens.hmac("HmacSHA256", SECRET.getBytes(StandardCharsets.UTF_8), "{\"alg\":\"HS256\"}", "{"),
          TestTokens.hmac("HmacSHA256", SECRET.getBytes(StandardCharsets.UTF_8), "{\"typ\":\"JWT\"}",
              claims("u").encode()),
          TestTokens.hmac("HmacSHA256", SECRET.getBytes(StandardCharsets.UTF_8), "{\"alg\":256}",
              claims("u").encode()),
          "a".repeat(TokenVerifier.MAX_TOKEN_CHARS + 1)));
      for (String token : bad) {
        assertEquals("invalid token", rejected(v, token), token);
      }
      assertEquals("u", v.verifyNow(good).userId());
    }
  }
}
