package io.quotecast.gateway;

/**
 * Reads the header fields ({@code type}, {@code id}, {@code ch}, {@code seq}) of a server message's JSON text without
 * parsing it: a trace looks at every message of a traced connection, and a channel message's payload can be large.
 * Only the part before {@code "data":} is searched, so a payload can never be mistaken for a header. Works on the
 * shapes {@link io.quotecast.common.Envelope} writes; a field it cannot find is null.
 */
final class EnvelopeFields {
  private static final String DATA = "\"data\":";

  private EnvelopeFields() {}

  /** The string value of {@code field} in the header, or null. */
  static String string(String text, String field) {
    int end = headerEnd(text);
    String key = "\"" + field + "\":\"";
    int at = text.indexOf(key);
    if (at < 0 || at >= end) {
      return null;
    }
    int from = at + key.length();
    int to = text.indexOf('"', from);
    return to < 0 || to > end ? null : text.substring(from, to);
  }

  /** The integer value of {@code field} in the header, or null. */
  static Long number(String text, String field) {
    int end = headerEnd(text);
    String key = "\"" + field + "\":";
    int at = text.indexOf(key);
    if (at < 0 || at >= end) {
      return null;
    }
    int from = at + key.length();
    int to = from;
    while (to < end && (Character.isDigit(text.charAt(to)) || (to == from && text.charAt(to) == '-'))) {
      to++;
    }
    if (to == from) {
      return null;
    }
    try {
      return Long.parseLong(text.substring(from, to));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static int headerEnd(String text) {
    int data = text.indexOf(DATA);
    return data < 0 ? text.length() : data;
  }
}
