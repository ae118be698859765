package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FlushCoalescing} on a real Vert.x server and socket: messages written to one connection in one event-loop turn
 * (outside a read, as a channel's fan-out is) reach the client in one socket read, even when the turn is long; without
 * it each message is its own write, and a reader sees them one by one.
 */
class FlushCoalescingTest {
  private static final int MESSAGES = 5;
  /** Work between two writes of the turn: long enough for a waiting reader to wake between separate writes. */
  private static final long SPACING_MS = 15;

  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void messagesOfOneTurnLeaveInOneWrite() throws Exception {
    List<Integer> reads = readsOfOneTurn(true);
    assertEquals(1, reads.size(), () -> "one read carries all " + MESSAGES + " frames, got reads of " + reads);
  }

  @Test
  void withoutItEveryMessageIsFlushedOnItsOwn() throws Exception {
    List<Integer> reads = readsOfOneTurn(false);
    assertTrue(reads.size() > 1, () -> "the frames arrive in several reads, got " + reads);
  }

  /** The sizes of the socket reads that brought the {@link #MESSAGES} frames written in one turn. */
  private List<Integer> readsOfOneTurn(boolean coalesce) throws Exception {
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1"))
        .connectionHandler(connection -> {
          if (coalesce) {
            FlushCoalescing.install(connection);
          }
        })
        .webSocketHandler(ws -> vertx.setTimer(50, t -> {
          for (int i = 0; i < MESSAGES; i++) {
            ws.writeTextMessage("{\"n\":" + i + "}");
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SPACING_MS);
            while (System.nanoTime() < until) {
              Thread.onSpinWait(); // a long turn: the event loop is busy, as in a large fan-out
            }
          }
        }));
    int port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[65536];
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
        int n = in.read(buffer);
        assertTrue(n > 0, "the upgrade is answered");
        head.write(buffer, 0, n);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      assertTrue(text.startsWith("HTTP/1.1 101"), text);
      int frameBytes = text.length() - text.indexOf("\r\n\r\n") - 4; // frames that came with the answer
      assertEquals(0, frameBytes, "the frames are written after the upgrade, in a later turn");
      int expected = 0;
      for (int i = 0; i < MESSAGES; i++) {
        expected += 2 + ("{\"n\":" + i + "}").length(); // unmasked server frames with a one-byte length
      }
      List<Integer> reads = new ArrayList<>();
      int total = 0;
      while (total < expected) {
        int n = in.read(buffer);
        assertTrue(n > 0, "the connection stays open");
        reads.add(n);
        total += n;
      }
      assertEquals(expected, total, "exactly the frames written");
      return reads;
    } finally {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
