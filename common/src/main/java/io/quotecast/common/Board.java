package io.quotecast.common;

/** Listing boards and their daily price limits. */
public enum Board {
  MAIN("main", "主板", 10),
  CHINEXT("chinext", "创业板", 20),
  STAR("star", "科创板", 20),
  BSE("bse", "北交所", 30);

  private final String wire;
  private final String chinese;
  private final int limitPct;

  Board(String wire, String chinese, int limitPct) {
    this.wire = wire;
    this.chinese = chinese;
    this.limitPct = limitPct;
  }

  public String wire() {
    return wire;
  }

  /** The name used in Tushare's {@code market} column. */
  public String chinese() {
    return chinese;
  }

  /** The daily limit in percent from the previous close; ST names on the main board get ±5%. */
  public int limitPercent(boolean st) {
    return st && this == MAIN ? 5 : limitPct;
  }

  public static Board fromChinese(String market) {
    for (Board b : values()) {
      if (b.chinese.equals(market)) {
        return b;
      }
    }
    return null;
  }

  public static Board fromWire(String s) {
    for (Board b : values()) {
      if (b.wire.equalsIgnoreCase(s)) {
        return b;
      }
    }
    return null;
  }
}
