package io.quotecast.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ListingLoaderTest {

  private static Map<String, Listing> bySymbol(List<Listing> listings) {
    return listings.stream().collect(Collectors.toMap(Listing::symbol, Function.identity()));
  }

  @Test
  void referenceFileLoadsTheFullMarket() {
    assertTrue(Files.isRegularFile(SharedData.referenceFile()), "reference data at " + SharedData.referenceFile());
    List<Listing> all = SharedData.reference();
    assertEquals(SharedData.REFERENCE_SIZE, all.size());
    assertEquals(all.size(), bySymbol(all).size(), "symbols are unique");

    Map<Board, Integer> boards = new EnumMap<>(Board.class);
    all.forEach(l -> boards.merge(l.board(), 1, Integer::sum));
    assertEquals(Map.of(Board.MAIN, 3199, Board.CHINEXT, 1398, Board.STAR, 610, Board.BSE, 317), boards);

    for (Listing l : all) {
      assertEquals(l.symbol(), SymbolCode.normalize(l.symbol()));
      assertTrue(l.preClose() >= 300 && l.preClose() <= 8_000, "plausible preClose for " + l.symbol());
      switch (l.board()) {
        case BSE -> assertEquals("BJ", l.exchange(), l.symbol());
        case STAR -> assertTrue(l.symbol().startsWith("688") || l.symbol().startsWith("689"), l.symbol());
        case CHINEXT -> assertTrue(l.symbol().startsWith("30") && l.exchange().equals("SZ"), l.symbol());
        case MAIN -> assertFalse(l.exchange().equals("BJ"), l.symbol());
      }
    }
    // a user's export without pre_close gets a deterministic previous close
    assertEquals(all.get(0).preClose(), ListingLoader.load(SharedData.referenceFile()).get(0).preClose());
  }

  @Test
  void referenceExamples() {
    Map<String, Listing> all = bySymbol(SharedData.reference());
    Listing moutai = all.get("600519.SH");
    assertEquals("贵州茅台", moutai.name());
    assertEquals(Board.MAIN, moutai.board());
    assertEquals("GZMT", moutai.pinyin());
    assertEquals("白酒", moutai.industry());
    assertEquals("贵州", moutai.area());
    assertEquals("20010827", moutai.listDate());
    assertFalse(moutai.st());
    assertEquals(10, moutai.limitPercent());

    assertEquals("平安银行", all.get("000001.SZ").name());
    assertEquals(Board.CHINEXT, all.get("300750.SZ").board());
    assertEquals(Board.STAR, all.get("688981.SH").board());
    assertEquals(Board.BSE, all.get("920185.BJ").board());
    assertEquals(30, all.get("920185.BJ").limitPercent());
    assertEquals(20, all.get("300750.SZ").limitPercent());
    assertEquals(20, all.get("688981.SH").limitPercent());
  }

  @Test
  void specialTreatmentDetection() {
    Map<String, Listing> all = bySymbol(SharedData.reference());
    Listing guohua = all.get("000004.SZ"); // *ST国华
    assertTrue(guohua.st());
    assertEquals(5, guohua.limitPercent());
    assertEquals("*STGH", guohua.pinyin());
    Listing haiwang = all.get("000078.SZ"); // ST海王
    assertTrue(haiwang.st());
    assertEquals(5, haiwang.limitPercent());
    // ST on ChiNext and STAR keeps the board's limit
    assertTrue(all.get("300010.SZ").st());
    assertEquals(20, all.get("300010.SZ").limitPercent());
    // names that merely contain the letters are not ST; pinyin STGF (山推股份) is not ST either
    assertFalse(all.get("000680.SZ").st());
    assertFalse(all.get("000050.SZ").st()); // 深天马Ａ, pinyin STMA

    long st = SharedData.reference().stream().filter(Listing::st).count();
    assertTrue(st > 150, "ST names in the full market: " + st);
    assertTrue(ListingLoader.isSpecialTreatment("ST海王"));
    assertTrue(ListingLoader.isSpecialTreatment("*ST国华"));
    assertTrue(ListingLoader.isSpecialTreatment("S*ST前锋"));
    assertFalse(ListingLoader.isSpecialTreatment("山推股份"));
  }

  private static Listing listing(Board board, boolean st, long preClose) {
    return new Listing("600000.SH", "test", board, st, "T", preClose, "", "", "");
  }

  @Test
  void priceLimitsRoundHalfUpToTheFen() {
    // main board ±10%: the protocol's example
    Listing moutai = listing(Board.MAIN, false, 172_000);
    assertEquals(189_200, moutai.limitUp());
    assertEquals(154_800, moutai.limitDown());
    // 10.05 * 10% = 1.005 -> 1.01 (half-up)
    assertEquals(1_106, listing(Board.MAIN, false, 1_005).limitUp());
    // 10.04 * 10% = 1.004 -> 1.00
    assertEquals(1_104, listing(Board.MAIN, false, 1_004).limitUp());
    assertEquals(904, listing(Board.MAIN, false, 1_004).limitDown());
    // ST main ±5%: 3.33 * 5% = 0.1665 -> 0.17
    assertEquals(350, listing(Board.MAIN, true, 333).limitUp());
    assertEquals(316, listing(Board.MAIN, true, 333).limitDown());
    // STAR / ChiNext ±20% (ST or not): 45.67 * 20% = 9.134 -> 9.13
    assertEquals(5_480, listing(Board.STAR, false, 4_567).limitUp());
    assertEquals(3_654, listing(Board.STAR, false, 4_567).limitDown());
    assertEquals(30_000, listing(Board.CHINEXT, false, 25_000).limitUp());
    assertEquals(20_000, listing(Board.CHINEXT, true, 25_000).limitDown());
    // 12.34 * 20% = 2.468 -> 2.47
    assertEquals(1_481, listing(Board.CHINEXT, false, 1_234).limitUp());
    assertEquals(987, listing(Board.CHINEXT, false, 1_234).limitDown());
    // BSE ±30%: 10.01 * 30% = 3.003 -> 3.00; 10.05 * 30% = 3.015 -> 3.02
    assertEquals(1_301, listing(Board.BSE, false, 1_001).limitUp());
    assertEquals(701, listing(Board.BSE, false, 1_001).limitDown());
    assertEquals(1_307, listing(Board.BSE, false, 1_005).limitUp());
    assertEquals(30, listing(Board.BSE, true, 1_005).limitPercent());
  }

  /**
   * Exchange rule: limit price = preClose * (1 ± pct), rounded half-up to the fen. For limit-down that is not
   * preClose - round(preClose * pct) when the product ends in exactly half a fen: 10.05 * 0.9 = 9.045 -> 9.05, but
   * {@link Listing#limitDown()} gives 9.04. Reported to the lead; enable when Listing is fixed.
   */
  @Test
  void limitDownRoundsThePriceHalfUp() {
    assertEquals(905, listing(Board.MAIN, false, 1_005).limitDown());
    assertEquals(704, listing(Board.BSE, false, 1_005).limitDown()); // 10.05 * 0.7 = 7.035 -> 7.04
  }

  @Test
  void shippedUniverseIsRealAndCoversEveryBoard() {
    List<Listing> shipped = ListingLoader.loadShipped();
    assertEquals(shipped, ListingLoader.loadConfigured(""));
    assertEquals(shipped, ListingLoader.loadConfigured(null));
    assertTrue(shipped.size() >= 320, "shipped " + shipped.size());
    assertTrue(shipped.size() < SharedData.REFERENCE_SIZE / 4, "the shipped universe is a selection, not the reference file");

    Map<String, Listing> reference = bySymbol(SharedData.reference());
    Set<String> seen = new HashSet<>();
    for (Listing l : shipped) {
      assertTrue(seen.add(l.symbol()), "duplicate " + l.symbol());
      Listing ref = reference.get(l.symbol());
      assertNotNull(ref, "shipped listing not in the reference: " + l.symbol());
      assertEquals(ref.code(), l.code());
      assertEquals(ref.name(), l.name(), l.symbol());
      assertEquals(ref.board(), l.board(), l.symbol());
      assertEquals(ref.pinyin(), l.pinyin(), l.symbol());
      assertEquals(ref.st(), l.st(), l.symbol());
      assertTrue(l.preClose() > 0, "preClose of " + l.symbol());
      if (l.st()) {
        assertTrue(l.preClose() < 5_000, "ST names trade cheap: " + l.symbol());
      }
    }

    Map<Board, Integer> boards = new EnumMap<>(Board.class);
    Map<String, Integer> mainByExchange = new HashMap<>();
    shipped.forEach(l -> {
      boards.merge(l.board(), 1, Integer::sum);
      if (l.board() == Board.MAIN) {
        mainByExchange.merge(l.exchange(), 1, Integer::sum);
      }
    });
    assertTrue(boards.get(Board.CHINEXT) >= 30, "ChiNext " + boards);
    assertTrue(boards.get(Board.STAR) >= 30, "STAR " + boards);
    assertTrue(boards.get(Board.BSE) >= 30, "BSE " + boards);
    assertTrue(mainByExchange.get("SH") >= 50 && mainByExchange.get("SZ") >= 50, "main " + mainByExchange);
    assertTrue(shipped.stream().filter(Listing::st).count() >= 15, "ST names");
    assertTrue(shipped.stream().anyMatch(l -> l.st() && l.board() == Board.MAIN && l.exchange().equals("SH")));
    assertTrue(shipped.stream().anyMatch(l -> l.st() && l.board() == Board.MAIN && l.exchange().equals("SZ")));

    Map<String, Listing> s = bySymbol(shipped);
    assertEquals(172_000, s.get("600519.SH").preClose());
    assertEquals("贵州茅台", s.get("600519.SH").name());
    assertEquals(1_150, s.get("000001.SZ").preClose());
    assertEquals("平安银行", s.get("000001.SZ").name());
    for (String big : List.of("601318.SH", "600036.SH", "000858.SZ", "300750.SZ", "688981.SH", "601398.SH",
        "000333.SZ", "002594.SZ")) {
      assertNotNull(s.get(big), big);
    }
    // price levels in the right ballpark
    assertTrue(s.get("300750.SZ").preClose() > 15_000 && s.get("300750.SZ").preClose() < 40_000);
    assertTrue(s.get("601398.SH").preClose() > 400 && s.get("601398.SH").preClose() < 1_200);
  }

  @Test
  void shippedPricesHaveTwoDecimals() throws Exception {
    try (var in = ListingLoader.class.getClassLoader().getResourceAsStream(ListingLoader.SHIPPED)) {
      assertNotNull(in);
      List<String> lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
      assertEquals("ts_code,symbol,name,area,industry,cnspell,market,list_date,pre_close", lines.get(0));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        assertEquals(9, f.length, line);
        assertTrue(f[8].matches("\\d+\\.\\d{2}"), line);
        assertEquals(f[0].substring(0, 6), f[1], line);
      }
    }
  }

  @Test
  void parseErrorsAndOptionalColumns() throws Exception {
    String csv = "\uFEFFts_code,name,cnspell,market,pre_close\n600519.sh,贵州茅台,gzmt,主板,1720\n\n";
    List<Listing> one = ListingLoader.parse(new BufferedReader(new StringReader(csv)), "test");
    assertEquals(1, one.size());
    assertEquals("600519.SH", one.get(0).symbol());
    assertEquals("GZMT", one.get(0).pinyin());
    assertEquals(172_000, one.get(0).preClose());
    assertEquals("", one.get(0).industry());

    assertThrows(IllegalArgumentException.class,
        () -> ListingLoader.parse(new BufferedReader(new StringReader("ts_code,name\n")), "test"));
    assertThrows(IllegalArgumentException.class,
        () -> ListingLoader.parse(new BufferedReader(new StringReader("")), "test"));
    assertThrows(IllegalArgumentException.class, () -> ListingLoader.parse(new BufferedReader(new StringReader(
        "ts_code,name,cnspell,market\n600519,贵州茅台,GZMT,主板\n")), "test"));
    assertThrows(IllegalArgumentException.class, () -> ListingLoader.parse(new BufferedReader(new StringReader(
        "ts_code,name,cnspell,market\n600519.SH,贵州茅台,GZMT,B股\n")), "test"));
  }
}
