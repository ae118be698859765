package io.quotecast.common;

/** Symbol syntax: six digits, a dot, SH/SZ/BJ; input case-insensitive, output canonical upper case. */
public final class SymbolCode {
  private SymbolCode() {}

  /** The canonical form of a well-formed symbol, or null when {@code raw} is not of the form {@code 600519.SH}. */
  public static String normalize(String raw) {
    if (raw == null) {
      return null;
    }
    String s = raw.trim();
    if (s.length() != 9 || s.charAt(6) != '.') {
      return null;
    }
    for (int i = 0; i < 6; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    String ex = s.substring(7).toUpperCase(java.util.Locale.ROOT);
    if (!ex.equals("SH") && !ex.equals("SZ") && !ex.equals("BJ")) {
      return null;
    }
    return s.substring(0, 7) + ex;
  }
}
