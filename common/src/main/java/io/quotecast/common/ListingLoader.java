package io.quotecast.common;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads listings in the column layout of Tushare's {@code stock_basic} export
 * ({@code ts_code,symbol,name,area,industry,cnspell,market,list_date}), with an optional extra {@code pre_close}
 * column. The shipped universe ({@value #SHIPPED}) uses the same layout with {@code pre_close}; a user's export without
 * it gets a plausible, deterministic previous close per code.
 */
public final class ListingLoader {
  /** Classpath resource of the universe Quotecast ships. */
  public static final String SHIPPED = "listings/a-shares.csv";

  private ListingLoader() {}

  public static List<Listing> loadShipped() {
    try (InputStream in = ListingLoader.class.getClassLoader().getResourceAsStream(SHIPPED)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + SHIPPED);
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), SHIPPED);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Listing> load(Path file) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(reader, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read listing file " + file, e);
    }
  }

  /** The shipped universe, or the file at {@code path} when it is non-empty. */
  public static List<Listing> loadConfigured(String path) {
    return path == null || path.isBlank() ? loadShipped() : load(Path.of(path));
  }

  /** The text of the shipped universe, or of the file at {@code path} when it is non-empty (blocking I/O). */
  public static String readConfigured(String path) {
    try {
      if (path != null && !path.isBlank()) {
        return Files.readString(Path.of(path), StandardCharsets.UTF_8);
      }
      try (InputStream in = ListingLoader.class.getClassLoader().getResourceAsStream(SHIPPED)) {
        if (in == null) {
          throw new IllegalStateException("missing classpath resource " + SHIPPED);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read listing file " + path, e);
    }
  }

  /** Listings from CSV text in the layout {@link #load} reads. */
  public static List<Listing> parse(String csv, String source) {
    try (BufferedReader reader = new BufferedReader(new java.io.StringReader(csv))) {
      return parse(reader, source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Listing> parse(BufferedReader reader, String source) throws IOException {
    String header = reader.readLine();
    if (header == null) {
      throw new IllegalArgumentException(source + ": empty listing file");
    }
    if (header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    Map<String, Integer> col = new HashMap<>();
    String[] names = header.split(",", -1);
    for (int i = 0; i < names.length; i++) {
      col.put(names[i].trim(), i);
    }
    for (String required : List.of("ts_code", "name", "cnspell", "market")) {
      if (!col.containsKey(required)) {
        throw new IllegalArgumentException(source + ": missing column '" + required
            + "' (expected Tushare stock_basic layout: ts_code,symbol,name,area,industry,cnspell,market,list_date)");
      }
    }
    List<Listing> out = new ArrayList<>();
    String line;
    int lineNo = 1;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      String symbol = SymbolCode.normalize(field(f, col, "ts_code"));
      Board board = Board.fromChinese(field(f, col, "market"));
      if (symbol == null || board == null) {
        throw new IllegalArgumentException(source + ":" + lineNo + ": bad ts_code or market in '" + line + "'");
      }
      String name = field(f, col, "name");
      String preCloseText = field(f, col, "pre_close");
      long preClose = preCloseText.isEmpty() ? plausiblePreClose(symbol) : Price.parse(preCloseText);
      out.add(new Listing(symbol, name, board, isSpecialTreatment(name),
          field(f, col, "cnspell").toUpperCase(java.util.Locale.ROOT), preClose,
          field(f, col, "industry"), field(f, col, "area"), field(f, col, "list_date")));
    }
    return out;
  }

  /** {@code ST} and {@code *ST} names are under special treatment. */
  public static boolean isSpecialTreatment(String name) {
    return name.startsWith("ST") || name.startsWith("*ST") || name.startsWith("S*ST");
  }

  /** A deterministic previous close between 3.00 and 80.00 CNY, for listings whose file carries none. */
  static long plausiblePreClose(String symbol) {
    long h = Integer.toUnsignedLong(symbol.hashCode() * 0x9E3779B1);
    return 300 + h % 7_701;
  }

  private static String field(String[] f, Map<String, Integer> col, String name) {
    Integer i = col.get(name);
    return i == null || i >= f.length ? "" : f[i].trim();
  }
}
