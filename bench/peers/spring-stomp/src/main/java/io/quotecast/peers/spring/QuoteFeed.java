package io.quotecast.peers.spring;

import io.quotecast.peers.market.QuoteMarket;
import io.quotecast.peers.market.QuoteUpdate;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.util.MimeType;

/**
 * The generator loop: every tick, the market's updates go to the broker, one message per update on
 * {@code /topic/quote.<symbol>} whose body is the quote envelope (the same JSON the other servers send, so the load
 * generator reads {@code ch}, {@code seq} and {@code data.time} the same way). The bytes are encoded once here; the
 * broker frames them per subscriber.
 */
@Component
public class QuoteFeed {
  private static final MimeType JSON = MimeType.valueOf("application/json;charset=UTF-8");

  private final QuoteMarket market;
  private final SimpMessagingTemplate template;
  private final String[] destinations;

  public QuoteFeed(QuoteMarket market, SimpMessagingTemplate template) {
    this.market = market;
    this.template = template;
    this.destinations = new String[market.listings().size()];
    for (int i = 0; i < destinations.length; i++) {
      destinations[i] = "/topic/quote." + market.listings().get(i).symbol();
    }
  }

  @Scheduled(fixedRateString = "${peer.tick-ms}")
  public void tick() {
    for (QuoteUpdate u : market.tick(System.currentTimeMillis())) {
      SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
      headers.setContentType(JSON);
      headers.setLeaveMutable(true); // the template adds the destination
      template.send(destinations[u.symbolIndex()], MessageBuilder.createMessage(u.utf8(), headers.getMessageHeaders()));
    }
  }
}
