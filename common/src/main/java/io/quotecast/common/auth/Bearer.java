package io.quotecast.common.auth;

/** Reads a token from an HTTP {@code Authorization: Bearer <token>} header (RFC 6750). */
public final class Bearer {
  private Bearer() {}

  /** The token, or null when the header is absent or not a Bearer credential. */
  public static String token(String authorizationHeader) {
    if (authorizationHeader == null) {
      return null;
    }
    String h = authorizationHeader.trim();
    if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = h.substring(7).trim();
      return token.isEmpty() ? null : token;
    }
    return null;
  }
}
