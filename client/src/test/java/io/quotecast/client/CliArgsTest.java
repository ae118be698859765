package io.quotecast.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CliArgsTest {

  @Test
  void subscribeWithChannelsFreqAndCount() throws Exception {
    CliArgs a = CliArgs.parse("subscribe", "ws://127.0.0.1:8080/ws", "quote:600519.SH", "trade:000001.SZ",
        "--freq", "1s", "--count", "10");
    assertEquals("subscribe", a.command());
    assertEquals("ws://127.0.0.1:8080/ws", a.url().toString());
    assertEquals(List.of("quote:600519.SH", "trade:000001.SZ"), a.channels());
    assertEquals("1s", a.freq());
    assertEquals(10, a.count());
    assertEquals(8080, a.port());
    assertFalse(a.ssl());
  }

  @Test
  void optionsMayComeAnywhereAndUseEquals() throws Exception {
    CliArgs a = CliArgs.parse("subscribe", "--count=3", "ws://h:1/ws", "--freq=100ms", "kline:1m:600519.SH");
    assertEquals(List.of("kline:1m:600519.SH"), a.channels());
    assertEquals(3, a.count());
    assertEquals("100ms", a.freq());
  }

  @Test
  void subscribeDefaults() throws Exception {
    CliArgs a = CliArgs.parse("subscribe", "ws://h/ws", "quote:600519.SH");
    assertNull(a.freq());
    assertEquals(0, a.count(), "0 = until Ctrl-C");
    assertEquals(80, a.port());
    assertNull(a.token());
  }

  @Test
  void pingDefaultsToFivePings() throws Exception {
    CliArgs a = CliArgs.parse("ping", "ws://127.0.0.1:8080/ws");
    assertEquals("ping", a.command());
    assertEquals(CliArgs.DEFAULT_PINGS, a.count());
    assertTrue(a.channels().isEmpty());
  }

  @Test
  void httpUrlsAreConvertedAndPathDefaultsToWs() throws Exception {
    assertEquals("ws://h:8080/ws", CliArgs.parse("ping", "http://h:8080").url().toString());
    CliArgs s = CliArgs.parse("ping", "https://h/ws");
    assertEquals("wss", s.url().getScheme());
    assertTrue(s.ssl());
    assertEquals(443, s.port());
  }

  @Test
  void requestUriKeepsQueryAndAddsClientAndToken() throws Exception {
    CliArgs a = CliArgs.parse("ping", "ws://h:1/ws?batch=50", "--token", "a.b+c");
    assertEquals("/ws?batch=50&client=quotecast-cli&token=a.b%2Bc", a.requestUri());
    CliArgs b = CliArgs.parse("ping", "ws://h:1/ws?client=me");
    assertEquals("/ws?client=me", b.requestUri());
  }

  @Test
  void traceWithOneTargetSecondsAndToken() throws Exception {
    CliArgs a = CliArgs.parse("trace", "http://127.0.0.1:9090/", "--connection", "c-1x2", "--seconds", "30",
        "--token", "t.o.k");
    assertEquals("trace", a.command());
    assertEquals(new CliArgs.TraceTarget("connectionId", "c-1x2", 30), a.trace());
    assertEquals("/admin/traces", a.opsPath("/admin/traces"));
    assertEquals(9090, a.port());
    assertFalse(a.ssl());
    assertEquals("t.o.k", a.token());
    CliArgs user = CliArgs.parse("trace", "https://ops.example/base", "--user=alice", "--token", "t");
    assertEquals(new CliArgs.TraceTarget("user", "alice", CliArgs.DEFAULT_TRACE_SECONDS), user.trace());
    assertEquals("/base/admin/traces", user.opsPath("/admin/traces"));
    assertTrue(user.ssl());
    assertEquals(443, user.port());
    assertEquals(new CliArgs.TraceTarget("symbol", "600519.SH", 60),
        CliArgs.parse("trace", "http://h:9090", "--symbol", "600519.SH", "--token", "t").trace());
  }

  @Test
  void badTraceCommandLines() {
    String url = "http://h:9090";
    for (String[] argv : new String[][] {
        {"trace", url, "--token", "t"},
        {"trace", url, "--user", "a", "--symbol", "600519.SH", "--token", "t"},
        {"trace", url, "--user", "a"},
        {"trace", url, "--user", "a", "--seconds", "0", "--token", "t"},
        {"trace", url, "--user", "a", "--seconds", "301", "--token", "t"},
        {"trace", url, "--user", "a", "--count", "3", "--token", "t"},
        {"trace", "ws://h:9090", "--user", "a", "--token", "t"},
        {"trace", url, "extra", "--user", "a", "--token", "t"},
        {"subscribe", "ws://h/ws", "quote:600519.SH", "--user", "a"},
        {"ping", "ws://h/ws", "--seconds", "3"}}) {
      assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse(argv), String.join(" ", argv));
    }
  }

  @Test
  void badCommandLines() {
    assertThrows(CliArgs.UsageException.class, CliArgs::parse);
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("--help"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("listen", "ws://h/ws"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("subscribe", "ws://h/ws"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("subscribe"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("subscribe", "ftp://h/ws", "quote:600519.SH"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("subscribe", "ws://h/ws", "600519.SH"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("subscribe", "ws://h/ws", "quote:X", "--count"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("subscribe", "ws://h/ws", "quote:X", "--count", "x"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("subscribe", "ws://h/ws", "quote:X", "--count", "-1"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("subscribe", "ws://h/ws", "quote:X", "--bogus", "1"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("ping", "ws://h/ws", "quote:600519.SH"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("ping", "ws://h/ws", "--freq", "1s"));
    assertThrows(CliArgs.UsageException.class, () -> CliArgs.parse("ping", "ws://h/ws", "--count", "0"));
  }
}
