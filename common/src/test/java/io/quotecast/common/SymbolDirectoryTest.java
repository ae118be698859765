package io.quotecast.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SymbolDirectoryTest {
  private static SymbolDirectory shipped;
  private static SymbolDirectory full;

  @BeforeAll
  static void load() {
    shipped = SymbolDirectory.of(ListingLoader.loadShipped());
    full = SymbolDirectory.of(SharedData.reference());
  }

  static Stream<Arguments> universes() {
    return Stream.of(Arguments.of("shipped", shipped), Arguments.of("full", full));
  }

  private static List<String> symbols(List<Listing> listings) {
    return listings.stream().map(Listing::symbol).toList();
  }

  private static List<String> suggest(SymbolDirectory d, String input) {
    List<String> out = symbols(d.suggest(input, 5));
    assertTrue(out.size() <= 5, input + " -> " + out);
    assertEquals(out.size(), new HashSet<>(out).size(), "no duplicates: " + input + " -> " + out);
    return out;
  }

  private static String first(List<String> list) {
    return list.isEmpty() ? null : list.get(0);
  }

  // ---- lookup ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("universes")
  void getAcceptsAnyCase(String name, SymbolDirectory d) {
    Listing moutai = d.get("600519.SH");
    assertNotNull(moutai);
    assertEquals("贵州茅台", moutai.name());
    assertSame(moutai, d.get("600519.sh"));
    assertSame(moutai, d.get(" 600519.Sh "));
    assertEquals("平安银行", d.get("000001.SZ").name());
    assertNull(d.get("000001.SH"), "an index, not a listing");
    assertNull(d.get("600519"));
    assertNull(d.get("nonsense"));
    assertNull(d.get(null));
  }

  @Test
  void sizeAndFileOrder() {
    assertEquals(SharedData.REFERENCE_SIZE, full.size());
    assertEquals(SharedData.reference(), full.all());
    assertEquals(ListingLoader.loadShipped(), shipped.all());
    assertEquals(shipped.all().size(), shipped.size());
    assertThrows(UnsupportedOperationException.class, () -> shipped.all().clear());
    SymbolDirectory empty = SymbolDirectory.of(List.of());
    assertEquals(0, empty.size());
    assertEquals(List.of(), empty.search("gzmt", 10));
    assertEquals(List.of(), empty.suggest("600519.SZ", 5));
  }

  @Test
  void duplicateSymbolsFailLoudly() {
    Listing l = shipped.get("600519.SH");
    assertThrows(IllegalArgumentException.class, () -> SymbolDirectory.of(List.of(l, l)));
  }

  // ---- search ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("universes")
  void searchByCodeSymbolNameAndPinyin(String name, SymbolDirectory d) {
    assertEquals("600519.SH", first(symbols(d.search("600519", 10))));
    assertEquals(List.of("600519.SH"), symbols(d.search("600519.SH", 10)));
    assertEquals(List.of("600519.SH"), symbols(d.search("600519.sh", 10)));
    assertEquals(List.of("600519.SH"), symbols(d.search("sh600519", 10)));
    assertEquals(List.of(), symbols(d.search("600519.SHX", 10)));
    assertEquals("600519.SH", first(symbols(d.search("茅台", 10))));
    assertEquals("600519.SH", first(symbols(d.search("gzmt", 10))));
    assertEquals("600519.SH", first(symbols(d.search("GZMT", 10))));
    assertEquals("600519.SH", first(symbols(d.search("贵州茅台", 10))));
    assertEquals("300750.SZ", first(symbols(d.search("宁德", 10))));
    assertEquals("688981.SH", first(symbols(d.search("zxgj", 10))));

    List<String> prefix = symbols(d.search("6005", 1000));
    assertTrue(prefix.contains("600519.SH"));
    assertTrue(prefix.stream().allMatch(s -> s.startsWith("6005")), prefix.toString());

    List<String> gz = symbols(d.search("gz", 1000));
    assertTrue(gz.contains("600519.SH"));
    for (String s : gz) {
      Listing l = d.get(s);
      assertTrue(l.pinyin().replace("*", "").replaceFirst("^ST", "").startsWith("GZ") || l.pinyin().startsWith("GZ")
          || l.name().toUpperCase().contains("GZ"), s + " " + l.pinyin());
    }

    // substring of the code, of the name
    assertTrue(symbols(d.search("0519", 1000)).contains("600519.SH"));
    List<String> banks = symbols(d.search("银行", 1000));
    assertTrue(banks.containsAll(List.of("000001.SZ", "600036.SH", "601398.SH")), banks.toString());
    assertTrue(banks.stream().allMatch(s -> d.get(s).name().contains("银行")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("universes")
  void searchRanksExactThenPrefixThenSubstringAndIsStable(String name, SymbolDirectory d) {
    // "平安": prefix 平安银行 before substring 中国平安
    List<String> pingan = symbols(d.search("平安", 50));
    assertTrue(pingan.indexOf("000001.SZ") >= 0 && pingan.indexOf("000001.SZ") < pingan.indexOf("601318.SH"), pingan.toString());
    // exact pinyin before longer pinyin with that prefix: WLY (五粮液) before WLYx...
    assertEquals("000858.SZ", first(symbols(d.search("wly", 50))));
    // exact code before codes that merely contain it
    List<String> code = symbols(d.search("000001", 50));
    assertEquals("000001.SZ", code.get(0));
    // within a tier: file order
    List<String> prefix = symbols(d.search("6005", 1000));
    List<Listing> inFileOrder = d.all().stream().filter(l -> prefix.contains(l.symbol())).toList();
    assertEquals(symbols(inFileOrder), prefix);
    // stable: the same answer every time, and a smaller limit is a prefix of a larger one
    assertEquals(symbols(d.search("gz", 20)), symbols(d.search("gz", 20)));
    assertEquals(symbols(d.search("6", 20)).subList(0, 5), symbols(d.search("6", 5)));
    assertEquals(symbols(d.search("银行", 40)).subList(0, 7), symbols(d.search("银行", 7)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("universes")
  void searchLimitsAndEmptyQuery(String name, SymbolDirectory d) {
    assertEquals(d.all().subList(0, 10), d.search("", 10));
    assertEquals(d.all().subList(0, 3), d.search("   ", 3));
    assertEquals(d.all().subList(0, 3), d.search(null, 3));
    assertEquals(d.all(), d.search("", Integer.MAX_VALUE));
    assertEquals(List.of(), d.search("gzmt", 0));
    assertEquals(List.of(), d.search("no such thing at all", 10));
    assertEquals(3, d.search("6", 3).size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("universes")
  void searchMatchesSpecialTreatmentAndFullWidthNames(String name, SymbolDirectory d) {
    assertEquals("000004.SZ", first(symbols(d.search("*ST国华", 10))));
    assertEquals("000004.SZ", first(symbols(d.search("st国华", 10))));
    assertEquals("000004.SZ", first(symbols(d.search("国华", 10))));
    assertEquals("000002.SZ", first(symbols(d.search("万科A", 10)))); // the file spells it 万科Ａ (full width)
    List<String> st = symbols(d.search("*ST", 1000));
    assertTrue(st.size() >= 15, st.toString());
  }

  // ---- suggestions ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("universes")
  void suggestSameCodeOnAnotherExchange(String name, SymbolDirectory d) {
    assertEquals("600519.SH", first(suggest(d, "600519.SZ")));
    assertEquals("600519.SH", first(suggest(d, "600519.sz")));
    assertEquals("600519.SH", first(suggest(d, "600519.BJ")));
    assertEquals("600519.SH", first(suggest(d, "600519")));
    assertEquals("600519.SH", first(suggest(d, "SH600519")));
    assertEquals("600519.SH", first(suggest(d, "sh.600519")));
    assertEquals("600519.SH", first(suggest(d, "600519.SHX")));
    assertEquals("600519.SH", first(suggest(d, "600519 sz")));
    assertEquals("000001.SZ", first(suggest(d, "000001.SH")));
    assertEquals("300750.SZ", first(suggest(d, "300750.SH")));
    assertEquals("688981.SH", first(suggest(d, "688981.SZ")));
    assertEquals("920185.BJ", first(suggest(d, "920185.SZ")));
  }

  @Test
  void suggestNearCodesShipped() {
    List<String> s = suggest(shipped, "600520.SH");
    assertEquals("600519.SH", s.get(0), s.toString());
    assertEquals(5, s.size());
    assertTrue(s.stream().allMatch(x -> x.endsWith(".SH")), s.toString());
    assertTrue(s.contains("600570.SH"), "one digit changed: " + s);
    assertEquals(s, suggest(shipped, "600520"));
    // two adjacent digits swapped
    assertTrue(suggest(shipped, "600159.SH").contains("600519.SH"));
    // 300752 is not shipped; 300751 and 300759 are its neighbours
    assertTrue(suggest(shipped, "300752.SZ").containsAll(List.of("300751.SZ", "300759.SZ")));
  }

  @Test
  void suggestNearCodesFullMarket() {
    // walk up from 600519 to the first code the market does not have: its neighbours must be suggested
    int code = 600519;
    while (full.get(code + ".SH") != null) {
      code++;
    }
    String missing = code + ".SH";
    List<String> s = suggest(full, missing);
    assertTrue(s.subList(0, 2).contains((code - 1) + ".SH"), s.toString());
    assertEquals(5, s.size());
    assertTrue(s.stream().allMatch(x -> x.endsWith(".SH")), s.toString());
    // a known symbol suggests itself first
    assertEquals("600520.SH", first(suggest(full, "600520.SH")));
    assertTrue(suggest(full, "600520.SH").contains("600519.SH"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("universes")
  void suggestByNameAndPinyin(String name, SymbolDirectory d) {
    assertEquals("600519.SH", first(suggest(d, "茅台")));
    assertEquals("600519.SH", first(suggest(d, "贵州茅台")));
    assertEquals("600519.SH", first(suggest(d, "gzmt")));
    assertEquals("600519.SH", first(suggest(d, "GZMT")));
    assertEquals("600519.SH", first(suggest(d, " GzMt ")));
    assertEquals("300750.SZ", first(suggest(d, "ndsd")));
    assertEquals("300750.SZ", first(suggest(d, "宁德时代")));
    assertEquals("002594.SZ", first(suggest(d, "BYD")));
    assertEquals("000858.SZ", first(suggest(d, "wly")));
    assertTrue(suggest(d, "GZ").contains("600519.SH") || d.size() > 1000, "prefix");
    assertTrue(suggest(d, "平安").containsAll(List.of("000001.SZ", "601318.SH")));
    // typos one edit away
    assertEquals("600519.SH", first(suggest(d, "贵州茅苔")));
    assertTrue(suggest(d, "gzmy").contains("600519.SH"));
    // ST names by their bare name and pinyin, full-width names by half-width text
    assertEquals("000004.SZ", first(suggest(d, "国华")));
    assertEquals("000004.SZ", first(suggest(d, "*ST国华")));
    assertEquals("000004.SZ", first(suggest(d, "stgh")));
    assertEquals("000002.SZ", first(suggest(d, "万科A")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("universes")
  void suggestRanksSameCodeThenExactThenPrefix(String name, SymbolDirectory d) {
    // exact pinyin outranks a pinyin prefix
    List<String> wly = suggest(d, "wly");
    assertEquals("000858.SZ", wly.get(0));
    // a name prefix outranks a name substring
    List<String> pingan = suggest(d, "平安");
    assertTrue(pingan.indexOf("000001.SZ") < pingan.indexOf("601318.SH"), pingan.toString());
    // partial codes: prefixes first
    List<String> partial = suggest(d, "60051");
    assertFalse(partial.isEmpty());
    assertTrue(partial.stream().allMatch(s -> s.startsWith("60051")), partial.toString());
    assertTrue(suggest(d, "6005190").contains("600519.SH"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("universes")
  void suggestEdgeCases(String name, SymbolDirectory d) {
    assertEquals(List.of(), d.suggest(null, 5));
    assertEquals(List.of(), d.suggest("", 5));
    assertEquals(List.of(), d.suggest("  ", 5));
    assertEquals(List.of(), d.suggest("600519.SZ", 0));
    assertEquals(1, d.suggest("600519.SZ", 1).size());
    assertTrue(d.suggest("600519.SZ", 100).size() > 5);
    assertEquals(List.of(), d.suggest("@@@", 5));
    // garbage that looks like a code still gets neighbours, never an exception
    assertFalse(suggest(d, "999999.SH").isEmpty());
    assertFalse(suggest(d, "000000").isEmpty());
    suggest(d, "12345678");
    suggest(d, ".SH");
    suggest(d, "SH");
    suggest(d, "6");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("universes")
  void everyListingIsFoundFromTheWrongExchangeAndByItsName(String name, SymbolDirectory d) {
    for (Listing l : d.all()) {
      String other = l.exchange().equals("SH") ? "SZ" : "SH";
      List<Listing> s = d.suggest(l.code() + "." + other, 5);
      // when the code exists on both exchanges both are offered first
      assertTrue(s.get(0).code().equals(l.code()), l.symbol() + " -> " + s);
      assertTrue(symbols(s).contains(l.symbol()), l.symbol() + " -> " + s);
      assertTrue(symbols(d.suggest(l.name(), 5)).contains(l.symbol()), l.name() + " -> " + d.suggest(l.name(), 5));
    }
  }
}
