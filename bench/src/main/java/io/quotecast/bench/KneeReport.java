package io.quotecast.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line for S3: reads one results file per step, prints the table and the knee, writes the series JSON and
 * chart. Exits 3 when the step with the highest rate passed the threshold, so a script can stop raising the rate.
 * {@code KneeReport [--threshold-ms 100] [--out knee.json] [--png knee.png] RATE=results.json...}
 */
public final class KneeReport {
  static final int PAST_THRESHOLD = 3;

  private KneeReport() {}

  public static void main(String[] args) throws Exception {
    double threshold = 100;
    String out = null;
    String png = null;
    List<Knee.Step> steps = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--threshold-ms" -> threshold = Double.parseDouble(args[++i]);
        case "--out" -> out = args[++i];
        case "--png" -> png = args[++i];
        default -> {
          int eq = args[i].indexOf('=');
          if (eq < 1) {
            System.err.println("usage: KneeReport [--threshold-ms 100] [--out knee.json] [--png knee.png] "
                + "RATE=results.json...");
            System.exit(2);
          }
          double rate = Double.parseDouble(args[i].substring(0, eq));
          steps.add(Knee.Step.of(rate, new JsonObject(Files.readString(Path.of(args[i].substring(eq + 1))))));
        }
      }
    }
    Knee.Result r = Knee.find(steps, threshold);
    System.out.print(Knee.table(r));
    System.out.println(r.describe());
    if (out != null) {
      Files.writeString(Path.of(out), r.toJson().encodePrettily() + "\n");
    }
    if (png != null && !r.steps().isEmpty()) {
      Charts.writePng(Charts.knee(r.toJson()), Path.of(png));
    }
    boolean lastPast = !r.steps().isEmpty() && r.steps().get(r.steps().size() - 1).p99() > threshold;
    System.exit(lastPast ? PAST_THRESHOLD : 0);
  }
}
