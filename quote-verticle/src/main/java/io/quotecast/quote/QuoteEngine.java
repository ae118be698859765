package io.quotecast.quote;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.KlineInterval;
import io.quotecast.common.Listing;
import io.quotecast.common.Publication;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything the quote verticle does, without Vert.x: owns the simulator, the bar aggregators and histories and the
 * channel states; turns simulator updates into publications (quote; plus trade and the six klines when a trade
 * happened) and hands each to a {@link Sink}. Single-threaded: call it from one thread (the verticle's event loop)
 * after construction.
 *
 * <p>In a cluster each symbol is produced by one node: the engine produces only the symbols it {@link #owns owns}
 * (all of them after construction). {@link #release} stops a symbol; {@link #takeOver} starts it again from the last
 * publications another node left, under a new epoch.
 *
 * <p>The market moves either by the simulator ({@link #generate}) or, after {@link #feedDriven()}, by an upstream
 * feed's ticks ({@link #apply}); both make the same publications, so clients cannot tell them apart.
 */
public final class QuoteEngine {
  private static final KlineInterval[] INTERVALS = KlineInterval.values();

  /** Receives every publication, in order, with its channel. */
  @FunctionalInterface
  public interface Sink {
    void accept(ChannelState channel, Publication publication);
  }

  private final MarketSimulator simulator;
  private final SessionClock clock;
  private final String epoch;
  private final int n;
  private final String[] symbols;
  private final String[] quotePrefix;
  private final ChannelState[] quoteChannels;
  private final ChannelState[] tradeChannels;
  private final ChannelState[][] klineChannels;
  private final BarAggregator[] aggregators;
  private final BarSeries[][] history;
  private final boolean[] owned;
  private final QualityBook quality;
  /** The simulator's per-symbol source sequence numbers (what a feed's {@code seq} is), for the quality report. */
  private final long[] sourceSeq;
  /** An injected per-symbol fault: the simulator makes no updates for the symbol before this time. */
  private final long[] silentUntil;
  /** False once a feed drives the market: no simulated updates, no made-up auction matches. */
  private boolean synthetic = true;
  private TradingPhase lastPhase;
  private long lastDay;
  private long lastMinute;

  /** Builds the market and backfills the history (the slow part: call it off the event loop for big universes). */
  public QuoteEngine(List<Listing> listings, QuoteConfig config, long seed, String epoch, long now) {
    this.clock = new SessionClock(config.mode());
    this.simulator = new MarketSimulator(listings, clock, config.skew(), seed, now);
    this.epoch = epoch;
    this.n = simulator.size();
    this.symbols = new String[n];
    this.quotePrefix = new String[n];
    this.quoteChannels = new ChannelState[n];
    this.tradeChannels = new ChannelState[n];
    this.klineChannels = new ChannelState[n][INTERVALS.length];
    this.aggregators = new BarAggregator[n];
    this.history = new BarSeries[n][];
    this.owned = new boolean[n];
    java.util.Arrays.fill(owned, true);
    this.quality = new QualityBook(n, config.qualityStaleMs(), config.qualityStaleFactor(), now,
        clock.phase(now).active());
    this.sourceSeq = new long[n];
    this.silentUntil = new long[n];
    // the configured seed, not the per-process one: every quote node must backfill the same history, so REST klines
    // agree whichever node owns the symbol
    HistoryBackfill backfill = new HistoryBackfill(config.dailyBars(), config.minuteBars(), config.seed());
    LocalDate today = KlineInterval.tradingDate(now);
    for (int i = 0; i < n; i++) {
      Listing l = simulator.listings().get(i);
      String s = l.symbol();
      symbols[i] = s;
      quotePrefix[i] = PayloadEncoder.quotePrefix(l);
      quoteChannels[i] = new ChannelState(ChannelKey.quote(s), epoch, config.historyQuote());
      tradeChannels[i] = new ChannelState(ChannelKey.trade(s), epoch, config.historyTrade());
      for (KlineInterval k : INTERVALS) {
        klineChannels[i][k.ordinal()] = new ChannelState(ChannelKey.kline(k, s), epoch, config.historyKline());
      }
      aggregators[i] = new BarAggregator();
      history[i] = backfill.newSeries();
      backfill.fill(l, i, today, history[i]);
    }
    this.lastPhase = clock.phase(now);
    this.lastDay = SessionClock.epochDay(now);
    this.lastMinute = Math.floorDiv(now, 60_000L);
  }

  public MarketSimulator simulator() {
    return simulator;
  }

  /** What became of a feed tick given to {@link #apply}. */
  enum FeedOutcome {
    APPLIED,
    /** The symbol is produced by another quote node (its bucket is not ours): skipped. */
    NOT_OWNED,
    /** A price outside the symbol's daily limits. */
    OUTSIDE_LIMITS,
    /** A book whose best bid is not below its best ask (after keeping a side the tick did not send). */
    CROSSED
  }

  /**
   * Hands the market to an upstream feed: from now on prices, trades and books come only from {@link #apply}; the
   * made-up books of the listings are cleared and auction ends make no matches (the feed reports its own). Call once,
   * before the engine is used.
   */
  public void feedDriven() {
    synthetic = false;
    simulator.feedDriven();
  }

  /**
   * Applies a feed's trade or book at {@code now}, as {@link #generate} applies a simulated update: the quote, and
   * for a trade the trade and the six klines. Only for an owned symbol, within its daily limits.
   *
   * <p>The tick's time is the feed's, held within bounds so that bars stay consistent: never before the symbol's
   * previous update (time does not run backwards per symbol), never before the minute the clock is in (a late tick
   * cannot reopen a bar the clock closed), never after {@code now}.
   */
  FeedOutcome apply(FeedTick tick, long now, Sink sink) {
    int i;
    if (tick instanceof FeedTick.TradeTick t) {
      i = t.index();
    } else if (tick instanceof FeedTick.BookTick b) {
      i = b.index();
    } else {
      throw new IllegalArgumentException("not a market tick: " + tick);
    }
    if (!owned[i]) {
      return FeedOutcome.NOT_OWNED;
    }
    quality.sourceSeq(i, tick instanceof FeedTick.TradeTick t ? t.seq() : ((FeedTick.BookTick) tick).seq());
    quality.sourceTime(i, tick.time());
    SymbolState s = simulator.state(i);
    long time = Math.min(now, Math.max(tick.time(), Math.max(s.time(), lastMinute * 60_000L)));
    simulator.rollDay(i, time); // a new day first: today's limits are what the tick must respect
    if (tick instanceof FeedTick.TradeTick t) {
      if (t.price() < s.limitDown() || t.price() > s.limitUp()) {
        quality.reject(i, QualityBook.Invalid.LIMIT_BREACH);
        return FeedOutcome.OUTSIDE_LIMITS;
      }
      Trade trade = simulator.applyTrade(i, t.price(), t.size(), t.side(), time);
      publishQuote(i, clock.phase(time), time, sink);
      onTrade(i, trade, sink);
      quality.updated(i, now, true);
    } else {
      FeedTick.BookTick b = (FeedTick.BookTick) tick;
      if (!withinLimits(b.bids(), s) || !withinLimits(b.asks(), s)) {
        quality.reject(i, QualityBook.Invalid.LIMIT_BREACH);
        return FeedOutcome.OUTSIDE_LIMITS;
      }
      long bestBid = b.bids() != null ? best(b.bids()) : s.bidLevels() > 0 ? s.bidPrice(0) : -1;
      long bestAsk = b.asks() != null ? best(b.asks()) : s.askLevels() > 0 ? s.askPrice(0) : -1;
      if (bestBid >= 0 && bestAsk >= 0 && bestBid >= bestAsk) {
        quality.reject(i, QualityBook.Invalid.CROSSED_BOOK);
        return FeedOutcome.CROSSED;
      }
      simulator.applyBook(i, b.bids(), b.asks(), time);
      publishQuote(i, clock.phase(time), time, sink);
      quality.updated(i, now, false);
    }
    return FeedOutcome.APPLIED;
  }

  /**
   * A feed message about symbol {@code i} that the parser refused (its {@code seq}, 0 if none): counted in the quality
   * figures when this engine produces the symbol (every node of a cluster sees every message; the owner counts it).
   */
  void rejected(int i, long seq, FeedCounters.Reason reason) {
    if (!owned[i]) {
      return;
    }
    quality.sourceSeq(i, seq);
    quality.reject(i, reason == FeedCounters.Reason.MALFORMED ? QualityBook.Invalid.MALFORMED
        : QualityBook.Invalid.OUT_OF_RANGE);
  }

  /** The per-symbol data-quality figures of the symbols this engine produces. */
  QualityBook quality() {
    return quality;
  }

  /**
   * An injected fault (simulator only): the source skips {@code count} sequence numbers of symbol {@code i}, so its
   * next update arrives after a gap.
   */
  void skipSourceSeq(int i, long count) {
    sourceSeq[i] += Math.max(0, count);
  }

  /** An injected fault (simulator only): no updates for symbol {@code i} before {@code until}. */
  void silence(int i, long until) {
    silentUntil[i] = until;
  }

  private static boolean withinLimits(FeedTick.Levels side, SymbolState s) {
    if (side == null) {
      return true;
    }
    for (int k = 0; k < side.count(); k++) {
      if (side.prices()[k] < s.limitDown() || side.prices()[k] > s.limitUp()) {
        return false;
      }
    }
    return true;
  }

  private static long best(FeedTick.Levels side) {
    return side.count() > 0 ? side.prices()[0] : -1;
  }

  public String epoch() {
    return epoch;
  }

  public int size() {
    return n;
  }

  /** Index of a canonical symbol, or -1. */
  public int indexOf(String symbol) {
    return simulator.indexOf(symbol);
  }

  /** The channel state of a key, or null for an unknown symbol. */
  public ChannelState channel(ChannelKey key) {
    int i = indexOf(key.symbol());
    if (i < 0) {
      return null;
    }
    return switch (key.type()) {
      case QUOTE -> quoteChannels[i];
      case TRADE -> tradeChannels[i];
      case KLINE -> klineChannels[i][key.interval().ordinal()];
    };
  }

  /** Closed bars held for a symbol (backfill plus live), by interval. */
  public BarSeries history(int index, KlineInterval interval) {
    return history[index][interval.ordinal()];
  }

  public BarAggregator aggregator(int index) {
    return aggregators[index];
  }

  /** Whether this engine produces symbol {@code i}. */
  public boolean owns(int i) {
    return owned[i];
  }

  /** How many symbols this engine produces. */
  public int ownedCount() {
    int c = 0;
    for (boolean o : owned) {
      c += o ? 1 : 0;
    }
    return c;
  }

  /** The eight channels of symbol {@code i}: quote, trade, then the klines in {@link KlineInterval} order. */
  public List<ChannelState> channels(int i) {
    List<ChannelState> out = new ArrayList<>(2 + INTERVALS.length);
    out.add(quoteChannels[i]);
    out.add(tradeChannels[i]);
    for (ChannelState ch : klineChannels[i]) {
      out.add(ch);
    }
    return out;
  }

  /**
   * Stops producing the symbols at {@code indices} (nothing is published for them afterwards; their channels keep their latest
   * publications and history, frozen). Returns their channels, for the caller to hand their latest state over.
   */
  public List<ChannelState> release(int[] indices) {
    List<ChannelState> out = new ArrayList<>(indices.length * (2 + INTERVALS.length));
    for (int i : indices) {
      owned[i] = false;
      out.addAll(channels(i));
    }
    return out;
  }

  /**
   * Starts producing the symbols at {@code indices} under a new {@code epoch}, continuing from {@code snapshots} (channel key text ->
   * the last publication another node made; missing entries: continue from this engine's own state, the listing on a
   * first start). Each symbol's channels restart (seq 1, empty history) and publish their first publications: the
   * quote, then per interval the bar closed by now, else the open bar, else the latest historical bar.
   */
  public void takeOver(int[] indices, Map<String, Publication> snapshots, String epoch, long now, Sink sink) {
    TradingPhase phase = clock.phase(now);
    for (int i : indices) {
      restore(i, snapshots);
      for (ChannelState ch : channels(i)) {
        ch.restart(epoch);
      }
      owned[i] = true;
      quality.watch(i, now);
      simulator.rollDay(i, now);
      publishQuote(i, phase, now, sink);
      int index = i;
      aggregators[i].closeDue(now, bar -> onBar(index, bar, now, sink));
      for (KlineInterval k : INTERVALS) {
        ChannelState ch = klineChannels[i][k.ordinal()];
        if (ch.seq() > 0) {
          continue;
        }
        Bar current = aggregators[i].current(k);
        BarSeries s = history[i][k.ordinal()];
        Bar bar = current != null ? current : s.size() > 0 ? s.get(s.size() - 1) : null;
        if (bar != null) {
          sink.accept(ch, ch.publish(PayloadEncoder.kline(symbols[i], bar), now));
        }
      }
    }
  }

  private void restore(int i, Map<String, Publication> snapshots) {
    Publication quote = snapshots.get(quoteChannels[i].key().toString());
    Publication trade = snapshots.get(tradeChannels[i].key().toString());
    long tradesToday = -1;
    for (KlineInterval k : INTERVALS) {
      Publication p = snapshots.get(klineChannels[i][k.ordinal()].key().toString());
      if (p == null) {
        continue;
      }
      Bar bar = SnapshotRestore.bar(new JsonObject(p.data()));
      if (bar.closed()) {
        aggregators[i].discard(k);
        BarSeries s = history[i][k.ordinal()];
        if (s.size() == 0 || s.openTime(s.size() - 1) < bar.openTime()) {
          s.add(bar);
        }
      } else {
        aggregators[i].restore(bar);
        if (k == KlineInterval.D1 && quote != null
            && bar.openTime() == KlineInterval.D1.openTime(quote.sourceTime())) {
          tradesToday = bar.trades();
        }
      }
    }
    if (quote != null) {
      long tradeId = trade == null ? -1
          : new JsonObject(trade.data()).getLong("tradeId", -1L);
      SnapshotRestore.quote(simulator.state(i), new JsonObject(quote.data()), tradesToday, tradeId);
    }
  }

  /**
   * First publications, so every channel with data has a snapshot before the first update: each owned symbol's quote
   * (seq 1), and each kline channel's latest historical bar (closed).
   */
  public void seed(long now, Sink sink) {
    TradingPhase phase = clock.phase(now);
    for (int i = 0; i < n; i++) {
      if (!owned[i]) {
        continue;
      }
      publishQuote(i, phase, now, sink);
      for (KlineInterval k : INTERVALS) {
        BarSeries s = history[i][k.ordinal()];
        if (s.size() > 0) {
          ChannelState ch = klineChannels[i][k.ordinal()];
          sink.accept(ch, ch.publish(PayloadEncoder.kline(symbols[i], s.get(s.size() - 1)), now));
        }
      }
    }
  }

  /**
   * {@code updates} simulator picks at {@code now}; nothing outside active phases. A pick of a symbol this engine does
   * not own is skipped, so a cluster of engines splitting the symbols makes {@code updates} updates in total. Returns
   * the trades made.
   */
  public int generate(int updates, long now, Sink sink) {
    TradingPhase phase = clock.phase(now);
    if (!phase.active() || !synthetic) {
      return 0;
    }
    int trades = 0;
    for (int u = 0; u < updates; u++) {
      int i = simulator.pick();
      if (!owned[i] || silentUntil[i] > now) {
        continue;
      }
      Trade t = simulator.update(i, now);
      quality.sourceSeq(i, ++sourceSeq[i]);
      quality.updated(i, now, t != null);
      publishQuote(i, phase, now, sink);
      if (t != null) {
        onTrade(i, t, sink);
        trades++;
      }
    }
    return trades;
  }

  /**
   * The clock's work, to call often (every 100 ms or so): a new Shanghai date rolls every symbol to a new trading day;
   * the end of an auction runs its match for every symbol; a phase change republishes every quote (the phase is part
   * of it); bars whose close time has passed are finished ({@code closed: true}), also for quiet symbols.
   */
  public void onClock(long now, Sink sink) {
    TradingPhase phase = clock.phase(now);
    long day = SessionClock.epochDay(now);
    boolean newDay = day > lastDay;
    boolean phaseChanged = phase != lastPhase;
    boolean match = (lastPhase == TradingPhase.CALL_AUCTION || lastPhase == TradingPhase.CLOSING_AUCTION)
        && phaseChanged && !newDay && synthetic;
    if (newDay || phaseChanged) {
      for (int i = 0; i < n; i++) {
        if (!owned[i]) {
          continue;
        }
        simulator.rollDay(i, now);
        Trade t = match ? simulator.auctionMatch(i, now) : null;
        publishQuote(i, phase, now, sink);
        if (t != null) {
          onTrade(i, t, sink);
          quality.updated(i, now, true);
        }
      }
    }
    if (newDay) {
      quality.newDay(now);
    }
    if (phaseChanged) {
      quality.phase(phase.active(), now);
    }
    lastDay = Math.max(lastDay, day);
    lastPhase = phase;
    long minute = Math.floorDiv(now, 60_000L);
    if (minute > lastMinute) {
      lastMinute = minute;
      for (int i = 0; i < n; i++) {
        if (!owned[i]) {
          continue;
        }
        int index = i;
        aggregators[i].closeDue(now, bar -> onBar(index, bar, now, sink));
      }
    }
  }

  private void publishQuote(int i, TradingPhase phase, long now, Sink sink) {
    ChannelState ch = quoteChannels[i];
    sink.accept(ch, ch.publish(PayloadEncoder.quote(quotePrefix[i], simulator.state(i), phase, now), now));
  }

  private void onTrade(int i, Trade t, Sink sink) {
    ChannelState ch = tradeChannels[i];
    sink.accept(ch, ch.publish(PayloadEncoder.trade(symbols[i], t), t.time()));
    aggregators[i].onTrade(t.time(), t.price(), t.volume(), bar -> onBar(i, bar, t.time(), sink));
  }

  private void onBar(int i, Bar bar, long time, Sink sink) {
    int k = bar.interval().ordinal();
    if (bar.closed()) {
      history[i][k].add(bar);
    }
    ChannelState ch = klineChannels[i][k];
    sink.accept(ch, ch.publish(PayloadEncoder.kline(symbols[i], bar), time));
  }

  /**
   * A JSON array text of kline payloads, oldest first: the last {@code limit} bars with {@code openTime <= end} —
   * closed history (backfill and live) plus the current open bar. Null for an unknown symbol.
   */
  public String klines(String symbol, KlineInterval interval, int limit, long end) {
    int i = indexOf(symbol);
    if (i < 0) {
      return null;
    }
    BarSeries series = history[i][interval.ordinal()];
    int closed = series.countUpTo(end);
    Bar current = aggregators[i].current(interval);
    if (current != null && current.openTime() > end) {
      current = null;
    }
    int total = closed + (current == null ? 0 : 1);
    int from = Math.max(0, total - Math.max(0, limit));
    StringBuilder sb = new StringBuilder(Math.max(2, (total - from) * 230));
    sb.append('[');
    for (int k = from; k < closed; k++) {
      if (k > from) {
        sb.append(',');
      }
      PayloadEncoder.appendKline(sb, symbol, series.get(k));
    }
    if (current != null && total > from) {
      if (total - from > 1) {
        sb.append(',');
      }
      PayloadEncoder.appendKline(sb, symbol, current);
    }
    return sb.append(']').toString();
  }

  /** A JSON array text of the last {@code limit} trade payloads, oldest first. Null for an unknown symbol. */
  public String trades(String symbol, int limit) {
    int i = indexOf(symbol);
    if (i < 0) {
      return null;
    }
    List<Publication> list = tradeChannels[i].history(limit);
    StringBuilder sb = new StringBuilder(2 + list.size() * 130).append('[');
    for (int k = 0; k < list.size(); k++) {
      if (k > 0) {
        sb.append(',');
      }
      sb.append(list.get(k).data());
    }
    return sb.append(']').toString();
  }
}
