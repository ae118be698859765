package io.quotecast.peers.market;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a Tushare {@code stock_basic} CSV ({@code ts_code,symbol,name,area,industry,cnspell,market,list_date[,pre_close]}),
 * the format of Quotecast's shipped universe and of {@code shared/data/a-share-listings.csv}, so a peer and Quotecast
 * can run over exactly the same symbols.
 */
public final class ListingFile {
  private ListingFile() {}

  public static List<Listing> read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IOException(csv + " is empty");
    }
    List<String> header = Arrays.asList(strip(lines.get(0)).split(",", -1));
    int code = column(header, "ts_code", csv);
    int name = column(header, "name", csv);
    int market = column(header, "market", csv);
    int preClose = header.indexOf("pre_close");
    List<Listing> out = new ArrayList<>(lines.size());
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(",", -1);
      String symbol = f[code].trim().toUpperCase();
      String n = f[name].trim();
      long pre = preClose >= 0 && preClose < f.length && !f[preClose].isBlank()
          ? Math.round(Double.parseDouble(f[preClose].trim()) * 100)
          : defaultPreClose(symbol);
      out.add(new Listing(symbol, n, Math.max(100, pre), limitPct(f[market].trim(), n)));
    }
    if (out.isEmpty()) {
      throw new IOException(csv + " has no listings");
    }
    return out;
  }

  /** The exchanges' daily limits, as Quotecast applies them. */
  static int limitPct(String board, String name) {
    if (board.contains("北交所")) {
      return 30;
    }
    if (board.contains("创业板") || board.contains("科创板")) {
      return 20;
    }
    return name.startsWith("ST") || name.startsWith("*ST") ? 5 : 10;
  }

  /** Files without pre_close (the shared full-market file): a stable price from the code, 5.00 to 104.99 CNY. */
  private static long defaultPreClose(String symbol) {
    return 500 + Math.floorMod(symbol.hashCode() * 2654435761L, 10_000);
  }

  private static int column(List<String> header, String name, Path csv) throws IOException {
    int i = header.indexOf(name);
    if (i < 0) {
      throw new IOException(csv + ": no column " + name + " in " + header);
    }
    return i;
  }

  private static String strip(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }
}
