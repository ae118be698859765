package io.quotecast.quote;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs asynchronous calls (cluster map reads and writes) with at most {@code parallel} in flight, so a takeover or a
 * snapshot flush of thousands of channels does not flood the cluster or its own memory. Call from one context (the
 * verticle's event loop). Calls that complete synchronously (local async maps) do not deepen the stack.
 */
final class BoundedCalls<T> {
  private final List<Supplier<Future<T>>> calls;
  private final int parallel;
  private final List<T> results;
  private final Promise<List<T>> done = Promise.promise();
  private int next;
  private int inFlight;
  private boolean pumping;
  private Throwable failure;

  private BoundedCalls(List<Supplier<Future<T>>> calls, int parallel) {
    this.calls = calls;
    this.parallel = Math.max(1, parallel);
    this.results = new ArrayList<>(Collections.nCopies(calls.size(), null));
  }

  /** The results in call order; fails with the first failure, once the calls already started have finished. */
  static <T> Future<List<T>> run(List<Supplier<Future<T>>> calls, int parallel) {
    BoundedCalls<T> b = new BoundedCalls<>(calls, parallel);
    b.pump();
    return b.done.future();
  }

  private void pump() {
    if (pumping) {
      return;
    }
    pumping = true;
    while (failure == null && inFlight < parallel && next < calls.size()) {
      int i = next++;
      inFlight++;
      Future<T> f;
      try {
        f = calls.get(i).get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        inFlight--;
        if (ar.succeeded()) {
          results.set(i, ar.result());
        } else if (failure == null) {
          failure = ar.cause();
        }
        pump();
      });
    }
    pumping = false;
    if (inFlight == 0 && (failure != null || next == calls.size())) {
      if (failure != null) {
        done.tryFail(failure);
      } else {
        done.tryComplete(results);
      }
    }
  }
}
