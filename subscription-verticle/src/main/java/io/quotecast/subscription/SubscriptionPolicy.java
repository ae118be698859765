package io.quotecast.subscription;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.Listing;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.Scopes;
import io.quotecast.common.auth.TierLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * "May this connection subscribe to these channels?" — pure logic, no Vert.x runtime. The caller (see
 * {@link Caller}) supplies who is asking: the connection's principal, the limits of its tier, the channels already
 * counted for the connection and its user's total on this node.
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>{@code channels} must be an array (else BAD_REQUEST, field {@code channels}); {@code existing}, when present,
 *       must be an array (else BAD_REQUEST, field {@code existing}) but is otherwise ignored (see below); {@code freq},
 *       when present, must be one of {@link Freq#wireNames()} (else the whole request fails INVALID_CHANNEL with
 *       {@code allowed}).</li>
 *   <li>More than {@code limits.channelsPerRequest} entries in {@code channels} fail the whole request with
 *       LIMIT_EXCEEDED, {@code limit: "channelsPerRequest"}.</li>
 *   <li>Each channel is parsed on its own: a bad type or interval is rejected INVALID_CHANNEL (with {@code allowed}), a
 *       malformed symbol INVALID_SYMBOL with up to {@value #SUGGESTIONS} {@code suggestions}. Rejected entries carry
 *       the raw client text as {@code ch}; the parser's internal {@code symbol} extra is dropped.</li>
 *   <li>Channels are deduplicated on their canonical key ({@code quote:600519.sh} = {@code quote:600519.SH}); accepted
 *       entries carry the canonical key.</li>
 *   <li>A channel whose type's scope ({@link Scopes#forType}) the user lacks is rejected FORBIDDEN with
 *       {@code required} (the scope) — also when it is already subscribed: the request is the current user's. Then a
 *       well-formed symbol that is not listed is rejected INVALID_SYMBOL with {@code suggestions}.</li>
 *   <li>Channels already counted for the connection ({@link Caller#existing}) are accepted with {@code existing: true}
 *       and do not count toward any limit. The caller's counted set is authoritative: the request's own
 *       {@code existing} list (the gateway's view, which can lag a check still in flight) is not trusted, so a
 *       channel can never be counted twice for one connection, nor skipped because the gateway claims it.</li>
 *   <li>When the request adds new channels and {@code existing + new > tier.subscriptionsPerConnection}, the whole
 *       request fails LIMIT_EXCEEDED with {@code limit: "subscriptionsPerConnection"}, {@code max}, {@code current}
 *       (counted for the connection) and {@code requested} (new channels). Rejected channels never count.</li>
 *   <li>When {@code userSubscriptions + new > tier.subscriptionsPerUser}, the whole request fails LIMIT_EXCEEDED with
 *       {@code limit: "subscriptionsPerUser"}, {@code max}, {@code current} (the user's count over all of its
 *       connections: exact on this node plus the other nodes' as last read, see {@link ClusterUsage}) and
 *       {@code requested}.</li>
 *   <li>The accepted freq is the requested one (default {@code realtime}) raised to {@code tier.minFreq}.</li>
 * </ol>
 * Whole-request failures are thrown as {@link ProtocolException}.
 */
public final class SubscriptionPolicy {
  /** Suggestions per rejected symbol (PROTOCOL.md §5: up to 5). */
  public static final int SUGGESTIONS = 5;

  /** The node-wide limits and the tier table. */
  public record Limits(int channelsPerRequest, Map<String, TierLimits> tiers) {
    public Limits {
      tiers = Map.copyOf(tiers);
    }

    /** {@code limits.channelsPerRequest} and the {@code tiers} table; an invalid value fails naming its key. */
    public static Limits from(Settings settings) {
      int perRequest = settings.getInt(ConfigKeys.LIMITS_CHANNELS_PER_REQUEST);
      if (perRequest < 1) {
        throw new IllegalArgumentException("config key " + ConfigKeys.LIMITS_CHANNELS_PER_REQUEST
            + ": expected a positive integer, got " + perRequest);
      }
      return new Limits(perRequest, TierLimits.table(settings));
    }

    /**
     * The limits of a tier. A tier missing from the table (or null) gets the lowest one, {@link TierLimits#FREE}:
     * least privilege; the reply's {@code limits.tier} shows the tier actually applied.
     */
    public TierLimits tier(String name) {
      TierLimits t = name == null ? null : tiers.get(name);
      return t != null ? t : tiers.get(TierLimits.NAMES.get(0));
    }

    /** True when {@code name} is a tier of the table. */
    public boolean knows(String name) {
      return name != null && tiers.containsKey(name);
    }
  }

  /**
   * Who is asking.
   *
   * @param user the connection's principal (its scopes gate channel types)
   * @param tier the limits of the principal's tier
   * @param existing the canonical channel keys counted for the connection
   * @param userSubscriptions the subscriptions counted for the principal's user on this node (including
   *     {@code existing})
   */
  public record Caller(Principal user, TierLimits tier, Set<String> existing, int userSubscriptions) {}

  /** One accepted channel: its canonical key, the freq it will be delivered at, and whether it was already subscribed. */
  public record Accepted(ChannelKey channel, Freq freq, boolean existing) {
    public JsonObject toJson() {
      return new JsonObject().put("ch", channel.toString()).put("freq", freq.wire()).put("existing", existing);
    }
  }

  /** The answer to a check that did not fail as a whole. */
  public record Decision(List<Accepted> accepted, List<JsonObject> rejected) {
    /** The accepted channels that were not subscribed before: the ones that count as new subscriptions. */
    public List<ChannelKey> added() {
      return accepted.stream().filter(a -> !a.existing()).map(Accepted::channel).toList();
    }

    public JsonObject toJson() {
      JsonArray acc = new JsonArray();
      accepted.forEach(a -> acc.add(a.toJson()));
      return new JsonObject().put("accepted", acc).put("rejected", new JsonArray(new ArrayList<>(rejected)));
    }
  }

  private final SymbolDirectory symbols;
  private final Limits limits;

  public SubscriptionPolicy(SymbolDirectory symbols, Limits limits) {
    this.symbols = symbols;
    this.limits = limits;
  }

  public SymbolDirectory symbols() {
    return symbols;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Checks a request body {@code {"connectionId":..,"channels":[..],"existing":[..]?,"freq":".."?}} for a caller.
   *
   * @throws ProtocolException when the whole request fails (BAD_REQUEST, INVALID_CHANNEL for the freq, LIMIT_EXCEEDED)
   */
  public Decision check(JsonObject request, Caller caller) {
    if (request == null) {
      throw ProtocolException.badRequest("channels", "the request must be a JSON object with channels");
    }
    Object channels = request.getValue("channels");
    if (!(channels instanceof JsonArray array)) {
      throw ProtocolException.badRequest("channels", "channels must be an array of channel keys");
    }
    Object existing = request.getValue("existing");
    if (existing != null && !(existing instanceof JsonArray)) {
      throw ProtocolException.badRequest("existing", "existing must be an array of channel keys");
    }
    Object freq = request.getValue("freq");
    if (freq != null && !(freq instanceof String)) {
      throw invalidFreq(String.valueOf(freq));
    }
    List<String> raw = new ArrayList<>(array.size());
    array.forEach(v -> raw.add(v == null ? null : String.valueOf(v)));
    return check(raw, (String) freq, caller);
  }

  /**
   * Checks raw client channel strings for a caller.
   *
   * @param freq the requested freq, null for realtime
   */
  public Decision check(List<String> channels, String freq, Caller caller) {
    Freq requested = freq == null ? Freq.REALTIME : Freq.fromWire(freq.trim());
    if (requested == null) {
      throw invalidFreq(freq);
    }
    TierLimits tier = caller.tier();
    Freq effective = requested.atLeast(tier.minFreq());
    Set<String> current = caller.existing();
    if (channels.size() > limits.channelsPerRequest()) {
      throw limitExceeded("channelsPerRequest", limits.channelsPerRequest(), current.size(), channels.size(),
          "at most " + limits.channelsPerRequest() + " channels per request, got " + channels.size());
    }

    List<Accepted> accepted = new ArrayList<>();
    List<JsonObject> rejected = new ArrayList<>();
    Set<ChannelKey> seen = new HashSet<>();
    Set<String> seenRejected = new HashSet<>();
    int added = 0;
    for (String text : channels) {
      ChannelKey key;
      try {
        key = ChannelKey.parse(text);
      } catch (ProtocolException e) {
        if (seenRejected.add(String.valueOf(text))) {
          rejected.add(rejection(text, e));
        }
        continue;
      }
      if (!seen.add(key)) {
        continue;
      }
      String scope = Scopes.forType(key.type());
      if (!caller.user().hasScope(scope)) {
        rejected.add(new JsonObject().put("ch", text).put("code", ErrorCode.FORBIDDEN.name())
            .put("message", "channel " + key + " requires scope " + scope).put("required", scope));
        continue;
      }
      if (symbols.get(key.symbol()) == null) {
        ProtocolException e = new ProtocolException(ErrorCode.INVALID_SYMBOL, "unknown symbol " + key.symbol(),
            new JsonObject().put("symbol", key.symbol()));
        rejected.add(rejection(text, e));
        continue;
      }
      boolean isExisting = current.contains(key.toString());
      if (!isExisting) {
        added++;
      }
      accepted.add(new Accepted(key, effective, isExisting));
    }
    if (added > 0) {
      int max = tier.subscriptionsPerConnection();
      if (current.size() + added > max) {
        throw limitExceeded("subscriptionsPerConnection", max, current.size(), added,
            "at most " + max + " subscriptions per connection: " + current.size() + " subscribed, " + added
                + " more requested");
      }
      int perUser = tier.subscriptionsPerUser();
      int userCurrent = caller.userSubscriptions();
      if (userCurrent + added > perUser) {
        throw limitExceeded("subscriptionsPerUser", perUser, userCurrent, added,
            "at most " + perUser + " subscriptions per user: " + userCurrent + " subscribed, " + added
                + " more requested");
      }
    }
    return new Decision(List.copyOf(accepted), List.copyOf(rejected));
  }

  /** Suggestions for a symbol text as {@code 600519.SH 贵州茅台}, best first. */
  public List<String> suggestions(String symbolText) {
    return symbols.suggest(symbolText, SUGGESTIONS).stream().map(Listing::suggestionText).toList();
  }

  private JsonObject rejection(String ch, ProtocolException e) {
    JsonObject json = e.toJson();
    if (e.code() == ErrorCode.INVALID_SYMBOL) {
      Object symbol = json.remove("symbol");
      json.put("suggestions", new JsonArray(suggestions(symbol == null ? "" : symbol.toString())));
    }
    return new JsonObject().put("ch", ch).mergeIn(json);
  }

  private static ProtocolException invalidFreq(String freq) {
    return new ProtocolException(ErrorCode.INVALID_CHANNEL, "unknown freq '" + freq + "'",
        new JsonObject().put("allowed", new JsonArray(Freq.wireNames())));
  }

  static ProtocolException limitExceeded(String limit, int max, int current, int requested, String message) {
    return new ProtocolException(ErrorCode.LIMIT_EXCEEDED, message,
        new JsonObject().put("limit", limit).put("max", max).put("current", current).put("requested", requested));
  }
}
