package io.quotecast.common;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The symbol universe: lookup by symbol, REST search, and suggestions for unknown symbols (INVALID_SYMBOL).
 *
 * <p>Immutable and thread-safe once built; every index is computed in {@link #of(List)}, so lookups on a request path
 * cost a few hash and tree lookups (plus, for text that matches nothing better, one scan over precomputed keys).
 *
 * <p>Matching is case-insensitive and width-insensitive (NFKC: {@code 万科Ａ} matches {@code 万科A}); {@code *} is ignored,
 * and names and pinyin initials also match without their special-treatment / ex-dividend prefix
 * ({@code *ST国华} is found by {@code 国华} and {@code GH}; {@code XD富士达} by {@code 富士达}).
 */
public final class SymbolDirectory {
  // suggestion tiers, most plausible first
  private static final int T_SAME_CODE = 0;     // the code on another exchange (or the input itself when known)
  private static final int T_EXACT_TEXT = 1;    // name or pinyin initials exactly
  private static final int T_PREFIX = 2;        // name, pinyin or code prefix
  private static final int T_SUBSTRING = 3;     // name or code substring
  private static final int T_NEIGHBOUR = 4;     // the codes just before and after on the exchange
  private static final int T_CODE_TYPO = 5;     // one digit changed, two adjacent digits swapped, one digit missing/extra
  private static final int T_NEAR_CODE = 6;     // further numeric neighbours on the exchange
  private static final int T_TEXT_TYPO = 7;     // name or pinyin at edit distance 1
  private static final long TIER = 1L << 40;

  private final List<Listing> listings;
  private final Entry[] entries;
  private final Map<String, Entry> bySymbol;
  private final Map<String, List<Entry>> byCode;
  /** Text key (name, bare name, pinyin, bare pinyin) -> entries; sorted, for exact and prefix lookups. */
  private final NavigableMap<String, List<Entry>> byText;
  /** Symbol -> entry, sorted, for symbol and code prefixes. */
  private final NavigableMap<String, Entry> symbolsSorted;
  /** Character -> indexes (ascending) of the entries whose symbol, name or pinyin contains it: substring candidates. */
  private final Map<Character, int[]> byChar;
  /** Per exchange: sorted numeric codes and the entries in the same order. */
  private final Map<String, int[]> codesByExchange;
  private final Map<String, Entry[]> entriesByExchange;

  private SymbolDirectory(List<Listing> source) {
    this.listings = List.copyOf(source);
    this.entries = new Entry[listings.size()];
    this.bySymbol = new HashMap<>(listings.size() * 2);
    this.byCode = new HashMap<>(listings.size() * 2);
    TreeMap<String, List<Entry>> text = new TreeMap<>();
    Map<String, List<Entry>> perExchange = new HashMap<>();
    for (int i = 0; i < entries.length; i++) {
      Listing l = listings.get(i);
      Entry e = new Entry(i, l);
      entries[i] = e;
      if (bySymbol.putIfAbsent(l.symbol(), e) != null) {
        throw new IllegalArgumentException("duplicate listing " + l.symbol());
      }
      byCode.computeIfAbsent(e.code, k -> new ArrayList<>(1)).add(e);
      for (String key : e.textKeys()) {
        text.computeIfAbsent(key, k -> new ArrayList<>(1)).add(e);
      }
      perExchange.computeIfAbsent(l.exchange(), k -> new ArrayList<>()).add(e);
    }
    this.byText = text;
    this.symbolsSorted = new TreeMap<>(bySymbol);
    Map<Character, List<Integer>> chars = new HashMap<>();
    for (Entry e : entries) {
      String all = e.symbol + e.name + e.pinyin;
      all.chars().distinct().forEach(c -> chars.computeIfAbsent((char) c, k -> new ArrayList<>()).add(e.index));
    }
    this.byChar = new HashMap<>(chars.size() * 2);
    chars.forEach((c, list) -> byChar.put(c, list.stream().mapToInt(Integer::intValue).toArray()));
    this.codesByExchange = new HashMap<>();
    this.entriesByExchange = new HashMap<>();
    perExchange.forEach((ex, list) -> {
      Entry[] sorted = list.toArray(new Entry[0]);
      Arrays.sort(sorted, (a, b) -> Integer.compare(a.codeNumber, b.codeNumber));
      int[] codes = new int[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        codes[i] = sorted[i].codeNumber;
      }
      codesByExchange.put(ex, codes);
      entriesByExchange.put(ex, sorted);
    });
  }

  public static SymbolDirectory of(List<Listing> listings) {
    return new SymbolDirectory(listings);
  }

  /** The listing of a symbol (any case, e.g. {@code 600519.sh}), or null when unknown or malformed. */
  public Listing get(String symbol) {
    String canonical = SymbolCode.normalize(symbol);
    Entry e = canonical == null ? null : bySymbol.get(canonical);
    return e == null ? null : e.listing;
  }

  public int size() {
    return listings.size();
  }

  /** Every listing, in file order. */
  public List<Listing> all() {
    return listings;
  }

  /**
   * REST search. {@code q} matches the code or symbol (exact, prefix, substring: {@code 600519}, {@code 6005},
   * {@code 600519.sh}, {@code SH600519}), the name (exact, prefix, substring: {@code 茅台}) and the pinyin initials
   * (exact or prefix: {@code gzmt}, {@code GZ}). Exact matches first, then prefixes, then substrings; file order within
   * each. An empty {@code q} returns the first {@code limit} listings.
   */
  public List<Listing> search(String q, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    String query = q == null ? "" : key(q);
    if (query.isEmpty()) {
      return listings.subList(0, Math.min(limit, listings.size()));
    }
    Candidates found = new Candidates();
    String asSymbol = symbolOf(query);
    Entry exact = bySymbol.get(asSymbol != null ? asSymbol : query);
    if (exact != null) {
      found.add(exact, 0, exact.index);
    }
    for (Entry e : byCode.getOrDefault(query, List.of())) {
      found.add(e, 0, e.index);
    }
    for (Entry e : byText.getOrDefault(query, List.of())) {
      found.add(e, 0, e.index);
    }
    for (Entry e : symbolsSorted.subMap(query, false, query + Character.MAX_VALUE, false).values()) {
      found.add(e, 1, e.index);
    }
    for (List<Entry> list : byText.subMap(query, false, query + Character.MAX_VALUE, false).values()) {
      for (Entry e : list) {
        found.add(e, 1, e.index);
      }
    }
    if (found.size() < limit) {
      for (int i : substringCandidates(query)) {
        Entry e = entries[i];
        if (e.symbol.contains(query) || e.name.contains(query)) {
          found.add(e, 2, e.index);
        }
      }
    }
    return found.best(limit);
  }

  /** Indexes of the entries that contain every character of {@code query} (its rarest one, at least). */
  private int[] substringCandidates(String query) {
    int[] best = null;
    for (int i = 0; i < query.length(); i++) {
      int[] list = byChar.get(query.charAt(i));
      if (list == null) {
        return new int[0];
      }
      if (best == null || list.length < best.length) {
        best = list;
      }
    }
    return best == null ? new int[0] : best;
  }

  /**
   * Suggestions for a symbol the client got wrong, most plausible first, without duplicates: the same code on another
   * exchange ({@code 600519.SZ}, {@code 600519} -> {@code 600519.SH}), then names and pinyin initials (exact, prefix,
   * substring: {@code 茅台}, {@code gzmt}), then nearby codes (the codes just before and after on the exchange, one-digit
   * typos, further numeric neighbours), then names and pinyin one edit away. A known symbol suggests itself first.
   */
  public List<Listing> suggest(String input, int max) {
    if (input == null || max <= 0 || entries.length == 0) {
      return List.of();
    }
    String query = key(input);
    if (query.isEmpty()) {
      return List.of();
    }
    Candidates found = new Candidates();
    CodeInput code = CodeInput.parse(query);
    if (code != null) {
      suggestCodes(code, found, max);
    } else {
      suggestText(query, found, max);
    }
    return found.best(max);
  }

  private void suggestCodes(CodeInput in, Candidates found, int max) {
    String digits = in.digits;
    if (digits.length() == 6) {
      for (Entry e : byCode.getOrDefault(digits, List.of())) {
        found.add(e, T_SAME_CODE, in.exchange == null || in.exchange.equals(e.exchange) ? 0 : 1);
      }
      int number = Integer.parseInt(digits);
      for (String typo : codeTypos(digits)) {
        for (Entry e : byCode.getOrDefault(typo, List.of())) {
          found.add(e, T_CODE_TYPO, Math.abs(e.codeNumber - number));
        }
      }
      neighbours(number, neighbourExchange(digits, in.exchange), found, max);
    } else {
      // a partial code: prefix first, then substring, then one digit missing or extra
      for (Map.Entry<String, List<Entry>> m : byCode.entrySet()) {
        String c = m.getKey();
        int tier = c.startsWith(digits) ? T_PREFIX : c.contains(digits) ? T_SUBSTRING : -1;
        if (tier >= 0) {
          for (Entry e : m.getValue()) {
            found.add(e, tier, e.index);
          }
        }
      }
      if (digits.length() == 5 || digits.length() == 7) {
        for (String typo : codeTypos(digits)) {
          for (Entry e : byCode.getOrDefault(typo, List.of())) {
            found.add(e, T_CODE_TYPO, e.index);
          }
        }
      }
    }
  }

  private void suggestText(String query, Candidates found, int max) {
    for (Entry e : byText.getOrDefault(query, List.of())) {
      found.add(e, T_EXACT_TEXT, e.index);
    }
    for (Map.Entry<String, List<Entry>> m : byText.subMap(query, false, query + Character.MAX_VALUE, false).entrySet()) {
      for (Entry e : m.getValue()) {
        // shorter completions are closer to what was typed
        found.add(e, T_PREFIX, ((long) (m.getKey().length() - query.length()) << 20) + e.index);
      }
    }
    if (found.size() >= max) {
      return;
    }
    boolean cjk = containsNonAscii(query);
    for (int i : substringCandidates(query)) {
      Entry e = entries[i];
      if (e.name.contains(query) || (!cjk && query.length() >= 2 && e.symbol.contains(query))) {
        found.add(e, T_SUBSTRING, e.index);
      }
    }
    if (found.size() >= max || query.length() < 3) {
      return;
    }
    // one edit away keeps the first or the second character
    for (char c : new char[] {query.charAt(0), query.charAt(1)}) {
      for (int i : byChar.getOrDefault(c, new int[0])) {
        Entry e = entries[i];
        if (cjk ? withinOneEdit(query, e.name) || withinOneEdit(query, e.bareName)
            : withinOneEdit(query, e.pinyin) || withinOneEdit(query, e.barePinyin)) {
          found.add(e, T_TEXT_TYPO, e.index);
        }
      }
    }
  }

  /** The exchange whose neighbours are plausible for a code: the one its digits belong to, else the given one. */
  private String neighbourExchange(String digits, String given) {
    String inferred = exchangeOfCode(digits);
    if (inferred != null && codesByExchange.containsKey(inferred)) {
      return inferred;
    }
    return given != null && codesByExchange.containsKey(given) ? given : null;
  }

  private void neighbours(int number, String exchange, Candidates found, int max) {
    List<String> exchanges = exchange != null ? List.of(exchange) : new ArrayList<>(codesByExchange.keySet());
    for (String ex : exchanges) {
      int[] codes = codesByExchange.get(ex);
      Entry[] sorted = entriesByExchange.get(ex);
      int hi = Arrays.binarySearch(codes, number);
      int lo;
      if (hi >= 0) {
        lo = hi - 1;
        hi = hi + 1;
      } else {
        hi = -hi - 1;
        lo = hi - 1;
      }
      boolean first = true;
      for (int taken = 0; taken < max + 2 && (lo >= 0 || hi < codes.length); taken++) {
        long dLo = lo >= 0 ? number - (long) codes[lo] : Long.MAX_VALUE;
        long dHi = hi < codes.length ? codes[hi] - (long) number : Long.MAX_VALUE;
        if (first) {
          // the codes immediately before and after
          if (lo >= 0) {
            found.add(sorted[lo], T_NEIGHBOUR, dLo);
          }
          if (hi < codes.length) {
            found.add(sorted[hi], T_NEIGHBOUR, dHi);
          }
          lo--;
          hi++;
          first = false;
        } else if (dLo <= dHi) {
          found.add(sorted[lo--], T_NEAR_CODE, dLo);
        } else {
          found.add(sorted[hi++], T_NEAR_CODE, dHi);
        }
      }
    }
  }

  /** Codes one keystroke away: one digit changed, two adjacent digits swapped; or, for 5/7 digits, one digit added/dropped. */
  private static List<String> codeTypos(String digits) {
    List<String> out = new ArrayList<>(64);
    char[] c = digits.toCharArray();
    if (c.length == 6) {
      for (int i = 0; i < 6; i++) {
        char orig = c[i];
        for (char d = '0'; d <= '9'; d++) {
          if (d != orig) {
            c[i] = d;
            out.add(new String(c));
          }
        }
        c[i] = orig;
      }
      for (int i = 0; i < 5; i++) {
        if (c[i] != c[i + 1]) {
          char[] t = c.clone();
          t[i] = c[i + 1];
          t[i + 1] = c[i];
          out.add(new String(t));
        }
      }
    } else if (c.length == 7) {
      for (int i = 0; i < 7; i++) {
        out.add(digits.substring(0, i) + digits.substring(i + 1));
      }
    } else if (c.length == 5) {
      for (int i = 0; i <= 5; i++) {
        for (char d = '0'; d <= '9'; d++) {
          out.add(digits.substring(0, i) + d + digits.substring(i));
        }
      }
    }
    return out;
  }

  /** The exchange a six-digit code is listed on by its number range, or null when the range says nothing. */
  static String exchangeOfCode(String digits) {
    String p = digits.substring(0, 2);
    return switch (p) {
      case "60", "68", "90" -> "SH";
      case "00", "20", "30" -> "SZ";
      case "92", "43", "83", "87", "88" -> "BJ";
      default -> null;
    };
  }

  /** Canonical symbol of a normalized query shaped like a symbol ({@code 600519.SH}, {@code SH600519}), else null. */
  private static String symbolOf(String query) {
    CodeInput in = CodeInput.parse(query);
    return in != null && in.exact && in.exchange != null && in.digits.length() == 6 ? in.digits + "." + in.exchange : null;
  }

  /** Matching key: NFKC (full-width to ASCII), upper case, no spaces or {@code *}. */
  static String key(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch != '*' && !Character.isWhitespace(ch)) {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  private static boolean containsNonAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 127) {
        return true;
      }
    }
    return false;
  }

  /** Levenshtein distance of at most 1 (and the strings differ or are equal). */
  static boolean withinOneEdit(String a, String b) {
    int la = a.length();
    int lb = b.length();
    if (Math.abs(la - lb) > 1 || lb == 0) {
      return false;
    }
    if (la > lb) {
      return withinOneEdit(b, a);
    }
    int i = 0;
    while (i < la && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    if (i == la) {
      return true;
    }
    return la == lb ? a.regionMatches(i + 1, b, i + 1, la - i - 1) : a.regionMatches(i, b, i + 1, la - i);
  }

  /** A name or pinyin without a leading ex-rights marker (XD, XR, DR) and special-treatment marker (ST, SST). */
  private static String bareName(String nameKey) {
    String s = nameKey;
    for (String p : new String[] {"XD", "XR", "DR"}) {
      if (s.startsWith(p) && s.length() > 2 && s.charAt(2) > 127) {
        s = s.substring(2);
        break;
      }
    }
    if (s.startsWith("SST")) {
      s = s.substring(3);
    } else if (s.startsWith("ST")) {
      s = s.substring(2);
    }
    return s;
  }

  /** Precomputed matching keys of one listing. */
  private static final class Entry {
    final int index;
    final Listing listing;
    final String symbol;
    final String code;
    final int codeNumber;
    final String exchange;
    final String name;
    final String bareName;
    final String pinyin;
    final String barePinyin;

    Entry(int index, Listing l) {
      this.index = index;
      this.listing = l;
      this.symbol = l.symbol();
      this.code = l.code();
      this.codeNumber = Integer.parseInt(code);
      this.exchange = l.exchange();
      this.name = key(l.name());
      this.bareName = bareName(name);
      this.pinyin = key(l.pinyin());
      boolean st = !bareName.equals(name) && (name.contains("ST"));
      String bp = pinyin;
      if (st && name.startsWith("SST") && bp.startsWith("SST")) {
        bp = bp.substring(3);
      } else if (st && bp.startsWith("ST") && bp.length() > 2) {
        bp = bp.substring(2);
      }
      this.barePinyin = bp;
    }

    List<String> textKeys() {
      List<String> keys = new ArrayList<>(4);
      for (String k : new String[] {name, bareName, pinyin, barePinyin}) {
        if (!k.isEmpty() && !keys.contains(k)) {
          keys.add(k);
        }
      }
      return keys;
    }
  }

  /**
   * Input that is a (partial) code: digits with an optional exchange before or after ({@code 600519.sz},
   * {@code SH600519}); after a full six-digit code, trailing junk is tolerated ({@code 600519.SHX}) but not exact.
   */
  private record CodeInput(String digits, String exchange, boolean exact) {
    static CodeInput parse(String query) {
      String s = query;
      String exchange = null;
      for (String ex : new String[] {"SH", "SZ", "BJ"}) {
        if (s.length() > 2 && s.startsWith(ex) && (isDigit(s.charAt(2)) || s.charAt(2) == '.')) {
          exchange = ex;
          s = s.substring(s.charAt(2) == '.' ? 3 : 2);
          break;
        }
      }
      int i = 0;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
      if (i == 0 || i > 8) {
        return null;
      }
      String digits = s.substring(0, i);
      String rest = s.substring(i);
      if (rest.startsWith(".")) {
        rest = rest.substring(1);
      }
      if (exchange == null) {
        for (String ex : new String[] {"SH", "SZ", "BJ"}) {
          if (rest.startsWith(ex)) {
            exchange = ex;
            rest = rest.substring(2);
            break;
          }
        }
      }
      if (!rest.isEmpty() && digits.length() != 6) {
        return null;
      }
      return new CodeInput(digits, exchange, rest.isEmpty());
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }

  /** Best (lowest) score per listing; ties broken by file order. */
  private static final class Candidates {
    private final Map<Entry, Long> scores = new LinkedHashMap<>();

    void add(Entry e, int tier, long secondary) {
      long score = tier * TIER + Math.min(secondary, TIER - 1);
      scores.merge(e, score, Math::min);
    }

    int size() {
      return scores.size();
    }

    List<Listing> best(int max) {
      List<Map.Entry<Entry, Long>> all = new ArrayList<>(scores.entrySet());
      all.sort(Map.Entry.<Entry, Long>comparingByValue().thenComparingInt(m -> m.getKey().index));
      List<Listing> out = new ArrayList<>(Math.min(max, all.size()));
      for (int i = 0; i < all.size() && i < max; i++) {
        out.add(all.get(i).getKey().listing);
      }
      return Collections.unmodifiableList(out);
    }
  }
}
