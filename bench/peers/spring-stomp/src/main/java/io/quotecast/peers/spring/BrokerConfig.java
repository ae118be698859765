package io.quotecast.peers.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * STOMP endpoint and the in-memory simple broker, with the framework's default channels, pools and limits, except for
 * publish order (below).
 */
@Configuration
@EnableWebSocketMessageBroker
public class BrokerConfig implements WebSocketMessageBrokerConfigurer {
  /**
   * By default the outbound channel's thread pool may reorder the messages of one session (measured: a few seq
   * jumps and stale seqs per thousand messages); Quotecast and the other peers deliver a channel in order, so the
   * comparison keeps order too. {@code --peer.preserve-order=false} shows the plain default.
   */
  private final boolean preserveOrder;

  public BrokerConfig(@Value("${peer.preserve-order:true}") boolean preserveOrder) {
    this.preserveOrder = preserveOrder;
  }

  @Override
  public void registerStompEndpoints(StompEndpointRegistry registry) {
    registry.addEndpoint("/ws").setAllowedOriginPatterns("*"); // plain WebSocket, no SockJS
  }

  @Override
  public void configureMessageBroker(MessageBrokerRegistry registry) {
    registry.enableSimpleBroker("/topic");
    registry.setPreservePublishOrder(preserveOrder);
  }
}
