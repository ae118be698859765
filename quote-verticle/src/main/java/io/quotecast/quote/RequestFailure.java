package io.quotecast.quote;

/** A request that cannot be answered: {@code code} is the event-bus failure code (400 bad args, 404 unknown symbol). */
public final class RequestFailure extends RuntimeException {
  private final int code;

  public RequestFailure(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
