package io.quotecast.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Lines up the measurement windows of several generator processes: each writes {@code <dir>/<id>.ready} when its ramp
 * is done and waits until {@code parties} such files exist, then all start their warm-up together (within one poll
 * period). A script may be one of the parties: it can then measure the server with every connection open before it
 * lets the generators go on (S4). Plain files, because the parties are separate processes started by a shell script.
 */
final class StartBarrier {
  static final String SUFFIX = ".ready";
  private static final long POLL_MS = 50;

  private final Path dir;
  private final String id;
  private final int parties;
  private final Duration timeout;

  StartBarrier(Path dir, String id, int parties, Duration timeout) {
    this.dir = dir;
    this.id = id;
    this.parties = parties;
    this.timeout = timeout;
  }

  /**
   * Marks this party ready with {@code content} (written atomically, so a reader never sees half a file) and blocks
   * until {@code parties} parties are ready or the timeout passes.
   *
   * @return how many parties were ready when it returned; fewer than {@code parties} means it timed out
   */
  int arriveAndAwait(String content) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + id + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(id + SUFFIX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int ready = countReady();
      if (ready >= parties || System.nanoTime() >= deadline) {
        return ready;
      }
      Thread.sleep(POLL_MS);
    }
  }

  int countReady() throws IOException {
    int n = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path ignored : files) {
        n++;
      }
    }
    return n;
  }
}
