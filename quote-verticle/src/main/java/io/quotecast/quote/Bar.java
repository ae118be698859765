package io.quotecast.quote;

import io.quotecast.common.KlineInterval;

/**
 * One K-line bar. Prices and amount in fen, volume in shares.
 *
 * @param closed true for a bar's final state
 */
public record Bar(KlineInterval interval, long openTime, long open, long high, long low, long close, long volume,
                  long amount, long trades, boolean closed) {

  public long closeTime() {
    return interval.closeTime(openTime);
  }

  public Bar asClosed() {
    return closed ? this : new Bar(interval, openTime, open, high, low, close, volume, amount, trades, true);
  }
}
