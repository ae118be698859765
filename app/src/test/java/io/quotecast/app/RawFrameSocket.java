package io.quotecast.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written against RFC 6455 (unlike {@link RawWebSocket}, it keeps every frame with its header bits) over a plain TCP socket, so a test sees what a client library hides:
 * each frame's RSV1 bit (set = the message is deflate-compressed, RFC 7692) and its payload as it crossed the wire.
 * Server frames arrive unmasked; client frames are masked as the RFC requires.
 */
final class RawFrameSocket {
  /** One server frame: opcode, whether RSV1 (compressed) is set, the payload as sent. */
  record Frame(int opcode, boolean compressed, byte[] payload) {
  }

  private final NetClient client;
  private NetSocket socket;
  private Buffer pending = Buffer.buffer();
  private boolean upgraded;
  /** The handshake response's Sec-WebSocket-Extensions, null when absent; set once the upgrade is read. */
  volatile String extensions;
  volatile int status;
  final List<Frame> frames = new CopyOnWriteArrayList<>();

  RawFrameSocket(Vertx vertx) {
    this.client = vertx.createNetClient();
  }

  /** Connects and sends the upgrade request offering {@code offer} as Sec-WebSocket-Extensions (null: none). */
  Future<Void> connect(int port, String path, String offer) {
    return client.connect(port, "127.0.0.1").map(s -> {
      socket = s;
      s.handler(this::onBytes);
      String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + (offer == null ? "" : "Sec-WebSocket-Extensions: " + offer + "\r\n") + "\r\n";
      s.write(Buffer.buffer(request, "US-ASCII"));
      return null;
    });
  }

  boolean upgraded() {
    return status == 101;
  }

  /** Sends one masked, final, uncompressed text frame. */
  void sendText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    Buffer frame = Buffer.buffer().appendByte((byte) 0x81);
    if (payload.length < 126) {
      frame.appendByte((byte) (0x80 | payload.length));
    } else {
      frame.appendByte((byte) (0x80 | 126)).appendShort((short) payload.length);
    }
    frame.appendBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.appendByte((byte) (payload[i] ^ mask[i & 3]));
    }
    socket.write(frame);
  }

  Future<Void> close() {
    return client.close();
  }

  private void onBytes(Buffer data) {
    pending.appendBuffer(data);
    if (!upgraded) {
      String text = pending.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        return;
      }
      for (String line : text.substring(0, end).split("\r\n")) {
        if (line.startsWith("HTTP/1.1 ")) {
          status = Integer.parseInt(line.substring(9, 12));
        } else if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-extensions:")) {
          extensions = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      upgraded = true;
      pending = pending.getBuffer(end + 4, pending.length());
    }
    parseFrames();
  }

  private void parseFrames() {
    int pos = 0;
    while (pending.length() - pos >= 2) {
      int b0 = pending.getUnsignedByte(pos);
      int b1 = pending.getUnsignedByte(pos + 1);
      long len = b1 & 0x7F;
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
      if (pending.length() - pos - header < len) {
        break;
      }
      byte[] payload = pending.getBytes(pos + header, pos + header + (int) len);
      frames.add(new Frame(b0 & 0x0F, (b0 & 0x40) != 0, payload));
      pos += header + (int) len;
    }
    pending = pending.getBuffer(pos, pending.length());
  }
}
