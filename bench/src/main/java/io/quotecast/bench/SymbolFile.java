package io.quotecast.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Symbols for --symbols-file: one per line, or a listings CSV in Tushare's layout (the server's
 * {@code symbols.listingsFile}), whose first column is {@code ts_code}. The scenarios hand the server and the
 * generator the same file, because the REST search answers at most 200 symbols and S2 needs 1,000.
 */
final class SymbolFile {
  private SymbolFile() {}

  /** Symbols in file order, upper case, without duplicates; blank lines, '#' comments and a header are skipped. */
  static List<String> parse(String text) {
    Set<String> out = new LinkedHashSet<>();
    for (String line : text.split("\r?\n")) {
      String s = line.strip();
      if (s.startsWith("\uFEFF")) {
        s = s.substring(1);
      }
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      int comma = s.indexOf(',');
      String first = (comma >= 0 ? s.substring(0, comma) : s).strip().toUpperCase(Locale.ROOT);
      if (first.matches("\\d{6}\\.(SH|SZ|BJ)")) {
        out.add(first);
      } else if (!first.equals("TS_CODE") && !first.equals("SYMBOL")) {
        throw new IllegalArgumentException("not a symbol: '" + first + "' (expected e.g. 600519.SH)");
      }
    }
    return new ArrayList<>(out);
  }
}
