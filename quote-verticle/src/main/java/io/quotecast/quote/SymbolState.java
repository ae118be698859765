package io.quotecast.quote;

import io.quotecast.common.Listing;
import io.quotecast.common.Price;

/**
 * The market state of one listing for the current trading day. All prices in fen. Mutated only by
 * {@link MarketSimulator} (simulated, or applying an upstream feed's ticks for {@link QuoteEngine}) and
 * {@link SnapshotRestore}; read by encoders and tests. {@link #traded()} is false until the day's first trade; until
 * then {@link #open()}, {@link #high()} and {@link #low()} report the previous close.
 */
public final class SymbolState {
  public static final int LEVELS = 5;

  final Listing listing;
  final int limitPct;
  long epochDay = Long.MIN_VALUE;
  long preClose;
  long limitUp;
  long limitDown;
  long open; // 0 = no trade yet today
  long high;
  long low;
  long last;
  long volume;
  long amount;
  long trades;
  long tradeId;
  /** Indicative price during auctions; equals last in continuous trading. */
  long ref;
  long auctionVolume;
  int regime; // -1 drifting to limit-down, 0 normal, +1 drifting to limit-up
  int regimeLeft;
  int stick; // > 0: updates left stuck at a limit
  final boolean hot;
  long time;

  final long[] bidPx = new long[LEVELS];
  final long[] bidSz = new long[LEVELS];
  final long[] askPx = new long[LEVELS];
  final long[] askSz = new long[LEVELS];
  int bids;
  int asks;

  SymbolState(Listing listing, boolean hot) {
    this.listing = listing;
    this.limitPct = listing.limitPercent();
    this.hot = hot;
    setPreClose(listing.preClose());
  }

  void setPreClose(long preClose) {
    this.preClose = preClose;
    long band = Price.percentOf(preClose, limitPct);
    this.limitUp = preClose + band;
    this.limitDown = Math.max(1, preClose - band);
    this.open = 0;
    this.high = 0;
    this.low = 0;
    this.last = preClose;
    this.ref = preClose;
    this.volume = 0;
    this.amount = 0;
    this.trades = 0;
    this.auctionVolume = 0;
    this.stick = 0;
  }

  /**
   * Books a trade: the day's open/high/low, last, cumulative volume and amount, trade count and the next tradeId.
   * {@code i} is the listing's index, carried in the returned trade.
   */
  Trade recordTrade(int i, long price, long volume, Side side, long when) {
    if (open == 0) {
      open = price;
      high = price;
      low = price;
    } else {
      high = Math.max(high, price);
      low = Math.min(low, price);
    }
    last = price;
    ref = price;
    long value = price * volume;
    this.volume += volume;
    amount += value;
    trades++;
    tradeId++;
    return new Trade(i, tradeId, price, volume, value, side, when);
  }

  /** Replaces the bid side with the first {@code n} levels given (best first). */
  void setBids(long[] px, long[] sz, int n) {
    System.arraycopy(px, 0, bidPx, 0, n);
    System.arraycopy(sz, 0, bidSz, 0, n);
    bids = n;
  }

  /** Replaces the ask side with the first {@code n} levels given (best first). */
  void setAsks(long[] px, long[] sz, int n) {
    System.arraycopy(px, 0, askPx, 0, n);
    System.arraycopy(sz, 0, askSz, 0, n);
    asks = n;
  }

  void clearBook() {
    bids = 0;
    asks = 0;
  }

  public Listing listing() {
    return listing;
  }

  public long preClose() {
    return preClose;
  }

  public long limitUp() {
    return limitUp;
  }

  public long limitDown() {
    return limitDown;
  }

  public boolean traded() {
    return open != 0;
  }

  public long open() {
    return open != 0 ? open : preClose;
  }

  public long high() {
    return open != 0 ? high : preClose;
  }

  public long low() {
    return open != 0 ? low : preClose;
  }

  public long last() {
    return last;
  }

  /** Cumulative volume today, shares. */
  public long volume() {
    return volume;
  }

  /** Cumulative amount today, fen. */
  public long amount() {
    return amount;
  }

  /** Number of trades today. */
  public long trades() {
    return trades;
  }

  public long lastTradeId() {
    return tradeId;
  }

  /** Shanghai epoch day of the current trading day. */
  public long epochDay() {
    return epochDay;
  }

  /** Time of the last update (epoch ms). */
  public long time() {
    return time;
  }

  public long change() {
    return last - preClose;
  }

  /** Change in hundredths of a percent, half-up. */
  public long changePct() {
    return Price.percentChange(last - preClose, preClose);
  }

  public int bidLevels() {
    return bids;
  }

  public int askLevels() {
    return asks;
  }

  public long bidPrice(int level) {
    return bidPx[level];
  }

  public long bidSize(int level) {
    return bidSz[level];
  }

  public long askPrice(int level) {
    return askPx[level];
  }

  public long askSize(int level) {
    return askSz[level];
  }

  /** Whether the price is held at a limit (limit-up or limit-down board). */
  public boolean stuckAtLimit() {
    return stick > 0;
  }
}
