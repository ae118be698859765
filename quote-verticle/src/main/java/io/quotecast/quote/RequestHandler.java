package io.quotecast.quote;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Replies to a request with {@code answer}'s result; a {@link RequestFailure} becomes a failure with its code. */
final class RequestHandler implements Handler<Message<Object>> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

  private final Function<Message<Object>, Object> answer;

  RequestHandler(Function<Message<Object>, Object> answer) {
    this.answer = answer;
  }

  @Override
  public void handle(Message<Object> message) {
    try {
      message.reply(answer.apply(message));
    } catch (RequestFailure e) {
      message.fail(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("request on {} failed", message.address(), e);
      message.fail(500, "internal error: " + e);
    }
  }
}
