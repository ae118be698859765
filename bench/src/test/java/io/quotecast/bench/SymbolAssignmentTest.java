package io.quotecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SymbolAssignmentTest {
  private static List<String> symbols(int n) {
    List<String> s = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      s.add(String.format("%06d.SH", 600000 + i));
    }
    return s;
  }

  private static Map<String, Integer> subscribers(List<List<String>> a) {
    Map<String, Integer> m = new HashMap<>();
    a.forEach(c -> c.forEach(ch -> m.merge(ch, 1, Integer::sum)));
    return m;
  }

  @Test
  void everyModeGivesDistinctSymbolsPerConnectionOncePerType() {
    for (String mode : List.of("random", "rr", "zipf")) {
      List<List<String>> a = SymbolAssignment.assign(symbols(50), 200, 10, List.of("quote", "trade"), mode, 1.2, 7);
      assertEquals(200, a.size());
      for (List<String> c : a) {
        assertEquals(20, c.size(), mode);
        assertEquals(20, new HashSet<>(c).size(), mode + " duplicates in " + c);
        assertEquals(10, c.stream().filter(ch -> ch.startsWith("quote:")).count());
      }
    }
  }

  @Test
  void roundRobinIsEven() {
    Map<String, Integer> m = subscribers(SymbolAssignment.assign(symbols(100), 1000, 10, List.of("quote"), "rr", 0, 1));
    assertEquals(100, m.size());
    m.values().forEach(v -> assertEquals(100, v));
  }

  @Test
  void zipfCrowdsTheFirstSymbolsAndRandomDoesNot() {
    List<String> s = symbols(1000);
    Map<String, Integer> zipf = subscribers(SymbolAssignment.assign(s, 2000, 10, List.of("quote"), "zipf", 1.0, 3));
    Map<String, Integer> uniform = subscribers(SymbolAssignment.assign(s, 2000, 10, List.of("quote"), "random", 0, 3));
    int zipfTop = zipf.getOrDefault("quote:" + s.get(0), 0);
    int zipfTail = 0;
    int uniformTop = uniform.getOrDefault("quote:" + s.get(0), 0);
    for (int i = 900; i < 1000; i++) {
      zipfTail += zipf.getOrDefault("quote:" + s.get(i), 0);
    }
    // 20,000 subscriptions over 1,000 symbols: 20 each when uniform
    assertTrue(uniformTop < 45, "uniform top " + uniformTop);
    assertTrue(zipfTop > 500, "zipf top " + zipfTop);
    assertTrue(zipfTail < 100 * 20 / 2, "zipf tail (100 symbols) " + zipfTail);
  }

  @Test
  void sameSeedSameAssignment() {
    assertEquals(SymbolAssignment.assign(symbols(30), 20, 5, List.of("quote"), "zipf", 1, 9),
        SymbolAssignment.assign(symbols(30), 20, 5, List.of("quote"), "zipf", 1, 9));
  }

  @Test
  void idleConnectionsGetNothingAndTooFewSymbolsIsAnError() {
    SymbolAssignment.assign(List.of(), 5, 0, List.of("quote"), "random", 1, 1).forEach(c -> assertTrue(c.isEmpty()));
    assertThrows(IllegalArgumentException.class,
        () -> SymbolAssignment.assign(symbols(3), 1, 4, List.of("quote"), "random", 1, 1));
  }

  @Test
  void symbolFileReadsListingsCsvAndPlainLists() {
    assertEquals(List.of("000001.SZ", "600519.SH"), SymbolFile.parse(
        "ts_code,symbol,name\n000001.SZ,000001,平安银行\n\n600519.sh,600519,贵州茅台\n000001.SZ,000001,dup\n"));
    assertEquals(List.of("600519.SH"), SymbolFile.parse("# one\n600519.SH\n"));
    assertThrows(IllegalArgumentException.class, () -> SymbolFile.parse("600519\n"));
  }
}
