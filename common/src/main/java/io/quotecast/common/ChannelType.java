package io.quotecast.common;

/** The three channel types of PROTOCOL.md §3. */
public enum ChannelType {
  /** State: the latest value replaces earlier ones (may be conflated). */
  QUOTE("quote", true),
  /** Events: every trade matters, never dropped; with a freq delivered as arrays. */
  TRADE("trade", false),
  /** State per bar; every closed bar is always delivered. */
  KLINE("kline", true);

  private final String wire;
  private final boolean state;

  ChannelType(String wire, boolean state) {
    this.wire = wire;
    this.state = state;
  }

  public String wire() {
    return wire;
  }

  /** True for channels whose latest value supersedes earlier ones. */
  public boolean isState() {
    return state;
  }

  public static ChannelType fromWire(String s) {
    if (s != null) {
      for (ChannelType t : values()) {
        if (t.wire.equalsIgnoreCase(s)) {
          return t;
        }
      }
    }
    return null;
  }

  public static java.util.List<String> wireNames() {
    return java.util.Arrays.stream(values()).map(ChannelType::wire).toList();
  }
}
