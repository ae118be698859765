package io.quotecast.quote;

import io.quotecast.common.Board;
import io.quotecast.common.Listing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic (seeded) market: one {@link SymbolState} per listing, advanced one update at a time. Pure logic, no
 * Vert.x. Rules every update keeps:
 * <ul>
 *   <li>prices on the 0.01 grid within [limitDown, limitUp]; a symbol may drift to a limit and stick there for a while
 *       (at limit-up the ask side is empty and bids pile at the limit; mirrored at limit-down);</li>
 *   <li>trades in lots of 100 shares (STAR: at least 200 shares, then any step of 1), {@code amount = price * volume},
 *       tradeId increasing per symbol; at limit-up trades are sellers hitting the bid pile ({@code sell}), at
 *       limit-down buyers lifting the ask pile ({@code buy}); auction matches are {@code neutral};</li>
 *   <li>a 5-level book, bids descending, asks ascending, every bid below every ask, bid1 &lt;= last &lt;= ask1 in
 *       continuous trading (during auctions the book is built around the indicative price instead), levels beyond a
 *       limit omitted, sizes positive multiples of 100;</li>
 *   <li>open/high/low/last and cumulative volume/amount per Shanghai trading date; a new date resets them and the new
 *       previous close is the last price.</li>
 * </ul>
 * With an upstream feed ({@link #feedDriven()}) the same state is moved by the feed's trades and books instead of by
 * the random walk; the day roll and the counters work as above.
 */
public final class MarketSimulator {
  /** Relative per-update volatility. */
  private static final double SIGMA = 0.0002;
  private static final String PREFERRED = "600519.SH";

  private final List<Listing> listings;
  private final SymbolState[] states;
  private final Map<String, Integer> index = new HashMap<>();
  private final SessionClock clock;
  private final SplittableRandom random;
  private final ActivityPicker picker;
  /** False once an upstream feed drives the market: books come from the feed, never made up. */
  private boolean synthetic = true;

  public MarketSimulator(List<Listing> listings, SessionClock clock, double skew, long seed, long startTime) {
    this.listings = List.copyOf(listings);
    this.clock = clock;
    this.random = new SplittableRandom(seed);
    this.states = new SymbolState[this.listings.size()];
    List<Integer> preferred = new ArrayList<>();
    for (int i = 0; i < states.length; i++) {
      Listing l = this.listings.get(i);
      if (index.putIfAbsent(l.symbol(), i) != null) {
        throw new IllegalArgumentException("duplicate symbol " + l.symbol());
      }
      boolean hot = !l.symbol().equals(PREFERRED) && random.nextInt(20) == 0;
      states[i] = new SymbolState(l, hot);
      states[i].epochDay = SessionClock.epochDay(startTime);
      states[i].time = startTime;
      rebuildBook(states[i], states[i].last);
      if (l.symbol().equals(PREFERRED)) {
        preferred.add(i);
      }
    }
    this.picker = new ActivityPicker(states.length, skew, random,
        preferred.stream().mapToInt(Integer::intValue).toArray());
  }

  public int size() {
    return states.length;
  }

  public List<Listing> listings() {
    return listings;
  }

  public SymbolState state(int i) {
    return states[i];
  }

  /** Index of a canonical symbol, or -1. */
  public int indexOf(String symbol) {
    Integer i = index.get(symbol);
    return i == null ? -1 : i;
  }

  public SessionClock clock() {
    return clock;
  }

  public ActivityPicker picker() {
    return picker;
  }

  /** The symbol of the next update, by activity weight. */
  public int pick() {
    return picker.pick(random);
  }

  /**
   * Starts a new trading day when {@code time} falls on a later Shanghai date than the symbol's state: the previous
   * close becomes the last price, limits follow, the day's counters reset. Returns whether it rolled.
   */
  public boolean rollDay(int i, long time) {
    SymbolState s = states[i];
    long day = SessionClock.epochDay(time);
    if (day <= s.epochDay) {
      return false;
    }
    s.epochDay = day;
    s.setPreClose(s.last);
    s.time = time;
    if (synthetic) {
      rebuildBook(s, s.last);
    } else {
      s.clearBook(); // yesterday's orders are gone; the feed sends today's book
    }
    return true;
  }

  /**
   * Hands the market to an upstream feed ({@link QuoteEngine#feedDriven()}): the made-up books are cleared and a new
   * day starts with an empty book. {@link #update} and {@link #auctionMatch} must no longer be called.
   */
  public void feedDriven() {
    synthetic = false;
    for (SymbolState s : states) {
      s.clearBook();
    }
  }

  /**
   * Applies a trade reported by an upstream feed: price and volume as given (the caller checked the limits), the
   * day's counters and tradeId as for a simulated trade.
   */
  Trade applyTrade(int i, long price, long volume, Side side, long time) {
    SymbolState s = states[i];
    rollDay(i, time);
    s.time = Math.max(s.time, time);
    return s.recordTrade(i, price, volume, side, time);
  }

  /**
   * Applies a book reported by an upstream feed; a null side keeps its current levels. The caller checked the levels
   * (sorted, within the limits, not crossed).
   */
  void applyBook(int i, FeedTick.Levels bids, FeedTick.Levels asks, long time) {
    SymbolState s = states[i];
    rollDay(i, time);
    s.time = Math.max(s.time, time);
    if (bids != null) {
      s.setBids(bids.prices(), bids.sizes(), bids.count());
    }
    if (asks != null) {
      s.setAsks(asks.prices(), asks.sizes(), asks.count());
    }
  }

  /**
   * One update of symbol {@code i} at {@code time} in the phase the clock gives: a trade (returned) or a book change
   * in continuous trading, an indicative update during auctions (null), nothing in other phases (null).
   */
  public Trade update(int i, long time) {
    TradingPhase phase = clock.phase(time);
    SymbolState s = states[i];
    rollDay(i, time);
    if (time > s.time) {
      s.time = time;
    }
    if (phase.auction()) {
      auctionUpdate(s);
      return null;
    }
    if (!phase.continuousTrading()) {
      return null;
    }
    s.ref = s.last;
    updateRegime(s);
    if (s.stick > 0) {
      return stuckUpdate(i, s, time);
    }
    if (random.nextInt(4) == 0) {
      // a book-only change: orders added or cancelled, no trade
      rebuildBook(s, s.last);
      return null;
    }
    long l = s.last;
    long sigma = Math.max(1, Math.round(l * SIGMA));
    double move = random.nextGaussian() * sigma;
    if (s.regime != 0) {
      move += s.regime * sigma * 1.2;
    } else {
      long half = Math.max(1, s.limitUp - s.preClose);
      move -= 0.3 * sigma * (l - s.preClose) / half;
    }
    long step = Math.round(move);
    if (l >= s.limitUp) {
      step = -Math.abs(step) - 1; // just released from limit-up
    } else if (l <= s.limitDown) {
      step = Math.abs(step) + 1;
    }
    long price = Math.max(s.limitDown, Math.min(s.limitUp, l + step));
    Side side = price > l ? Side.BUY : price < l ? Side.SELL
        : random.nextInt(10) == 0 ? Side.NEUTRAL : random.nextBoolean() ? Side.BUY : Side.SELL;
    if (price == s.limitUp || price == s.limitDown) {
      s.stick = s.regime != 0 ? 200 + random.nextInt(3000) : 10 + random.nextInt(200);
    }
    Trade t = trade(i, s, price, volume(s), side, time);
    rebuildBook(s, price);
    return t;
  }

  /**
   * The auction's single match at its end (09:25 opening, 15:00 closing): one neutral trade at the indicative price
   * for the volume gathered during the auction (at least one lot).
   */
  public Trade auctionMatch(int i, long time) {
    SymbolState s = states[i];
    rollDay(i, time);
    if (time > s.time) {
      s.time = time;
    }
    long price = Math.max(s.limitDown, Math.min(s.limitUp, s.ref));
    long volume = Math.max(s.auctionVolume, volume(s));
    s.auctionVolume = 0;
    Trade t = trade(i, s, price, volume, Side.NEUTRAL, time);
    s.stick = 0;
    rebuildBook(s, price);
    return t;
  }

  private Trade stuckUpdate(int i, SymbolState s, long time) {
    s.stick--;
    long price = s.last;
    Trade t = null;
    if (random.nextInt(5) < 3) {
      t = trade(i, s, price, volume(s), price >= s.limitUp ? Side.SELL : Side.BUY, time);
    }
    if (s.stick == 0) {
      s.regime = 0; // the board breaks on the next update
    }
    rebuildBook(s, price);
    return t;
  }

  private void auctionUpdate(SymbolState s) {
    long sigma = Math.max(1, Math.round(s.ref * SIGMA));
    long step = Math.round(random.nextGaussian() * sigma + s.regime * sigma * 0.5);
    s.ref = Math.max(s.limitDown, Math.min(s.limitUp, s.ref + step));
    s.auctionVolume += volume(s);
    rebuildBook(s, s.ref);
  }

  private void updateRegime(SymbolState s) {
    if (s.regime != 0) {
      if (--s.regimeLeft <= 0 && s.stick == 0) {
        s.regime = 0;
      }
    } else if (s.stick == 0 && random.nextInt(s.hot ? 2_500 : 400_000) == 0) {
      s.regime = random.nextBoolean() ? 1 : -1;
      s.regimeLeft = 1_000 + random.nextInt(4_000);
    }
  }

  private Trade trade(int i, SymbolState s, long price, long volume, Side side, long time) {
    return s.recordTrade(i, price, volume, side, time);
  }

  /** Shares of one trade: lots of 100, or for STAR at least 200 then any step of 1; smaller for dearer stocks. */
  private long volume(SymbolState s) {
    long maxLots = Math.max(5, Math.min(2_000, 2_000_000 / Math.max(1, s.last)));
    long lots = (long) Math.exp(random.nextDouble() * Math.log(maxLots));
    lots = Math.max(1, Math.min(maxLots, lots));
    if (s.listing.board() == Board.STAR) {
      return 200 + random.nextLong(lots * 100);
    }
    return lots * 100;
  }

  private long bookSize() {
    long lots = (long) Math.exp(random.nextDouble() * Math.log(500));
    return Math.max(1, lots) * 100;
  }

  /** A fresh book around {@code price}: bid1 <= price <= ask1, bid1 < ask1, nothing beyond the limits. */
  private void rebuildBook(SymbolState s, long price) {
    long gapMax = Math.max(1, price / 8_000);
    s.bids = 0;
    s.asks = 0;
    if (s.stick > 0 && price >= s.limitUp) {
      s.bidPx[0] = s.limitUp;
      s.bidSz[0] = 100L * (2_000 + random.nextInt(200_000));
      s.bids = 1;
      fillBids(s, s.limitUp - 1 - random.nextLong(gapMax), gapMax);
      return;
    }
    if (s.stick > 0 && price <= s.limitDown) {
      s.askPx[0] = s.limitDown;
      s.askSz[0] = 100L * (2_000 + random.nextInt(200_000));
      s.asks = 1;
      fillAsks(s, s.limitDown + 1 + random.nextLong(gapMax), gapMax);
      return;
    }
    long a = random.nextLong(gapMax + 1);
    long b = a == 0 ? 1 + random.nextLong(gapMax) : random.nextLong(gapMax + 1);
    fillBids(s, price - a, gapMax);
    fillAsks(s, price + b, gapMax);
  }

  private void fillBids(SymbolState s, long px, long gapMax) {
    while (s.bids < SymbolState.LEVELS && px >= s.limitDown && px >= 1) {
      s.bidPx[s.bids] = px;
      s.bidSz[s.bids] = bookSize();
      s.bids++;
      px -= 1 + random.nextLong(gapMax);
    }
  }

  private void fillAsks(SymbolState s, long px, long gapMax) {
    while (s.asks < SymbolState.LEVELS && px <= s.limitUp) {
      s.askPx[s.asks] = px;
      s.askSz[s.asks] = bookSize();
      s.asks++;
      px += 1 + random.nextLong(gapMax);
    }
  }
}
