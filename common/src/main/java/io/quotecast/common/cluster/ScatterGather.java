package io.quotecast.common.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Asks every consumer of an address, on every node, and gathers their answers. The event bus's request/reply reaches
 * one consumer only; operations questions ("which connections do you hold?", "how fresh are your symbols?") must
 * reach all of them, on nodes that may come and go. The question is published with a private reply address; the
 * answers are gathered until {@code expected} arrived or the time is up, whichever comes first, so a dead node
 * delays an answer by at most {@code timeoutMs} and never fails it.
 */
public final class ScatterGather {
  /** The header carrying the address answers go to. */
  public static final String REPLY_TO = "qc-reply-to";

  private ScatterGather() {
  }

  /**
   * Publishes {@code question} to {@code address} and completes with the answers (possibly none) once {@code
   * expected} arrived (0: unknown, wait the whole time) or after {@code timeoutMs}.
   */
  public static Future<List<JsonObject>> ask(Vertx vertx, String address, JsonObject question, int expected,
      long timeoutMs) {
    return ask(vertx, address, question, answers -> expected > 0 && answers.size() >= expected, timeoutMs);
  }

  /**
   * Publishes {@code question} to {@code address} and completes with the answers (possibly none) as soon as {@code
   * enough} holds for the answers so far (tested after each one), or after {@code timeoutMs}. For callers that know
   * when they are done only from what the answers say (e.g. how many instances each node runs).
   */
  public static Future<List<JsonObject>> ask(Vertx vertx, String address, JsonObject question,
      Predicate<List<JsonObject>> enough, long timeoutMs) {
    String replyTo = address + ".answers." + UUID.randomUUID();
    List<JsonObject> answers = new ArrayList<>();
    Promise<List<JsonObject>> done = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(replyTo);
    long[] timer = {-1};
    Runnable finish = () -> {
      if (done.tryComplete(new ArrayList<>(answers))) {
        vertx.cancelTimer(timer[0]);
        consumer.unregister();
      }
    };
    consumer.handler(message -> {
      if (!done.future().isComplete()) {
        answers.add(message.body());
        if (enough.test(answers)) {
          finish.run();
        }
      }
    });
    // In a cluster the reply address must be known to every node before anyone can answer.
    consumer.completion().onComplete(registered -> {
      if (registered.failed()) {
        done.tryFail(registered.cause());
        return;
      }
      timer[0] = vertx.setTimer(timeoutMs, id -> finish.run());
      vertx.eventBus().publish(address, question, new DeliveryOptions().addHeader(REPLY_TO, replyTo));
    });
    return done.future();
  }

  /** Answers a question received from {@link #ask}; a message without a reply address is ignored. */
  public static void answer(Vertx vertx, Message<?> question, JsonObject answer) {
    String replyTo = question.headers().get(REPLY_TO);
    if (replyTo != null) {
      vertx.eventBus().send(replyTo, answer);
    }
  }
}
