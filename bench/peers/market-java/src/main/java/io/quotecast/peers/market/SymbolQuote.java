package io.quotecast.peers.market;

import java.util.SplittableRandom;

/**
 * The quote of one symbol, moved by a bounded random walk: last/open/high/low on the 0.01 grid within the daily
 * limits, cumulative volume (lots of 100) and amount, and a 5-level book around the last price. It exists to give the
 * peers a payload of the same shape and size as Quotecast's {@code quote} data, not a realistic market.
 */
final class SymbolQuote {
  private static final double SIGMA = 0.0002;
  private static final int LEVELS = 5;

  private final Listing listing;
  private final long limitUp;
  private final long limitDown;
  private long last;
  private long open = -1;
  private long high;
  private long low;
  private long volume;
  /** In 0.01 CNY. */
  private long amount;
  private final long[] bidPx = new long[LEVELS];
  private final long[] bidQty = new long[LEVELS];
  private final long[] askPx = new long[LEVELS];
  private final long[] askQty = new long[LEVELS];
  private int bids;
  private int asks;

  SymbolQuote(Listing listing) {
    this.listing = listing;
    this.limitUp = listing.limitUpCents();
    this.limitDown = listing.limitDownCents();
    this.last = listing.preCloseCents();
    this.high = last;
    this.low = last;
  }

  /** One update: a trade that moves the price (3 in 4) or a book-only change. */
  void step(SplittableRandom random) {
    if (random.nextInt(4) != 0) {
      long sigma = Math.max(1, Math.round(last * SIGMA));
      long half = Math.max(1, limitUp - listing.preCloseCents());
      double move = random.nextGaussian() * sigma - 0.3 * sigma * (last - listing.preCloseCents()) / half;
      last = Math.max(limitDown, Math.min(limitUp, last + Math.round(move)));
      if (open < 0) {
        open = last;
      }
      high = Math.max(high, last);
      low = Math.min(low, last);
      long qty = 100L * (1 + random.nextInt(20));
      volume += qty;
      amount += qty * last;
    }
    rebuildBook(random);
  }

  private void rebuildBook(SplittableRandom random) {
    long spread = Math.max(1, Math.round(last * SIGMA));
    bids = 0;
    long p = last >= limitUp ? limitUp : last - random.nextInt(2);
    while (bids < LEVELS && p >= limitDown) {
      bidPx[bids] = p;
      bidQty[bids] = 100L * (1 + random.nextInt(random.nextInt(8) == 0 ? 500 : 50));
      bids++;
      p -= 1 + random.nextLong(spread + 1);
    }
    asks = 0;
    p = Math.max(last + 1, bids > 0 ? bidPx[0] + 1 : last + 1);
    while (asks < LEVELS && p <= limitUp) {
      askPx[asks] = p;
      askQty[asks] = 100L * (1 + random.nextInt(random.nextInt(8) == 0 ? 500 : 50));
      asks++;
      p += 1 + random.nextLong(spread + 1);
    }
  }

  /** Appends the quote payload, fields in the order Quotecast writes them. */
  void appendJson(StringBuilder sb, long time) {
    long pre = listing.preCloseCents();
    long change = last - pre;
    sb.append("{\"symbol\":\"").append(listing.symbol()).append("\",\"name\":\"").append(listing.name())
        .append("\",\"last\":");
    cents(sb, last).append(",\"open\":");
    cents(sb, open < 0 ? pre : open).append(",\"high\":");
    cents(sb, high).append(",\"low\":");
    cents(sb, low).append(",\"preClose\":");
    cents(sb, pre).append(",\"change\":");
    cents(sb, change).append(",\"changePct\":");
    cents(sb, Math.round(change * 10_000.0 / pre)).append(",\"volume\":").append(volume).append(",\"amount\":");
    cents(sb, amount).append(",\"bids\":[");
    levels(sb, bidPx, bidQty, bids).append("],\"asks\":[");
    levels(sb, askPx, askQty, asks).append("],\"limitUp\":");
    cents(sb, limitUp).append(",\"limitDown\":");
    cents(sb, limitDown).append(",\"phase\":\"continuous\",\"time\":").append(time).append('}');
  }

  private static StringBuilder levels(StringBuilder sb, long[] px, long[] qty, int n) {
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append('[');
      cents(sb, px[i]).append(',').append(qty[i]).append(']');
    }
    return sb;
  }

  /** An exact decimal with two places, e.g. 172550 -> 1725.50 (no binary floating point on the way). */
  static StringBuilder cents(StringBuilder sb, long v) {
    if (v < 0) {
      sb.append('-');
      v = -v;
    }
    long frac = v % 100;
    return sb.append(v / 100).append('.').append(frac < 10 ? "0" : "").append(frac);
  }
}
