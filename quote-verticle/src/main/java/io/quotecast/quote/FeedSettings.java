package io.quotecast.quote;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Settings;

/** The upstream feed's settings ({@code source.feed.*}), read once; {@code ConfigRules} has checked them. */
record FeedSettings(String url, String subscribe, String token, String authHeader, long connectTimeoutMs,
                    int maxFrameBytes, long pingMs) {

  static FeedSettings from(Settings s) {
    return new FeedSettings(
        s.getString(ConfigKeys.SOURCE_FEED_URL).trim(),
        s.getString(ConfigKeys.SOURCE_FEED_SUBSCRIBE),
        s.getString(ConfigKeys.SOURCE_FEED_TOKEN),
        s.getString(ConfigKeys.SOURCE_FEED_AUTH_HEADER).trim(),
        s.getLong(ConfigKeys.SOURCE_FEED_CONNECT_TIMEOUT_MS),
        s.getInt(ConfigKeys.SOURCE_FEED_MAX_FRAME_BYTES),
        s.getLong(ConfigKeys.SOURCE_FEED_PING_MS));
  }

  /** The frame sent after connecting, with the token in place of {@code {{token}}}; empty = none. */
  String subscribeFrame() {
    return subscribe.replace("{{token}}", token);
  }

  /** The handshake header value carrying the token, or null when there is no token. */
  String authValue() {
    if (token.isEmpty()) {
      return null;
    }
    return authHeader.equalsIgnoreCase("Authorization") ? "Bearer " + token : token;
  }

  /** The URL without query string or credentials, for log lines and status reasons. */
  String safeUrl() {
    String u = url.replaceFirst("^(wss?://)[^@/]*@", "$1");
    int q = u.indexOf('?');
    return q < 0 ? u : u.substring(0, q);
  }

  @Override
  public String toString() {
    // never the token: records print every component
    return "FeedSettings[url=" + safeUrl() + ", token=" + (token.isEmpty() ? "none" : "****") + "]";
  }
}
