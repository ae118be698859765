package io.quotecast.app;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written on a plain TCP socket, for what a well-behaved client library will not do: never answer
 * pings, stop reading ({@link #pause()}), and report the server's close code even after it stopped reading.
 */
final class RawWebSocket implements AutoCloseable {
  private final Object lock = new Object();
  private final NetClient client;
  private final NetSocket socket;
  /** The event loop the socket lives on: pause and resume run there, never racing its reads. */
  private final Context context;
  private Buffer pending = Buffer.buffer();
  private boolean upgraded;
  private final List<String> texts = new ArrayList<>();
  private int textCount;
  private int pings;
  private Integer closeCode;
  private boolean socketClosed;

  private RawWebSocket(NetClient client, NetSocket socket, Context context) {
    this.client = client;
    this.socket = socket;
    this.context = context;
  }

  static RawWebSocket connect(Vertx vertx, int port, String uri) {
    return connect(vertx, port, uri, null);
  }

  /** Connects with extra handshake {@code headers} (e.g. {@code Authorization}); may be null. */
  static RawWebSocket connect(Vertx vertx, int port, String uri, io.vertx.core.MultiMap headers) {
    NetClient client = vertx.createNetClient(new io.vertx.core.net.NetClientOptions().setReceiveBufferSize(8 * 1024));
    Context context = vertx.getOrCreateContext();
    Promise<NetSocket> connected = Promise.promise();
    context.runOnContext(v -> client.connect(port, "127.0.0.1").onComplete(connected));
    NetSocket socket = QuotecastServer.await(connected.future(), QuotecastServer.TIMEOUT_S);
    RawWebSocket ws = new RawWebSocket(client, socket, context);
    socket.handler(ws::onData);
    socket.closeHandler(v -> {
      synchronized (ws.lock) {
        ws.socketClosed = true;
        ws.lock.notifyAll();
      }
    });
    StringBuilder extra = new StringBuilder();
    if (headers != null) {
      headers.forEach((name, value) -> extra.append(name).append(": ").append(value).append("\r\n"));
    }
    socket.write("GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + extra + "\r\n");
    ws.waitUntil(() -> ws.upgraded, WsClient.WAIT_MS, "the upgrade");
    return ws;
  }

  private void onData(Buffer data) {
    synchronized (lock) {
      pending.appendBuffer(data);
      if (!upgraded) {
        String head = pending.toString(StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (end < 0) {
          return;
        }
        if (!head.startsWith("HTTP/1.1 101")) {
          throw new IllegalStateException("upgrade refused: " + head);
        }
        upgraded = true;
        pending = pending.getBuffer(end + 4, pending.length());
      }
      parseFrames();
      lock.notifyAll();
    }
  }

  private void parseFrames() {
    int pos = 0;
    while (pending.length() - pos >= 2) {
      int b0 = pending.getUnsignedByte(pos);
      int b1 = pending.getUnsignedByte(pos + 1);
      int opcode = b0 & 0x0f;
      long len = b1 & 0x7f;
      int header = 2;
      if (len == 126) {
        if (pending.length() - pos < 4) {
          break;
        }
        len = pending.getUnsignedShort(pos + 2);
        header = 4;
      } else if (len == 127) {
        if (pending.length() - pos < 10) {
          break;
        }
        len = pending.getLong(pos + 2);
        header = 10;
      }
      if (pending.length() - pos < header + len) {
        break;
      }
      int start = pos + header;
      int stop = (int) (start + len);
      switch (opcode) {
        case 0x1, 0x0 -> {
          textCount++;
          if (texts.size() < 50) {
            texts.add(pending.getString(start, stop, "UTF-8"));
          }
        }
        case 0x8 -> closeCode = len >= 2 ? pending.getUnsignedShort(start) : 1005;
        case 0x9 -> pings++;
        default -> { }
      }
      pos = stop;
    }
    pending = pending.getBuffer(pos, pending.length());
  }

  /** Sends a text message in one masked frame. */
  void send(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    Buffer frame = Buffer.buffer().appendByte((byte) 0x81);
    if (payload.length < 126) {
      frame.appendByte((byte) (0x80 | payload.length));
    } else if (payload.length < 65536) {
      frame.appendByte((byte) (0x80 | 126)).appendUnsignedShort(payload.length);
    } else {
      frame.appendByte((byte) (0x80 | 127)).appendLong(payload.length);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.appendBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= mask[i % 4];
    }
    frame.appendBytes(payload);
    QuotecastServer.await(socket.write(frame), QuotecastServer.TIMEOUT_S);
  }

  /**
   * Sends {@code text} as one message in {@code pieces} masked frames (a text frame without FIN, continuations, the
   * last with FIN): each frame may be under the frame limit while the message is over the message limit.
   */
  void sendFragmented(String text, int pieces) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    int size = (payload.length + pieces - 1) / pieces;
    Buffer frames = Buffer.buffer();
    for (int start = 0, i = 0; start < payload.length; start += size, i++) {
      int end = Math.min(payload.length, start + size);
      boolean last = end == payload.length;
      frames.appendByte((byte) ((last ? 0x80 : 0) | (i == 0 ? 0x1 : 0x0)));
      int length = end - start;
      if (length < 126) {
        frames.appendByte((byte) (0x80 | length));
      } else if (length < 65536) {
        frames.appendByte((byte) (0x80 | 126)).appendUnsignedShort(length);
      } else {
        frames.appendByte((byte) (0x80 | 127)).appendLong(length);
      }
      frames.appendBytes(new byte[4]); // a zero mask: the payload goes as it is
      frames.appendBytes(payload, start, length);
    }
    QuotecastServer.await(socket.write(frames), QuotecastServer.TIMEOUT_S);
  }

  /** Sends only the header of a masked text frame announcing {@code length} payload bytes (for size limits). */
  void sendFrameHeader(long length) {
    Buffer frame = Buffer.buffer().appendByte((byte) 0x81).appendByte((byte) (0x80 | 127)).appendLong(length)
        .appendBytes(new byte[4]);
    QuotecastServer.await(socket.write(frame), QuotecastServer.TIMEOUT_S);
  }

  void pause() {
    context.runOnContext(v -> socket.pause());
  }

  void resume() {
    context.runOnContext(v -> socket.resume());
  }

  int pings() {
    synchronized (lock) {
      return pings;
    }
  }

  int textCount() {
    synchronized (lock) {
      return textCount;
    }
  }

  List<String> firstTexts() {
    synchronized (lock) {
      return new ArrayList<>(texts);
    }
  }

  Integer closeCode() {
    synchronized (lock) {
      return closeCode;
    }
  }

  /** Waits for the server's close frame (or the socket closing) and returns the close code, or -1 without a frame. */
  int awaitClose(long timeoutMs) {
    waitUntil(() -> closeCode != null || socketClosed, timeoutMs, "the server to close");
    synchronized (lock) {
      return closeCode == null ? -1 : closeCode;
    }
  }

  void waitUntil(java.util.function.BooleanSupplier condition, long timeoutMs, String what) {
    waitUntil(condition, timeoutMs, () -> what);
  }

  /** As above, describing what was awaited only on failure (so the description can report the state then). */
  void waitUntil(java.util.function.BooleanSupplier condition, long timeoutMs,
      java.util.function.Supplier<String> what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    synchronized (lock) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what.get());
        }
        try {
          lock.wait(Math.min(left, 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      QuotecastServer.await(socket.close(), 5);
    } catch (AssertionError ignored) {
      // already closed
    } finally {
      client.close();
    }
  }
}
