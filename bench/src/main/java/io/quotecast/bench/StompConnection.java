package io.quotecast.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A load-generating STOMP 1.2 connection over WebSocket ({@code --protocol stomp}), for the Spring STOMP peer of the
 * benchmark (bench/peers/README.md): CONNECT without heart-beats, then on CONNECTED one SUBSCRIBE per channel to
 * {@code /topic/<channel with ':' as '.'>} ({@code quote:600519.SH} -> {@code /topic/quote.600519.SH}) asking for a
 * RECEIPT, which counts as subscribed. The body of each MESSAGE frame is a Quotecast envelope and goes to the paired
 * {@link BenchConnection}, so sequence gaps and latency are measured exactly as for the native protocol.
 * State is touched only on this connection's event loop.
 */
final class StompConnection {
  private final BenchConnection bench;
  private final List<String> channels;
  private final BenchStats stats;
  private final MicroClock clock;
  private final String host;
  private ClientWebSocket ws;
  private Buffer partial;

  StompConnection(BenchConnection bench, List<String> channels, String host, BenchStats stats, MicroClock clock) {
    this.bench = bench;
    this.channels = channels;
    this.host = host;
    this.stats = stats;
    this.clock = clock;
  }

  static String destination(String channel) {
    return "/topic/" + channel.replace(':', '.');
  }

  /** Connects and sends CONNECT; the subscriptions follow CONNECTED. Call on this connection's event loop. */
  Future<Void> connect(WebSocketClient client, WebSocketConnectOptions options) {
    long startNs = System.nanoTime();
    ws = client.webSocket();
    ws.frameHandler(this::onFrame);
    ws.exceptionHandler(t -> {
      stats.exceptions.increment();
      BenchStats.count(stats.exceptionMessages, String.valueOf(t));
    });
    ws.closeHandler(v -> {
      stats.open.decrement();
      if (!bench.stopping) {
        stats.unexpectedCloses.increment();
        Short code = ws.closeStatusCode();
        String reason = ws.closeReason();
        BenchStats.count(stats.closeCodes, code + (reason == null || reason.isEmpty() ? "" : " " + reason));
      }
    });
    return ws.connect(new WebSocketConnectOptions(options).addSubProtocol("v12.stomp")).compose(w -> {
      stats.handshake.recordValue(Math.max(0, (System.nanoTime() - startNs) / 1000));
      upgraded = true;
      stats.connected.increment();
      stats.open.increment();
      return ws.writeTextMessage("CONNECT\naccept-version:1.2\nhost:" + host + "\nheart-beat:0,0\n\n\0");
    }, err -> {
      stats.connectFailures.increment();
      BenchStats.count(stats.connectErrors, String.valueOf(err));
      return Future.failedFuture(err);
    });
  }

  /** Set once the handshake succeeded: a ClientWebSocket that never connected throws on isClosed(). */
  private volatile boolean upgraded;

  Future<Void> close() {
    bench.stopping = true;
    if (ws == null || !upgraded || ws.isClosed()) {
      return Future.succeededFuture();
    }
    // no DISCONNECT: without a receipt Spring answers it with ERROR "Session closed.", with one a RECEIPT, and both
    // would be miscounted; a close frame ends the STOMP session just as well
    return ws.close((short) 1000, "bench done");
  }

  private void onFrame(WebSocketFrame frame) {
    if (!(frame.isText() || frame.isBinary() || frame.isContinuation())) {
      return;
    }
    long recvUs = clock.nowMicros();
    Buffer data = frame.binaryData();
    if (!frame.isFinal()) {
      if (partial == null) {
        partial = Buffer.buffer(data.length() * 2);
      }
      partial.appendBuffer(data);
      return;
    }
    if (partial != null) {
      data = partial.appendBuffer(data);
      partial = null;
    }
    byte[] b = data.getBytes();
    stats.frames.increment();
    stats.bytes.add(b.length);
    onStompFrame(b, recvUs);
  }

  /** One STOMP frame: command line, headers, blank line, body up to the NUL (PROTOCOL of STOMP 1.2). */
  private void onStompFrame(byte[] b, long recvUs) {
    int i = 0;
    while (i < b.length && (b[i] == '\n' || b[i] == '\r')) {
      i++; // heart-beat EOLs
    }
    if (i == b.length) {
      return;
    }
    int lineEnd = indexOf(b, i, (byte) '\n');
    if (lineEnd < 0) {
      stats.parseErrors.increment();
      return;
    }
    String command = new String(b, i, trimCr(b, i, lineEnd) - i, StandardCharsets.US_ASCII);
    int bodyStart = headersEnd(b, lineEnd + 1);
    if (bodyStart < 0) {
      stats.parseErrors.increment();
      return;
    }
    int bodyEnd = indexOf(b, bodyStart, (byte) 0);
    if (bodyEnd < 0) {
      bodyEnd = b.length;
    }
    switch (command) {
      case "MESSAGE" -> {
        byte[] body = new byte[bodyEnd - bodyStart];
        System.arraycopy(b, bodyStart, body, 0, body.length);
        bench.onMessage(body, recvUs);
      }
      case "RECEIPT" -> stats.subscribed.increment();
      case "CONNECTED" -> {
        stats.welcomes.increment();
        if (stats.welcome == null) {
          stats.welcome = new String(b, i, bodyStart - i, StandardCharsets.UTF_8).trim();
        }
        subscribeAll();
      }
      case "ERROR" -> {
        stats.errors.increment();
        String text = new String(b, i, bodyEnd - i, StandardCharsets.UTF_8);
        String message = header(text, "message");
        BenchStats.count(stats.errorCodes, "STOMP " + (message == null ? "ERROR" : message));
        stats.sample(text);
      }
      default -> stats.otherTypes.increment();
    }
  }

  private void subscribeAll() {
    for (int k = 0; k < channels.size(); k++) {
      ws.writeTextMessage("SUBSCRIBE\nid:" + k + "\ndestination:" + destination(channels.get(k)) + "\nreceipt:r" + k
          + "\n\n\0");
    }
  }

  /** Index of the first byte after the blank line that ends the headers, or -1. */
  private static int headersEnd(byte[] b, int i) {
    while (i < b.length) {
      int eol = indexOf(b, i, (byte) '\n');
      if (eol < 0) {
        return -1;
      }
      if (trimCr(b, i, eol) == i) {
        return eol + 1;
      }
      i = eol + 1;
    }
    return -1;
  }

  private static int trimCr(byte[] b, int start, int eol) {
    return eol > start && b[eol - 1] == '\r' ? eol - 1 : eol;
  }

  private static int indexOf(byte[] b, int from, byte v) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private static String header(String frame, String name) {
    for (String line : frame.split("\n")) {
      if (line.isEmpty()) {
        return null;
      }
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }
}
