package io.quotecast.peers.market;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The peers' update generator, paced like Quotecast's simulator: every tick adds {@code updatesPerSecond * tickMs /
 * 1000} to a carry and makes that many whole updates, each for a symbol picked by {@link ZipfActivity}. A late timer
 * therefore makes fewer updates, as in Quotecast. Each update is one {@code quote} envelope with a per-channel
 * {@code seq}; {@code ts} and {@code data.time} are both the tick's wall time (epoch ms). Not thread-safe.
 */
public final class QuoteMarket {
  private final List<Listing> listings;
  private final SymbolQuote[] quotes;
  private final String[] channels;
  private final Map<String, Integer> channelIndex;
  private final long[] seq;
  private final SplittableRandom random;
  private final ZipfActivity activity;
  private final double updatesPerTick;
  private double carry;
  private final StringBuilder sb = new StringBuilder(768);

  public QuoteMarket(List<Listing> listings, double updatesPerSecond, long tickMs, double skew, long seed) {
    this.listings = List.copyOf(listings);
    this.random = new SplittableRandom(seed);
    this.activity = new ZipfActivity(listings.size(), skew, random);
    this.updatesPerTick = updatesPerSecond * tickMs / 1000.0;
    int n = listings.size();
    quotes = new SymbolQuote[n];
    channels = new String[n];
    seq = new long[n];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      quotes[i] = new SymbolQuote(listings.get(i));
      quotes[i].step(random); // a book from the start
      channels[i] = "quote:" + listings.get(i).symbol();
      index.put(channels[i], i);
    }
    channelIndex = Map.copyOf(index);
  }

  public List<Listing> listings() {
    return listings;
  }

  /** Index of {@code quote:<symbol>} (canonical upper case), or -1. Safe from any thread: the map never changes. */
  public int channelIndex(String channel) {
    Integer i = channelIndex.get(channel);
    return i == null ? -1 : i;
  }

  /** {@code quote:<symbol>} of symbol {@code i}. */
  public String channel(int i) {
    return channels[i];
  }

  /** The updates of one tick at wall time {@code now}. */
  public List<QuoteUpdate> tick(long now) {
    carry += updatesPerTick;
    int n = (int) carry;
    carry -= n;
    List<QuoteUpdate> out = new ArrayList<>(n);
    for (int u = 0; u < n; u++) {
      out.add(update(activity.pick(random), now));
    }
    return out;
  }

  private QuoteUpdate update(int i, long now) {
    quotes[i].step(random);
    long s = ++seq[i];
    sb.setLength(0);
    sb.append("{\"type\":\"quote\",\"ts\":").append(now).append(",\"ch\":\"").append(channels[i])
        .append("\",\"seq\":").append(s).append(",\"data\":");
    quotes[i].appendJson(sb, now);
    sb.append('}');
    return new QuoteUpdate(i, channels[i], s, sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}
