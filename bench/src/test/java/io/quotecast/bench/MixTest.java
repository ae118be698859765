package io.quotecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MixTest {
  @Test
  void singleValueIsDealtToEveryone() {
    Mix m = Mix.parse("realtime");
    assertTrue(m.isSingle());
    for (int i = 0; i < 10; i++) {
      assertEquals("realtime", m.at(i));
    }
  }

  @Test
  void weightsGiveTheSharesOverAnyPrefixAndInterleave() {
    Mix m = Mix.parse("realtime:3,1s:1");
    assertEquals(List.of("realtime", "1s"), m.values());
    for (int n : new int[] {40, 1000, 10_000}) {
      Map<String, Integer> count = new HashMap<>();
      for (int i = 0; i < n; i++) {
        count.merge(m.at(i), 1, Integer::sum);
      }
      assertTrue(Math.abs(count.get("realtime") - 0.75 * n) <= 3, n + ": " + count);
      assertTrue(Math.abs(count.get("1s") - 0.25 * n) <= 3, n + ": " + count);
    }
    // interleaved: no long run of one value
    int run = 0;
    int longest = 0;
    for (int i = 1; i < 1000; i++) {
      run = m.at(i).equals(m.at(i - 1)) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    assertTrue(longest < 6, "longest run " + longest);
  }

  @Test
  void valueWithAColonButNoWeightStaysWhole() {
    Mix m = Mix.parse("50:1,off:1,kline:1m");
    assertEquals(List.of("50", "off", "kline:1m"), m.values());
  }

  @Test
  void rejectsNonPositiveWeightsAndEmptySpecs() {
    assertThrows(IllegalArgumentException.class, () -> Mix.parse("realtime:0"));
    assertThrows(IllegalArgumentException.class, () -> Mix.parse("realtime:-1"));
    assertThrows(IllegalArgumentException.class, () -> Mix.parse(" , "));
  }

  @Test
  void optionsParseMixesAndCheckBatchValues() {
    BenchOptions o = BenchOptions.parse(new String[] {"--freq", "realtime:1,1s:1", "--batch", "50:1,off:1",
        "--channels", "0", "--assign", "zipf", "--assign-skew", "0.8"});
    assertEquals(2, o.freqs.entries().size());
    assertEquals(0, o.channels);
    assertTrue(o.requestUri("50").contains("batch=50"));
    assertTrue(!o.requestUri("off").contains("batch="));
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--batch", "soon"}));
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--assign", "pareto"}));
  }
}
