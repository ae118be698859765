package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A page served by one gateway of the fleet may connect to any other (it follows `endpoints`); strangers may not. */
class OriginPolicyTest {
  private final OriginPolicy policy = new OriginPolicy("");
  private final List<String> fleet = List.of("ws://10.0.0.1:8080/ws", "wss://md.example.com/ws");

  @Test
  void pagesOfFleetGatewaysAreAllowedOnEveryNode() {
    assertTrue(policy.allows("http://10.0.0.1:8080", "10.0.0.2:8080", fleet));
    assertTrue(policy.allows("https://md.example.com", "10.0.0.2:8080", fleet));
    assertFalse(policy.allows("http://10.0.0.1:9999", "10.0.0.2:8080", fleet), "another port is another origin");
    assertFalse(policy.allows("http://md.example.com", "10.0.0.2:8080", fleet), "wss serves https pages");
    assertFalse(policy.allows("https://evil.example", "10.0.0.2:8080", fleet));
    assertFalse(policy.allows("http://10.0.0.1:8080", "10.0.0.2:8080", List.of()), "without the fleet: refused");
  }

  @Test
  void pageOriginOfAWebSocketUrl() {
    assertEquals("http://h:8080", OriginPolicy.pageOrigin("ws://H:8080/ws"));
    assertEquals("https://h", OriginPolicy.pageOrigin("wss://h:443/ws"));
    assertEquals("http://h", OriginPolicy.pageOrigin("ws://h/ws"));
  }
}
