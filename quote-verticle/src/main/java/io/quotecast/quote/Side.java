package io.quotecast.quote;

/** Aggressor side of a trade. */
public enum Side {
  BUY("buy"),
  SELL("sell"),
  NEUTRAL("neutral");

  private final String wire;

  Side(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
