package io.quotecast.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A weighted mix of option values dealt to connections by index, e.g. {@code realtime:3,1s:1} gives three quarters of
 * the connections {@code realtime} and a quarter {@code 1s}. A plain {@code realtime} is a mix of one.
 *
 * <p>Dealing follows a Weyl sequence (index times the golden ratio, modulo 1), so the shares hold closely for any
 * prefix of the indexes and the values interleave instead of coming in blocks: connections are spread over event
 * loops and source addresses by index too, and every loop should see the same mix.
 */
final class Mix {
  private static final double GOLDEN = 0.6180339887498949;

  record Entry(String value, double weight) {}

  private final List<Entry> entries;
  private final double[] cumulative;

  private Mix(List<Entry> entries) {
    this.entries = List.copyOf(entries);
    double total = entries.stream().mapToDouble(Entry::weight).sum();
    cumulative = new double[entries.size()];
    double sum = 0;
    for (int i = 0; i < entries.size(); i++) {
      sum += entries.get(i).weight() / total;
      cumulative[i] = sum;
    }
    cumulative[cumulative.length - 1] = 1.0;
  }

  /** {@code value[:weight],...}; the weight is what follows the last ':' when that is a number, else 1. */
  static Mix parse(String spec) {
    List<Entry> entries = new ArrayList<>();
    for (String part : BenchOptions.split(spec)) {
      String value = part;
      double weight = 1;
      int colon = part.lastIndexOf(':');
      if (colon > 0) {
        try {
          weight = Double.parseDouble(part.substring(colon + 1));
          value = part.substring(0, colon);
        } catch (NumberFormatException notAWeight) {
          // e.g. a value that itself contains ':'; keep it whole
        }
      }
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("weight must be positive in '" + part + "'");
      }
      entries.add(new Entry(value.trim(), weight));
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("empty mix '" + spec + "'");
    }
    return new Mix(entries);
  }

  /** The value dealt to connection {@code index} (0-based). */
  String at(int index) {
    if (entries.size() == 1) {
      return entries.get(0).value();
    }
    double x = (index + 1) * GOLDEN;
    x -= Math.floor(x);
    for (int i = 0; i < cumulative.length; i++) {
      if (x < cumulative[i]) {
        return entries.get(i).value();
      }
    }
    return entries.get(entries.size() - 1).value();
  }

  List<Entry> entries() {
    return entries;
  }

  List<String> values() {
    return entries.stream().map(Entry::value).toList();
  }

  boolean isSingle() {
    return entries.size() == 1;
  }
}
