package io.quotecast.subscription;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Listing;
import io.quotecast.common.ListingLoader;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription policy on the event bus:
 * <ul>
 *   <li>{@link Addresses#SUBSCRIPTION_CHECK}: {@code {"connectionId","channels","existing","freq"}} ->
 *       {@code {"accepted":[{ch,freq,existing}],"rejected":[{ch,code,message,suggestions?,allowed?}]}}, or
 *       {@code {"error":{code,message,...extras}}} when the whole request fails (a reply, not {@code fail}, so that
 *       extras such as {@code limit}/{@code max} survive the bus).</li>
 *   <li>{@link Addresses#SUBSCRIPTION_RELEASED} (publish): {@code {"connectionId","channels"}} decrements the counts.</li>
 *   <li>{@link Addresses#SUBSCRIPTION_STATS}: optional {@code {"top":n}} ->
 *       {@code {"channels":[{ch,subscribers}],"totalSubscriptions","channelCount"}}.</li>
 *   <li>{@link Addresses#SYMBOL_SEARCH}: {@code {"q","limit"}} -> {@code {"results":[listing]}};
 *       {@code {"suggest","max"}} -> {@code {"suggestions":["600519.SH 贵州茅台",..]}}.</li>
 * </ul>
 * Statistics are this instance's: they count the checks it answered and every release published.
 */
public final class SubscriptionVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionVerticle.class);
  static final int DEFAULT_SEARCH_LIMIT = 20;
  static final int MAX_SEARCH_LIMIT = 500;
  static final int MAX_SUGGESTIONS = 20;

  private SubscriptionPolicy policy;
  private final SubscriptionStats stats = new SubscriptionStats();

  @Override
  public Future<?> start() {
    Settings settings;
    SubscriptionPolicy.Limits limits;
    String listingsFile;
    try {
      settings = new Settings(config());
      limits = SubscriptionPolicy.Limits.from(settings);
      listingsFile = settings.getString(ConfigKeys.SYMBOLS_LISTINGS_FILE);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // reading and indexing a listing file is file I/O: off the event loop
    return vertx.executeBlocking(() -> SymbolDirectory.of(ListingLoader.loadConfigured(listingsFile)), false)
        .compose(symbols -> {
          policy = new SubscriptionPolicy(symbols, limits);
          log.info("subscription policy ready: {} symbols, limits {}", symbols.size(), limits);
          EventBus bus = vertx.eventBus();
          List<MessageConsumer<?>> consumers = List.of(
              bus.<Object>consumer(Addresses.SUBSCRIPTION_CHECK, m -> answer(m, this::check)),
              bus.<Object>consumer(Addresses.SUBSCRIPTION_RELEASED, this::released),
              bus.<Object>consumer(Addresses.SUBSCRIPTION_STATS, m -> answer(m, this::stats)),
              bus.<Object>consumer(Addresses.SYMBOL_SEARCH, m -> answer(m, this::search)));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        });
  }

  /** The policy in use (for tests and diagnostics). */
  SubscriptionPolicy policy() {
    return policy;
  }

  private JsonObject check(JsonObject body) {
    SubscriptionPolicy.Decision decision = policy.check(body);
    stats.added(decision.added());
    return decision.toJson();
  }

  private void released(Message<Object> message) {
    if (message.body() instanceof JsonObject body && body.getValue("channels") instanceof JsonArray channels) {
      stats.released(channels);
    } else {
      log.warn("ignoring malformed {} message: {}", Addresses.SUBSCRIPTION_RELEASED, message.body());
    }
  }

  private JsonObject stats(JsonObject body) {
    return stats.toJson(intField(body, "top", 0, 0, Integer.MAX_VALUE));
  }

  private JsonObject search(JsonObject body) {
    Object suggest = body.getValue("suggest");
    if (suggest != null) {
      if (!(suggest instanceof String text)) {
        throw ProtocolException.badRequest("suggest", "suggest must be a string");
      }
      int max = intField(body, "max", SubscriptionPolicy.SUGGESTIONS, 1, MAX_SUGGESTIONS);
      return new JsonObject().put("suggestions", new JsonArray(
          policy.symbols().suggest(text, max).stream().map(Listing::suggestionText).toList()));
    }
    Object q = body.getValue("q");
    if (q != null && !(q instanceof String)) {
      throw ProtocolException.badRequest("q", "q must be a string");
    }
    int limit = intField(body, "limit", DEFAULT_SEARCH_LIMIT, 1, MAX_SEARCH_LIMIT);
    JsonArray results = new JsonArray();
    policy.symbols().search((String) q, limit).forEach(l -> results.add(l.toJson()));
    return new JsonObject().put("results", results);
  }

  /** An optional integer field clamped to [min, max]; a non-integer is BAD_REQUEST. */
  private static int intField(JsonObject body, String field, int dflt, int min, int max) {
    Object v = body.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ProtocolException.badRequest(field, field + " must be an integer");
    }
    return (int) Math.max(min, Math.min(max, n.longValue()));
  }

  /** Replies with the handler's result, or {@code {"error":..}}: protocol errors as they are, bugs as INTERNAL. */
  private static void answer(Message<Object> message, Function<JsonObject, JsonObject> handler) {
    JsonObject reply;
    try {
      Object body = message.body();
      if (body != null && !(body instanceof JsonObject)) {
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "the request body must be a JSON object");
      }
      reply = handler.apply(body == null ? new JsonObject() : (JsonObject) body);
    } catch (ProtocolException e) {
      reply = new JsonObject().put("error", e.toJson());
    } catch (RuntimeException e) {
      log.error("{} failed on {}", message.address(), message.body(), e);
      reply = new JsonObject().put("error",
          new ProtocolException(ErrorCode.INTERNAL, "internal error").toJson());
    }
    message.reply(reply);
  }
}
