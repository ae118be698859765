package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClientAddressTest {
  @Test
  void withoutTrustedProxiesThePeerIsTheClient() {
    ClientAddress a = new ClientAddress("");
    assertEquals("10.0.0.1", a.of("10.0.0.1", "203.0.113.5"));
    assertEquals("unknown", a.of(null, null));
  }

  @Test
  void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
    ClientAddress a = new ClientAddress(" 10.0.0.5, 10.0.0.6 ");
    assertEquals("203.0.113.5", a.of("10.0.0.5", "203.0.113.5"));
    // the left entry is whatever the client wrote; the proxies appended the rest
    assertEquals("203.0.113.5", a.of("10.0.0.5", "192.0.2.1, 203.0.113.5, 10.0.0.6"));
    assertEquals("10.0.0.5", a.of("10.0.0.5", " , 10.0.0.6"), "no untrusted hop: the proxy itself");
    assertEquals("10.0.0.5", a.of("10.0.0.5", null));
    assertEquals("10.0.0.7", a.of("10.0.0.7", "203.0.113.5"), "an untrusted peer's header is ignored");
  }
}
