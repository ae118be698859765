package io.quotecast.common;

/** Server-to-client message types (PROTOCOL.md §2) and request ops (§4). */
public final class MessageTypes {
  private MessageTypes() {}

  public static final String WELCOME = "welcome";
  public static final String RESULT = "result";
  public static final String ERROR = "error";
  public static final String BATCH = "batch";
  public static final String STATUS = "status";
  public static final String NOTICE = "notice";

  public static final String OP_SUBSCRIBE = "subscribe";
  public static final String OP_UNSUBSCRIBE = "unsubscribe";
  public static final String OP_UPDATE = "update";
  public static final String OP_LIST = "list";
  public static final String OP_SNAPSHOT = "snapshot";
  public static final String OP_RESUME = "resume";
  public static final String OP_ACK = "ack";
  public static final String OP_PING = "ping";
  public static final String OP_AUTH = "auth";
  public static final String OP_CONFIGURE = "configure";

  /** Every op of PROTOCOL.md §4, in its order; sent as {@code ops} with UNKNOWN_OP. */
  public static final java.util.List<String> OPS = java.util.List.of(OP_SUBSCRIBE, OP_UNSUBSCRIBE, OP_UPDATE, OP_LIST,
      OP_SNAPSHOT, OP_RESUME, OP_ACK, OP_PING, OP_AUTH, OP_CONFIGURE);

  /** WebSocket close codes of PROTOCOL.md §8. */
  public static final short CLOSE_NORMAL = 1000;
  public static final short CLOSE_GOING_AWAY = 1001;
  public static final short CLOSE_POLICY = 1008;
  public static final short CLOSE_TOO_BIG = 1009;
  public static final short CLOSE_INTERNAL = 1011;
  public static final short CLOSE_RESTARTING = 1012;
  public static final short CLOSE_OVERLOADED = 1013;
  public static final short CLOSE_MALFORMED = 4000;
  public static final short CLOSE_UNAUTHORIZED = 4001;
  public static final short CLOSE_FORBIDDEN = 4003;
  public static final short CLOSE_SLOW_CONSUMER = 4008;
  public static final short CLOSE_HEARTBEAT = 4009;
  public static final short CLOSE_RATE_LIMITED = 4029;
  public static final short CLOSE_OPERATOR = 4100;

  /**
   * {@code notice} events beyond PROTOCOL.md §7's list (clients may ignore them): {@code degraded} also ends with
   * {@code active: false}; {@code overloaded} comes before close 1013 when the node sheds the connection.
   */
  public static final String NOTICE_DEGRADED = "degraded";
  public static final String NOTICE_OVERLOADED = "overloaded";
}
