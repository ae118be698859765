package io.quotecast.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of {@code jcmd <pid> GC.class_histogram}: live objects after the full GC that command forces, per class,
 * and the total. S4 takes the heap per idle connection from two of these (before and after the ramp), because the
 * live total does not depend on when the collector last ran, unlike "heap used".
 */
final class ClassHistogram {
  //    1:         12345        1234567  [B (java.base@17.0.15)
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
  // Total        123456       12345678
  private static final Pattern TOTAL = Pattern.compile("^\\s*Total\\s+(\\d+)\\s+(\\d+)");

  record Row(String className, long instances, long bytes) {}

  record Growth(String className, long instances, long bytes) {}

  private final Map<String, Row> rows;
  private final long totalInstances;
  private final long totalBytes;

  private ClassHistogram(Map<String, Row> rows, long totalInstances, long totalBytes) {
    this.rows = rows;
    this.totalInstances = totalInstances;
    this.totalBytes = totalBytes;
  }

  static ClassHistogram parse(String text) {
    Map<String, Row> rows = new HashMap<>();
    long instances = -1;
    long bytes = -1;
    for (String line : text.split("\r?\n")) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        // the same class name can appear once per class loader: add them up
        rows.merge(m.group(3), new Row(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
            (a, b) -> new Row(a.className(), a.instances() + b.instances(), a.bytes() + b.bytes()));
        continue;
      }
      Matcher t = TOTAL.matcher(line);
      if (t.find()) {
        instances = Long.parseLong(t.group(1));
        bytes = Long.parseLong(t.group(2));
      }
    }
    if (bytes < 0) {
      throw new IllegalArgumentException("no 'Total' line: not the output of jcmd GC.class_histogram");
    }
    return new ClassHistogram(rows, instances, bytes);
  }

  long totalBytes() {
    return totalBytes;
  }

  long totalInstances() {
    return totalInstances;
  }

  /** The classes whose live bytes grew most from {@code before} to this one, largest growth first. */
  List<Growth> growthSince(ClassHistogram before, int top) {
    List<Growth> out = new ArrayList<>();
    for (Row r : rows.values()) {
      Row b = before.rows.get(r.className());
      long db = r.bytes() - (b == null ? 0 : b.bytes());
      long di = r.instances() - (b == null ? 0 : b.instances());
      if (db > 0) {
        out.add(new Growth(r.className(), di, db));
      }
    }
    out.sort((x, y) -> Long.compare(y.bytes(), x.bytes()));
    return out.size() > top ? out.subList(0, top) : out;
  }
}
