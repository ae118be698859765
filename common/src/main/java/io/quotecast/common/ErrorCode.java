package io.quotecast.common;

/** Error codes of PROTOCOL.md §5, with the HTTP status REST answers them with. */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNKNOWN_OP(400),
  INVALID_SYMBOL(404),
  INVALID_CHANNEL(400),
  LIMIT_EXCEEDED(429),
  RATE_LIMITED(429),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_SUBSCRIBED(400),
  UNAVAILABLE(503),
  INTERNAL(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
