package io.quotecast.peers.market;

/**
 * One tradable symbol of the peers' universe.
 *
 * @param symbol canonical code, e.g. {@code 600519.SH}
 * @param name display name (Chinese names make the quote JSON as long as Quotecast's)
 * @param preCloseCents previous close in 0.01 CNY
 * @param limitPct daily price limit in percent (5 ST main board, 10 main, 20 ChiNext/STAR, 30 BSE)
 */
public record Listing(String symbol, String name, long preCloseCents, int limitPct) {

  public long limitUpCents() {
    return Math.round(preCloseCents * (100 + limitPct) / 100.0);
  }

  public long limitDownCents() {
    return Math.round(preCloseCents * (100 - limitPct) / 100.0);
  }
}
