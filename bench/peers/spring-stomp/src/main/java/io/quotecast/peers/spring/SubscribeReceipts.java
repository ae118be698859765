package io.quotecast.peers.spring;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

/**
 * The simple broker ignores the {@code receipt} header of SUBSCRIBE; the load generator counts confirmed
 * subscriptions by their RECEIPT frames (as it counts Quotecast's {@code subscribed} replies), so this sends them.
 */
@Component
public class SubscribeReceipts {
  private final MessageChannel clientOutbound;

  public SubscribeReceipts(@Qualifier("clientOutboundChannel") MessageChannel clientOutbound) {
    this.clientOutbound = clientOutbound;
  }

  @EventListener
  public void onSubscribe(org.springframework.web.socket.messaging.SessionSubscribeEvent event) {
    StompHeaderAccessor in = StompHeaderAccessor.wrap(event.getMessage());
    String receipt = in.getReceipt();
    if (receipt == null) {
      return;
    }
    StompHeaderAccessor out = StompHeaderAccessor.create(StompCommand.RECEIPT);
    out.setReceiptId(receipt);
    out.setSessionId(in.getSessionId());
    clientOutbound.send(MessageBuilder.createMessage(new byte[0], out.getMessageHeaders()));
  }
}
