package io.quotecast.quote;

/** Trading phases as they appear in the quote payload's {@code phase} field (PROTOCOL.md §3). */
public enum TradingPhase {
  PRE_OPEN("pre_open"),
  CALL_AUCTION("call_auction"),
  CONTINUOUS("continuous"),
  LUNCH_BREAK("lunch_break"),
  CLOSING_AUCTION("closing_auction"),
  CLOSED("closed"),
  HALTED("halted");

  private final String wire;

  TradingPhase(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** Trades happen one by one only in continuous trading (auctions match once, at their end). */
  public boolean continuousTrading() {
    return this == CONTINUOUS;
  }

  /** Call auctions publish indicative books and quotes but no trades. */
  public boolean auction() {
    return this == CALL_AUCTION || this == CLOSING_AUCTION;
  }

  /** Whether the simulator produces updates in this phase at all. */
  public boolean active() {
    return continuousTrading() || auction();
  }
}
