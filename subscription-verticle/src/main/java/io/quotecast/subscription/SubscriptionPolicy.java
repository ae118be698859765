package io.quotecast.subscription;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.Listing;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * "May this connection subscribe to these channels?" — pure logic, no Vert.x runtime.
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>{@code channels} must be an array (else BAD_REQUEST, field {@code channels}); {@code freq}, when present, must
 *       be one of {@link Freq#wireNames()} (else the whole request fails INVALID_CHANNEL with {@code allowed}).</li>
 *   <li>More than {@code limits.channelsPerRequest} entries in {@code channels} fail the whole request with
 *       LIMIT_EXCEEDED, {@code limit: "channelsPerRequest"}.</li>
 *   <li>Each channel is parsed on its own: a bad type or interval is rejected INVALID_CHANNEL (with {@code allowed}), a
 *       malformed or unknown symbol INVALID_SYMBOL with up to {@value #SUGGESTIONS} {@code suggestions}. Rejected
 *       entries carry the raw client text as {@code ch}; the parser's internal {@code symbol} extra is dropped.</li>
 *   <li>Channels are deduplicated on their canonical key ({@code quote:600519.sh} = {@code quote:600519.SH}); accepted
 *       entries carry the canonical key. Channels already in {@code existing} are accepted with {@code existing: true}
 *       and do not count toward the limit.</li>
 *   <li>When the request adds new channels and {@code existing + new > limits.subscriptionsPerConnection}, the whole
 *       request fails LIMIT_EXCEEDED with {@code limit: "subscriptionsPerConnection"}, {@code max}, {@code current}
 *       (existing subscriptions) and {@code requested} (new channels). Rejected channels never count.</li>
 *   <li>The accepted freq is the requested one (default {@code realtime}) raised to {@code limits.minFreq}.</li>
 * </ol>
 * Whole-request failures are thrown as {@link ProtocolException}.
 */
public final class SubscriptionPolicy {
  /** Suggestions per rejected symbol (PROTOCOL.md §5: up to 5). */
  public static final int SUGGESTIONS = 5;

  /** The limits the policy enforces. */
  public record Limits(int subscriptionsPerConnection, int channelsPerRequest, Freq minFreq) {
    public static Limits from(Settings settings) {
      return new Limits(settings.getInt(ConfigKeys.LIMITS_SUBSCRIPTIONS_PER_CONNECTION),
          settings.getInt(ConfigKeys.LIMITS_CHANNELS_PER_REQUEST), settings.getFreq(ConfigKeys.LIMITS_MIN_FREQ));
    }
  }

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
   * Checks a request body {@code {"connectionId":..,"channels":[..],"existing":[..],"freq":".."}}.
   *
   * @throws ProtocolException when the whole request fails (BAD_REQUEST, INVALID_CHANNEL for the freq, LIMIT_EXCEEDED)
   */
  public Decision check(JsonObject request) {
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
    List<String> current = new ArrayList<>();
    if (existing != null) {
      ((JsonArray) existing).forEach(v -> current.add(String.valueOf(v)));
    }
    return check(raw, current, (String) freq);
  }

  /**
   * Checks raw client channel strings against a connection's existing subscriptions.
   *
   * @param freq the requested freq, null for realtime
   */
  public Decision check(List<String> channels, Collection<String> existing, String freq) {
    Freq requested = freq == null ? Freq.REALTIME : Freq.fromWire(freq.trim());
    if (requested == null) {
      throw invalidFreq(freq);
    }
    Freq effective = requested.atLeast(limits.minFreq());
    Set<String> current = canonical(existing);
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
    int max = limits.subscriptionsPerConnection();
    if (added > 0 && current.size() + added > max) {
      throw limitExceeded("subscriptionsPerConnection", max, current.size(), added,
          "at most " + max + " subscriptions per connection: " + current.size() + " subscribed, " + added
              + " more requested");
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

  /** Existing channel keys in canonical form (unparsable ones kept as given, so they still count). */
  private static Set<String> canonical(Collection<String> existing) {
    Set<String> out = new LinkedHashSet<>();
    for (String s : existing) {
      try {
        out.add(ChannelKey.parse(s).toString());
      } catch (ProtocolException e) {
        out.add(s);
      }
    }
    return out;
  }

  private static ProtocolException invalidFreq(String freq) {
    return new ProtocolException(ErrorCode.INVALID_CHANNEL, "unknown freq '" + freq + "'",
        new JsonObject().put("allowed", new JsonArray(Freq.wireNames())));
  }

  private static ProtocolException limitExceeded(String limit, int max, int current, int requested, String message) {
    return new ProtocolException(ErrorCode.LIMIT_EXCEEDED, message,
        new JsonObject().put("limit", limit).put("max", max).put("current", current).put("requested", requested));
  }
}
