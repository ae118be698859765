package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Envelope;
import io.quotecast.common.Freq;
import io.quotecast.common.ListingLoader;
import io.quotecast.common.Publication;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real WebSocket whose client never reads, fed by a busy quote channel: the bytes queued in the connection
 * (Netty's outbound buffer, what the heap pays) never exceed writeQueueBytes by more than one message.
 */
class WriteQueueBoundTest {
  private static final int WRITE_QUEUE_BYTES = 16 * 1024;
  private static final ChannelKey QUOTE = ChannelKey.quote("600519.SH");

  private Vertx vertx;
  private Gateway gw;
  private HttpServer server;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    JsonObject config = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture().get(10,
        TimeUnit.SECONDS);
    config.getJsonObject("gateway").put("writeQueueBytes", WRITE_QUEUE_BYTES);
    gw = new Gateway(vertx, new Settings(config), SymbolDirectory.of(ListingLoader.loadShipped()));
    gw.feeds.snapshots = new FakeSnapshots();
  }

  @AfterEach
  void tearDown() throws Exception {
    gw.feeds.stop();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theQueueNeverExceedsItsBoundByMoreThanOneMessage() throws Exception {
    String padding = "x".repeat(1000);
    Promise<long[]> measured = Promise.promise(); // {max queued bytes, largest message, conflated}
    server = vertx.createHttpServer(new HttpServerOptions().setSendBufferSize(8 * 1024))
        .webSocketHandler(ws -> {
          WebSocketTransport transport = new WebSocketTransport(ws, WRITE_QUEUE_BYTES);
          Session session = new Session(gw, transport, "test", 0);
          session.open(null, null);
          ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
          Subscription sub = new Subscription(session, QUOTE, Freq.REALTIME, 0);
          session.subscriptions.put(QUOTE.toString(), sub);
          feed.join(sub, false, 0);
          long[] state = new long[4]; // max queued, largest message, seq, ticks since the queue first filled
          vertx.setPeriodic(1, timer -> {
            for (int i = 0; i < 50; i++) {
              long seq = ++state[2];
              Publication p = new Publication(QUOTE.toString(), seq, "e1", seq,
                  "{\"n\":" + seq + ",\"pad\":\"" + padding + "\"}");
              feed.publish(p);
              state[0] = Math.max(state[0], transport.queuedBytes());
              state[1] = Math.max(state[1],
                  new OutboundMessage(Envelope.channelMessage(p, System.currentTimeMillis(), null)).byteLength());
            }
            if (sub.conflated > 0 && ++state[3] >= 200 || state[2] > 2_000_000) {
              vertx.cancelTimer(timer);
              measured.tryComplete(new long[] {state[0], state[1], sub.conflated});
            }
          });
        });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (Socket client = new Socket()) {
      client.setReceiveBufferSize(4096);
      client.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5000);
      OutputStream out = client.getOutputStream();
      out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      // ...and never reads.
      long[] result = measured.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertTrue(result[2] > 0, "the queue filled and state was conflated");
      assertTrue(result[0] >= WRITE_QUEUE_BYTES / 2, "the queue was measured while full: " + result[0]);
      assertTrue(result[0] <= WRITE_QUEUE_BYTES + result[1],
          "queued " + result[0] + " bytes, bound " + WRITE_QUEUE_BYTES + " + one message of " + result[1]);
    }
  }
}
