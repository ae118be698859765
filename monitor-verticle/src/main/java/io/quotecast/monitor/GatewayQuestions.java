package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.admin.GatewayAdmin;
import io.quotecast.common.cluster.ScatterGather;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Predicate;

/**
 * Asks every gateway instance of the cluster one {@link GatewayAdmin} question. The gateway nodes are the live members
 * with an entry in {@link Addresses#GATEWAY_LOAD_MAP}, and each answer says how many instances its node runs, so the
 * answer is complete as soon as all of them answered; a node that does not answer only costs {@link #TIMEOUT_MS}.
 */
final class GatewayQuestions {
  static final long TIMEOUT_MS = 500;

  private final Vertx vertx;

  GatewayQuestions(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Every instance's answer (as many as arrived in time). */
  Future<List<JsonObject>> ask(JsonObject question) {
    return ask(question, answers -> false);
  }

  /** Every instance's answer, or fewer as soon as {@code enough} holds (e.g. the owner of a connection answered). */
  Future<List<JsonObject>> ask(JsonObject question, Predicate<List<JsonObject>> enough) {
    return RegisteredMembers.of(vertx, Addresses.GATEWAY_LOAD_MAP).compose(members -> ScatterGather.ask(vertx,
        Addresses.GATEWAY_ADMIN, question, answers -> enough.test(answers) || GatewayAdmin.allAnswered(answers, members),
        TIMEOUT_MS));
  }
}
