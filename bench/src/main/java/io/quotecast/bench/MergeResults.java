package io.quotecast.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line: merges the results files of several LoadClient processes into one, prints its summary and, with
 * --png, draws its latency chart; with goals, checks them (reported, never an exit status: a bench is not a test).
 * {@code MergeResults --out merged.json [--png merged.png] [--title T] [--goal-p99-ms 50] [--goal-zero-loss] a.json..}
 */
public final class MergeResults {
  private MergeResults() {}

  public static void main(String[] args) throws Exception {
    String out = null;
    String png = null;
    String title = null;
    Double goalP99 = null;
    boolean goalZeroLoss = false;
    List<Path> inputs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = args[++i];
        case "--png" -> png = args[++i];
        case "--title" -> title = args[++i];
        case "--goal-p99-ms" -> goalP99 = Double.parseDouble(args[++i]);
        case "--goal-zero-loss" -> goalZeroLoss = true;
        default -> inputs.add(Path.of(args[i]));
      }
    }
    if (out == null || inputs.isEmpty()) {
      System.err.println("usage: MergeResults --out merged.json [--png chart.png] [--title T] "
          + "[--goal-p99-ms MS] [--goal-zero-loss] results.json...");
      System.exit(2);
    }
    List<JsonObject> parts = new ArrayList<>();
    for (Path p : inputs) {
      parts.add(new JsonObject(Files.readString(p)));
    }
    JsonObject merged = parts.size() == 1 ? parts.get(0) : ResultsMerger.merge(parts);
    JsonObject goals = null;
    if (goalP99 != null || goalZeroLoss) {
      goals = ResultsSummary.goals(merged, goalP99, goalZeroLoss);
      merged.put("goals", goals);
    }
    Files.writeString(Path.of(out), merged.encodePrettily() + "\n");
    System.out.print(ResultsSummary.format(merged));
    if (goals != null) {
      System.out.print(ResultsSummary.formatGoals(goals));
    }
    System.out.println("merged results: " + Path.of(out).toAbsolutePath());
    if (png != null) {
      Charts.writePng(Charts.latency(merged, title), Path.of(png));
      System.out.println("chart: " + Path.of(png).toAbsolutePath());
    }
  }
}
