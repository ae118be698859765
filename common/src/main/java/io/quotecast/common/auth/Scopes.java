package io.quotecast.common.auth;

import io.quotecast.common.ChannelType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The token scopes of PROTOCOL.md §9: one per channel type (and its REST routes), and {@code admin}. */
public final class Scopes {
  private Scopes() {}

  public static final String QUOTE = "md:quote";
  public static final String TRADE = "md:trade";
  public static final String KLINE = "md:kline";
  public static final String ADMIN = "admin";

  public static final List<String> ALL = List.of(QUOTE, TRADE, KLINE, ADMIN);

  /** The scope that gates a channel type. */
  public static String forType(ChannelType type) {
    return switch (type) {
      case QUOTE -> QUOTE;
      case TRADE -> TRADE;
      case KLINE -> KLINE;
    };
  }

  /** A space- or comma-separated scope list (the OAuth2 {@code scope} claim form, or a config value). */
  public static Set<String> parse(String text) {
    Set<String> scopes = new LinkedHashSet<>();
    if (text != null) {
      for (String s : text.split("[\\s,]+")) {
        if (!s.isEmpty()) {
          scopes.add(s);
        }
      }
    }
    return scopes;
  }
}
