package io.quotecast.peers.spring;

import io.quotecast.peers.market.ListingFile;
import io.quotecast.peers.market.QuoteMarket;
import java.io.IOException;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The Spring Boot STOMP peer of the benchmark: STOMP over a plain WebSocket at {@code /ws}, the simple broker, and a
 * scheduled generator publishing each quote envelope to {@code /topic/quote.<symbol>}. What a Java team would build
 * with the framework's defaults; see bench/peers/README.md.
 */
@SpringBootApplication
@EnableScheduling
public class StompPeerApplication {

  public static void main(String[] args) {
    SpringApplication.run(StompPeerApplication.class, args);
  }

  @Bean
  QuoteMarket quoteMarket(@Value("${peer.listings}") String listings, @Value("${peer.updates}") double updates,
      @Value("${peer.tick-ms}") long tickMs, @Value("${peer.skew}") double skew, @Value("${peer.seed}") long seed)
      throws IOException {
    return new QuoteMarket(ListingFile.read(Path.of(listings)), updates, tickMs, skew, seed);
  }
}
