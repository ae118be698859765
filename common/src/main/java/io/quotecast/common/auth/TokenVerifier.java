package io.quotecast.common.auth;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JWT check for WebSocket, SockJS and REST: HS256 ({@code auth.hmacSecret}, {@code auth.localSecret}), RS256 /
 * ES256 ({@code auth.publicKeyFile}, {@code auth.jwksFile}), as PyJWT and python-jose issue them.
 *
 * <p>vertx-auth-jwt checks the signature; everything around it is ours, because Vert.x is lax or differs from PyJWT
 * there: it accepts DER-encoded ES256 signatures, would run "unsecured" (accepting {@code alg: none}) with no key,
 * and its exp/nbf/iss/aud failures are free-text messages, while callers need a precise reason that is only given
 * once the signature is known to be good. Verification does no I/O and is cheap enough for an event loop.
 *
 * <p>Rejection reasons are short and fixed; they never contain the token or key material. Tokens are never logged.
 */
public final class TokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);

  static final String HS256 = "HS256";
  static final String RS256 = "RS256";
  static final String ES256 = "ES256";

  static final String MISSING = "missing token";
  static final String INVALID = "invalid token";
  static final String EXPIRED = "token expired";
  static final String NOT_YET_VALID = "token not yet valid";
  static final String NO_SUBJECT = "token has no subject";
  static final String WRONG_ISSUER = "wrong issuer";
  static final String WRONG_AUDIENCE = "wrong audience";
  static final String UNKNOWN_TIER = "unknown tier";

  /** Far above any real token (a few hundred bytes); bounds the work an attacker can make us do. */
  static final int MAX_TOKEN_CHARS = 16 * 1024;
  /** Unpadded base64url, as RFC 7515 and PyJWT write JWS segments. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");
  /** Claims in seconds beyond this cannot be turned into epoch milliseconds. */
  private static final long MAX_SECONDS = Long.MAX_VALUE / 1000;
  private static final ECParameterSpec P256 = p256();

  private final JWTAuth jwt;
  private final Set<String> algorithms;
  private final AuthSettings settings;
  private final Clock clock;

  private TokenVerifier(JWTAuth jwt, Set<String> algorithms, AuthSettings settings, Clock clock) {
    this.jwt = jwt;
    this.algorithms = Set.copyOf(algorithms);
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Loads the configured keys; reads {@code auth.publicKeyFile} and {@code auth.jwksFile} with blocking I/O (call it
   * at start, or use {@link #createAsync}). A missing or bad key file fails with an {@link IllegalArgumentException}
   * naming its config key. With no key at all the verifier refuses every token.
   */
  public static TokenVerifier create(Vertx vertx, AuthSettings settings) {
    return create(vertx, settings, Clock.systemUTC());
  }

  /** {@link #create} on a worker thread. */
  public static Future<TokenVerifier> createAsync(Vertx vertx, AuthSettings settings) {
    return vertx.executeBlocking(() -> create(vertx, settings), false);
  }

  static TokenVerifier create(Vertx vertx, AuthSettings settings, Clock clock) {
    // Vert.x is used for signatures only: claims are checked below, after the signature, with precise reasons
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    Set<String> algorithms = new HashSet<>();
    for (String secret : new String[] {settings.hmacSecret(), settings.localSecret()}) {
      if (!secret.isEmpty()) {
        // the UTF-8 bytes of the string are the key, as PyJWT uses a str secret
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(HS256).setBuffer(secret));
        algorithms.add(HS256);
      }
    }
    if (!settings.publicKeyFile().isEmpty()) {
      PublicKey key = readPem(settings.publicKeyFile());
      String alg = algorithm(key, ConfigKeys.AUTH_PUBLIC_KEY_FILE, settings.publicKeyFile());
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pem(key)));
      algorithms.add(alg);
    }
    if (!settings.jwksFile().isEmpty()) {
      for (PubSecKeyOptions key : readJwks(settings.jwksFile())) {
        options.addPubSecKey(key);
        algorithms.add(key.getAlgorithm());
      }
    }
    if (algorithms.isEmpty()) {
      // a JWTAuth without keys is "unsecured" (accepts alg none): never build one
      LOG.warn("no auth.hmacSecret, auth.localSecret, auth.publicKeyFile or auth.jwksFile: "
          + "every token will be refused");
      return new TokenVerifier(null, algorithms, settings, clock);
    }
    return new TokenVerifier(JWTAuth.create(vertx, options), algorithms, settings, clock);
  }

  /** {@link #verifyNow} as a future, failed with a {@link ProtocolException} ({@link ErrorCode#UNAUTHORIZED}). */
  public Future<Principal> verify(String token) {
    try {
      return Future.succeededFuture(verifyNow(token));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The token's principal; throws a {@link ProtocolException} ({@link ErrorCode#UNAUTHORIZED}) with the reason. */
  public Principal verifyNow(String token) {
    if (token == null || token.isBlank()) {
      throw reject(MISSING);
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw reject(INVALID);
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw reject(INVALID);
    }
    JsonObject header = json(parts[0]);
    JsonObject claims = json(parts[1]);
    byte[] signature = base64url(parts[2]);
    Object alg = header.getValue("alg");
    // only algorithms we hold a key for: refuses "none", and an HS256 token can never meet an RSA/EC key
    if (!(alg instanceof String) || !algorithms.contains(alg)) {
      throw reject(INVALID);
    }
    // RFC 7515 §4.1.11: extensions we do not understand must not be ignored
    if (header.containsKey("crit")) {
      throw reject(INVALID);
    }
    // JWS ES256 is raw R||S (RFC 7518 §3.4); Vert.x would also take DER, which PyJWT never produces
    if ((alg.equals(ES256) && signature.length != 64) || (alg.equals(HS256) && signature.length != 32)) {
      throw reject(INVALID);
    }
    checkSignature(token);
    return principal(claims);
  }

  private void checkSignature(String token) {
    Future<User> user;
    try {
      user = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      throw reject(INVALID);
    }
    // JWTAuth completes at once (no I/O); anything else is a Vert.x change that the tests would show
    if (!user.isComplete()) {
      throw new IllegalStateException("vertx-auth-jwt did not verify synchronously");
    }
    if (user.failed()) {
      throw reject(INVALID);
    }
  }

  private Principal principal(JsonObject claims) {
    long now = clock.millis();
    long leewayMs = settings.leewaySeconds() * 1000;
    // the same comparisons as PyJWT: expired when exp <= now - leeway, too early when nbf or iat > now + leeway
    Long exp = seconds(claims, "exp");
    if (exp != null && exp * 1000 <= now - leewayMs) {
      throw reject(EXPIRED);
    }
    for (String claim : new String[] {"nbf", "iat"}) {
      Long t = seconds(claims, claim);
      if (t != null && t * 1000 > now + leewayMs) {
        throw reject(NOT_YET_VALID);
      }
    }
    if (!settings.issuer().isEmpty() && !settings.issuer().equals(claims.getValue("iss"))) {
      throw reject(WRONG_ISSUER);
    }
    if (!settings.audience().isEmpty() && !audienceMatches(claims.getValue("aud"))) {
      throw reject(WRONG_AUDIENCE);
    }
    if (!(claims.getValue("sub") instanceof String sub) || sub.isBlank()) {
      throw reject(NO_SUBJECT);
    }
    Object tier = claims.getValue("tier");
    if (tier != null && !TierLimits.NAMES.contains(tier)) {
      throw reject(UNKNOWN_TIER);
    }
    return new Principal(sub, tier == null ? settings.defaultTier() : (String) tier, scopes(claims), false,
        exp == null ? 0 : exp * 1000);
  }

  private boolean audienceMatches(Object aud) {
    if (aud instanceof String s) {
      return s.equals(settings.audience());
    }
    return aud instanceof JsonArray list && list.contains(settings.audience());
  }

  /** {@code scopes} (a list; a string is taken as space-separated) united with {@code scope}; else the defaults. */
  private Set<String> scopes(JsonObject claims) {
    Object list = claims.getValue("scopes");
    Object text = claims.getValue("scope");
    if (list == null && text == null) {
      return settings.defaultScopes();
    }
    Set<String> scopes = new LinkedHashSet<>();
    if (list instanceof JsonArray array) {
      for (Object s : array) {
        if (!(s instanceof String scope)) {
          throw reject(INVALID);
        }
        scopes.addAll(Scopes.parse(scope));
      }
    } else if (list instanceof String s) {
      scopes.addAll(Scopes.parse(s));
    } else if (list != null) {
      throw reject(INVALID);
    }
    if (text instanceof String s) {
      scopes.addAll(Scopes.parse(s));
    } else if (text != null) {
      throw reject(INVALID);
    }
    return scopes;
  }

  /** A NumericDate claim in whole seconds, null when absent; anything but a usable number is an invalid token. */
  private static Long seconds(JsonObject claims, String name) {
    Object v = claims.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n)) {
      throw reject(INVALID);
    }
    double d = n.doubleValue();
    long s = (v instanceof Integer || v instanceof Long) ? n.longValue() : (long) Math.floor(d);
    if (!Double.isFinite(d) || Math.abs(d) > MAX_SECONDS || Math.abs(s) > MAX_SECONDS) {
      throw reject(INVALID);
    }
    return s;
  }

  private static JsonObject json(String segment) {
    try {
      return new JsonObject(new String(base64url(segment), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw reject(INVALID);
    }
  }

  private static byte[] base64url(String segment) {
    if (!SEGMENT.matcher(segment).matches()) {
      throw reject(INVALID);
    }
    try {
      return Base64.getUrlDecoder().decode(segment);
    } catch (IllegalArgumentException e) {
      throw reject(INVALID);
    }
  }

  private static ProtocolException reject(String reason) {
    LOG.debug("token rejected: {}", reason);
    return new ProtocolException(ErrorCode.UNAUTHORIZED, reason);
  }

  // ---- key loading (start-up only) ----

  /** The SPKI public key of a "-----BEGIN PUBLIC KEY-----" PEM file. */
  static PublicKey readPem(String path) {
    String key = ConfigKeys.AUTH_PUBLIC_KEY_FILE;
    String text = read(key, path);
    String begin = "-----BEGIN PUBLIC KEY-----";
    String end = "-----END PUBLIC KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      // never quote the file: it might be a private key put there by mistake
      throw new IllegalArgumentException("config key " + key + ": " + path + " holds no \"" + begin
          + "\" block; expected an SPKI RSA or EC P-256 public key in PEM");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config key " + key + ": " + path + " is not valid PEM (bad base64)");
    }
    for (String type : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next key type
      }
    }
    throw new IllegalArgumentException("config key " + key + ": " + path
        + " holds no RSA or EC public key; expected an SPKI RSA or EC P-256 public key in PEM");
  }

  /** RS256 for RSA, ES256 for EC P-256; other keys are refused at start rather than never matching a token. */
  static String algorithm(PublicKey key, String configKey, String where) {
    if (key instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) {
        LOG.warn("config key {}: RSA key in {} is shorter than 2048 bits", configKey, where);
      }
      return RS256;
    }
    if (key instanceof ECPublicKey ec && isP256(ec.getParams()) && onP256(ec.getW())) {
      return ES256;
    }
    throw new IllegalArgumentException("config key " + configKey + ": the key in " + where
        + " is not allowed; expected an RSA key (RS256) or an EC P-256 key (ES256)");
  }

  /**
   * The RS256/ES256 signing keys of a JWKS file, each with its {@code kid}. Keys for other uses, algorithms or curves
   * are skipped (a provider's JWKS may list them), a broken RSA/EC key fails, and so does a file with no usable key.
   * A key without {@code alg} gets RS256 (RSA) or ES256 (EC P-256).
   */
  static List<PubSecKeyOptions> readJwks(String path) {
    String configKey = ConfigKeys.AUTH_JWKS_FILE;
    JsonArray keys;
    try {
      keys = new JsonObject(read(configKey, path)).getJsonArray("keys");
    } catch (RuntimeException e) {
      keys = null;
    }
    if (keys == null) {
      throw new IllegalArgumentException("config key " + configKey + ": " + path
          + " is not a JWKS; expected a JSON object {\"keys\": [...]}");
    }
    List<PubSecKeyOptions> result = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      Object entry = keys.getValue(i);
      String where = "key #" + i + " of " + path;
      if (!(entry instanceof JsonObject jwk)) {
        throw new IllegalArgumentException("config key " + configKey + ": " + where + " is not a JSON object");
      }
      String kty = jwk.getValue("kty") instanceof String s ? s : "";
      String alg = kty.equals("RSA") ? RS256 : kty.equals("EC") && "P-256".equals(jwk.getValue("crv")) ? ES256 : null;
      Object use = jwk.getValue("use");
      if (alg == null || (use != null && !"sig".equals(use)) || !jwk.getValue("alg", alg).equals(alg)) {
        LOG.info("config key {}: skipping {} (kty {}, alg {}, use {}): only RS256 and ES256 signing keys are used",
            configKey, where, kty, jwk.getValue("alg"), use);
        continue;
      }
      PublicKey key;
      try {
        key = alg.equals(RS256) ? rsa(jwk) : ec(jwk);
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new IllegalArgumentException("config key " + configKey + ": " + where + " is not a valid " + kty
            + " public key");
      }
      algorithm(key, configKey, where);
      Object kid = jwk.getValue("kid");
      result.add(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pem(key))
          .setId(kid instanceof String s && !s.isEmpty() ? s : null));
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException("config key " + configKey + ": " + path
          + " holds no usable key; expected RSA (RS256) or EC P-256 (ES256) signing keys");
    }
    return result;
  }

  private static PublicKey rsa(JsonObject jwk) throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
        new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("n"))),
        new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("e")))));
  }

  private static PublicKey ec(JsonObject jwk) throws GeneralSecurityException {
    byte[] x = Base64.getUrlDecoder().decode(jwk.getString("x"));
    byte[] y = Base64.getUrlDecoder().decode(jwk.getString("y"));
    if (x.length != 32 || y.length != 32) {
      throw new GeneralSecurityException("P-256 coordinates are 32 bytes");
    }
    ECPoint w = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, P256));
  }

  private static boolean isP256(ECParameterSpec p) {
    return p.getCurve().equals(P256.getCurve()) && p.getGenerator().equals(P256.getGenerator())
        && p.getOrder().equals(P256.getOrder());
  }

  /** y² = x³ + ax + b (mod p): the JDK does not check that a configured point lies on the curve. */
  private static boolean onP256(ECPoint w) {
    EllipticCurve c = P256.getCurve();
    BigInteger p = ((ECFieldFp) c.getField()).getP();
    BigInteger x = w.getAffineX();
    BigInteger y = w.getAffineY();
    return y.pow(2).mod(p).equals(x.pow(3).add(c.getA().multiply(x)).add(c.getB()).mod(p));
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no P-256 curve", e);
    }
  }

  /** The key re-encoded as a clean PEM for Vert.x (whatever surrounded it in the file, or that it came from a JWK). */
  private static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(
        key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  private static String read(String configKey, String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("config key " + configKey + ": cannot read " + path + " ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
