package io.quotecast.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A small parser of the Prometheus text exposition format (0.0.4), independent of the implementation: one sample per
 * line, {@code name{label="value",...} value}, comments ({@code # HELP}, {@code # TYPE}) skipped, label values with
 * the escapes {@code \\}, {@code \"} and {@code \n}.
 */
final class PrometheusText {
  record Sample(String name, Map<String, String> labels, double value) {
    boolean has(String... kv) {
      for (int i = 0; i < kv.length; i += 2) {
        if (!kv[i + 1].equals(labels.get(kv[i]))) {
          return false;
        }
      }
      return true;
    }
  }

  final List<Sample> samples = new ArrayList<>();
  final String text;

  private PrometheusText(String text) {
    this.text = text;
  }

  static PrometheusText parse(String text) {
    PrometheusText out = new PrometheusText(text);
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      out.samples.add(sample(line));
    }
    return out;
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq).trim();
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value not quoted: " + line);
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; line.charAt(j) != '"'; j++) {
          char ch = line.charAt(j);
          if (ch == '\\') {
            char next = line.charAt(++j);
            value.append(next == 'n' ? '\n' : next);
          } else {
            value.append(ch);
          }
        }
        labels.put(key, value.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    String[] rest = line.substring(i).trim().split("\\s+");
    return new Sample(name, labels, value(rest[0]));
  }

  private static double value(String s) {
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  List<Sample> all(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  List<Sample> matching(Predicate<Sample> p) {
    return samples.stream().filter(p).toList();
  }

  /** The sum of {@code name}'s samples that have the given labels ({@code key, value, ...}). */
  double sum(String name, String... labels) {
    return all(name).stream().filter(s -> s.has(labels)).mapToDouble(Sample::value).sum();
  }

  /** The one sample of {@code name} with the given labels; fails when there is none or several. */
  double value(String name, String... labels) {
    List<Sample> found = all(name).stream().filter(s -> s.has(labels)).toList();
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " samples of " + name + " " + List.of(labels) + ": " + found);
    }
    return found.get(0).value();
  }
}
