package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.Publication;
import io.quotecast.common.cluster.QuoteRoute;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for the quote node owning every bucket ({@code quote.bucket.*}), and for the subscription verticle, which
 * accepts every channel: enough for a gateway to serve subscriptions, snapshots and history.
 */
final class OwnerStub {
  final Map<String, Publication> state = new ConcurrentHashMap<>();
  final List<String> actions = new ArrayList<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  static Future<OwnerStub> start(Vertx vertx, int buckets, boolean policy) {
    OwnerStub stub = new OwnerStub();
    List<Future<Void>> registered = new ArrayList<>();
    for (int b = 0; b < buckets; b++) {
      MessageConsumer<Object> c = vertx.eventBus().consumer(QuoteRoute.address(b), stub::answer);
      stub.consumers.add(c);
      registered.add(c.completion());
    }
    if (policy) {
      MessageConsumer<JsonObject> connect = vertx.eventBus().consumer(Addresses.SUBSCRIPTION_CONNECT,
          m -> m.reply(new JsonObject()));
      MessageConsumer<JsonObject> check = vertx.eventBus().consumer(Addresses.SUBSCRIPTION_CHECK, m -> {
        JsonArray accepted = new JsonArray();
        for (Object ch : m.body().getJsonArray("channels")) {
          accepted.add(new JsonObject().put("ch", ch).put("freq", m.body().getString("freq", "realtime")));
        }
        m.reply(new JsonObject().put("accepted", accepted).put("rejected", new JsonArray()));
      });
      registered.add(connect.completion());
      registered.add(check.completion());
    }
    return Future.all(registered).map(v -> stub);
  }

  private void answer(Message<Object> m) {
    String action = m.headers().get(QuoteRoute.ACTION);
    synchronized (actions) {
      actions.add(action);
    }
    if (QuoteRoute.SNAPSHOT.equals(action)) {
      Publication p = state.get(String.valueOf(m.body()));
      if (p == null) {
        m.fail(QuoteRoute.NO_DATA, "nothing published yet");
      } else {
        m.reply(p);
      }
    } else if (QuoteRoute.HISTORY.equals(action)) {
      JsonObject req = (JsonObject) m.body();
      m.reply(new JsonArray().add(new JsonObject().put("symbol", req.getString("symbol")).put("tradeId", 1))
          .encode());
    } else {
      m.fail(400, "unexpected action " + action);
    }
  }

  Future<Void> stop() {
    List<Future<Void>> gone = new ArrayList<>();
    consumers.forEach(c -> gone.add(c.unregister()));
    return Future.all(gone).mapEmpty();
  }
}
