package io.quotecast.common.auth;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A JWT mint for the tests, independent of the production code (only java.security / javax.crypto and base64url):
 * tokens as PyJWT writes them — {@code base64url(header) "." base64url(claims) "." base64url(signature)}, unpadded,
 * header {@code {"alg":...,"typ":"JWT"}} (plus {@code kid} when given), ES256 signatures as raw 64-byte R||S.
 */
final class TestTokens {
  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private TestTokens() {}

  static String b64(String text) {
    return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String header(String alg, String kid) {
    JsonObject h = new JsonObject().put("alg", alg).put("typ", "JWT");
    if (kid != null) {
      h.put("kid", kid);
    }
    return h.encode();
  }

  /** HS256 with the UTF-8 bytes of {@code secret}, as {@code jwt.encode(claims, secret, algorithm="HS256")}. */
  static String hs256(String secret, JsonObject claims) {
    return hmac("HmacSHA256", secret.getBytes(StandardCharsets.UTF_8), header("HS256", null), claims.encode());
  }

  /** Any header with an HMAC-SHA256 signature over arbitrary key bytes (for algorithm-confusion attempts). */
  static String hmac(String macAlg, byte[] key, String headerJson, String claimsJson) {
    String input = b64(headerJson) + "." + b64(claimsJson);
    try {
      Mac mac = Mac.getInstance(macAlg);
      mac.init(new SecretKeySpec(key, macAlg));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String rs256(PrivateKey key, String kid, JsonObject claims) {
    return signed("SHA256withRSA", key, header("RS256", kid), claims.encode(), false);
  }

  /** ES256 as JWS wants it: the JDK's DER signature converted to raw R||S. */
  static String es256(PrivateKey key, String kid, JsonObject claims) {
    return signed("SHA256withECDSA", key, header("ES256", kid), claims.encode(), true);
  }

  /** ES256 with the JDK's DER signature left as is (not valid JWS). */
  static String es256Der(PrivateKey key, JsonObject claims) {
    return signed("SHA256withECDSA", key, header("ES256", null), claims.encode(), false);
  }

  static String signed(String sigAlg, PrivateKey key, String headerJson, String claimsJson, boolean derToRaw) {
    String input = b64(headerJson) + "." + b64(claimsJson);
    try {
      Signature sig = Signature.getInstance(sigAlg);
      sig.initSign(key);
      sig.update(input.getBytes(StandardCharsets.US_ASCII));
      byte[] signature = sig.sign();
      return input + "." + B64.encodeToString(derToRaw ? derToRaw(signature, 32) : signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token: {@code alg: none} and an empty signature segment. */
  static String none(JsonObject claims) {
    return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims.encode()) + ".";
  }

  /** DER {@code SEQUENCE { INTEGER r, INTEGER s }} to r||s, each unsigned big-endian and left-padded to n bytes. */
  static byte[] derToRaw(byte[] der, int n) {
    int i = 2; // SEQUENCE tag and (short form) length: P-256 signatures are at most 72 bytes
    if (der[0] != 0x30 || (der[1] & 0x80) != 0) {
      throw new IllegalArgumentException("not a short DER sequence");
    }
    byte[] raw = new byte[2 * n];
    for (int k = 0; k < 2; k++) {
      if (der[i] != 0x02) {
        throw new IllegalArgumentException("not a DER integer");
      }
      int len = der[i + 1];
      byte[] v = Arrays.copyOfRange(der, i + 2, i + 2 + len);
      byte[] unsigned = new BigInteger(1, v).toByteArray(); // may carry a leading 0 sign byte
      int start = unsigned.length > n ? unsigned.length - n : 0;
      int count = unsigned.length - start;
      System.arraycopy(unsigned, start, raw, k * n + n - count, count);
      i += 2 + len;
    }
    return raw;
  }

  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      return gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ecKeyPair(String curve) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec(curve));
      return gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  static Path writePem(Path dir, String name, PublicKey key) throws IOException {
    return Files.writeString(dir.resolve(name), pem("PUBLIC KEY", key.getEncoded()));
  }

  static JsonObject rsaJwk(RSAPublicKey key, String kid, String alg) {
    JsonObject jwk = new JsonObject().put("kty", "RSA").put("n", unsigned(key.getModulus(), 0))
        .put("e", unsigned(key.getPublicExponent(), 0)).put("use", "sig");
    return withKidAlg(jwk, kid, alg);
  }

  static JsonObject ecJwk(ECPublicKey key, String kid, String alg) {
    JsonObject jwk = new JsonObject().put("kty", "EC").put("crv", "P-256")
        .put("x", unsigned(key.getW().getAffineX(), 32)).put("y", unsigned(key.getW().getAffineY(), 32));
    return withKidAlg(jwk, kid, alg);
  }

  private static JsonObject withKidAlg(JsonObject jwk, String kid, String alg) {
    if (kid != null) {
      jwk.put("kid", kid);
    }
    if (alg != null) {
      jwk.put("alg", alg);
    }
    return jwk;
  }

  /** base64url of the unsigned big-endian bytes, left-padded to {@code size} when size > 0 (JWK coordinates). */
  private static String unsigned(BigInteger v, int size) {
    byte[] b = v.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      b = Arrays.copyOfRange(b, 1, b.length);
    }
    if (size > 0 && b.length < size) {
      byte[] padded = new byte[size];
      System.arraycopy(b, 0, padded, size - b.length, b.length);
      b = padded;
    }
    return B64.encodeToString(b);
  }
}
