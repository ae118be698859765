package io.quotecast.quote;

import io.quotecast.common.Listing;
import io.quotecast.common.Price;

/**
 * Encodes PROTOCOL.md §3 payloads once per publication, straight into a StringBuilder: exact two-place decimals for
 * prices, amounts (CNY), change and changePct (percent), integers for volumes and times. Field order is fixed; a kline
 * payload always ends with {@code "closed":true}} or {@code "closed":false}}.
 *
 * <p>Before a symbol's first trade of the day, {@code open}, {@code high} and {@code low} carry the previous close
 * (numbers are always valid numbers; {@code volume: 0} tells that nothing traded yet) and {@code last} is the
 * previous close.
 */
public final class PayloadEncoder {
  private PayloadEncoder() {}

  /** {@code "symbol":"600519.SH","name":"贵州茅台"} — the fixed start of a symbol's quote payload, cache it. */
  public static String quotePrefix(Listing listing) {
    StringBuilder sb = new StringBuilder(48);
    sb.append("{\"symbol\":");
    appendString(sb, listing.symbol());
    sb.append(",\"name\":");
    appendString(sb, listing.name());
    return sb.toString();
  }

  public static String quote(SymbolState s, TradingPhase phase, long time) {
    return quote(quotePrefix(s.listing()), s, phase, time);
  }

  public static String quote(String prefix, SymbolState s, TradingPhase phase, long time) {
    StringBuilder sb = new StringBuilder(prefix.length() + 400);
    sb.append(prefix);
    price(sb, ",\"last\":", s.last());
    price(sb, ",\"open\":", s.open());
    price(sb, ",\"high\":", s.high());
    price(sb, ",\"low\":", s.low());
    price(sb, ",\"preClose\":", s.preClose());
    price(sb, ",\"change\":", s.change());
    price(sb, ",\"changePct\":", s.changePct());
    sb.append(",\"volume\":").append(s.volume());
    price(sb, ",\"amount\":", s.amount());
    sb.append(",\"bids\":[");
    for (int i = 0; i < s.bidLevels(); i++) {
      level(sb, i, s.bidPrice(i), s.bidSize(i));
    }
    sb.append("],\"asks\":[");
    for (int i = 0; i < s.askLevels(); i++) {
      level(sb, i, s.askPrice(i), s.askSize(i));
    }
    sb.append(']');
    price(sb, ",\"limitUp\":", s.limitUp());
    price(sb, ",\"limitDown\":", s.limitDown());
    sb.append(",\"phase\":\"").append(phase.wire()).append('"');
    sb.append(",\"time\":").append(time).append('}');
    return sb.toString();
  }

  public static String trade(String symbol, Trade t) {
    StringBuilder sb = new StringBuilder(160);
    sb.append("{\"symbol\":");
    appendString(sb, symbol);
    sb.append(",\"tradeId\":").append(t.tradeId());
    price(sb, ",\"price\":", t.price());
    sb.append(",\"volume\":").append(t.volume());
    price(sb, ",\"amount\":", t.amount());
    sb.append(",\"side\":\"").append(t.side().wire()).append('"');
    sb.append(",\"time\":").append(t.time()).append('}');
    return sb.toString();
  }

  public static String kline(String symbol, Bar b) {
    StringBuilder sb = new StringBuilder(240);
    appendKline(sb, symbol, b);
    return sb.toString();
  }

  public static StringBuilder appendKline(StringBuilder sb, String symbol, Bar b) {
    sb.append("{\"symbol\":");
    appendString(sb, symbol);
    sb.append(",\"interval\":\"").append(b.interval().wire()).append('"');
    sb.append(",\"openTime\":").append(b.openTime());
    sb.append(",\"closeTime\":").append(b.closeTime());
    price(sb, ",\"open\":", b.open());
    price(sb, ",\"high\":", b.high());
    price(sb, ",\"low\":", b.low());
    price(sb, ",\"close\":", b.close());
    sb.append(",\"volume\":").append(b.volume());
    price(sb, ",\"amount\":", b.amount());
    sb.append(",\"trades\":").append(b.trades());
    sb.append(",\"closed\":").append(b.closed()).append('}');
    return sb;
  }

  private static void price(StringBuilder sb, String field, long hundredths) {
    Price.append(sb.append(field), hundredths);
  }

  private static void level(StringBuilder sb, int i, long price, long size) {
    if (i > 0) {
      sb.append(',');
    }
    Price.append(sb.append('['), price).append(',').append(size).append(']');
  }

  /** Appends {@code s} as a JSON string literal (RFC 8259 escapes; non-ASCII is written as is, UTF-8 on the wire). */
  public static StringBuilder appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            sb.append("\\u");
            String hex = Integer.toHexString(c);
            for (int k = hex.length(); k < 4; k++) {
              sb.append('0');
            }
            sb.append(hex);
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }
}
