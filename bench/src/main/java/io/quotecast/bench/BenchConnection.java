package io.quotecast.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One load-generating WebSocket connection. All its state is touched only on its own event loop; shared numbers go
 * to {@link BenchStats}.
 */
final class BenchConnection implements MessageScanner.ElementVisitor {
  private static final long UNSET = Long.MIN_VALUE;
  private static final byte[] T_BATCH = MessageScanner.ascii("batch");
  private static final byte[] T_RESULT = MessageScanner.ascii("result");
  private static final byte[] T_ERROR = MessageScanner.ascii("error");
  private static final byte[] T_WELCOME = MessageScanner.ascii("welcome");
  private static final byte[] T_STATUS = MessageScanner.ascii("status");
  private static final byte[] T_NOTICE = MessageScanner.ascii("notice");

  final int index;
  private final List<String> channels;
  private final byte[][] channelBytes;
  private final long[] lastSeq;
  /** Per channel: the next live message is the first after a snapshot (or the first at all). */
  private final boolean[] firstLive;
  private Map<String, long[]> otherChannels;
  private final String freq;
  private final BenchStats stats;
  private final MicroClock clock;
  private final MessageScanner scanner = new MessageScanner();
  private final MessageScanner.Envelope env = new MessageScanner.Envelope();
  private final MessageScanner.Envelope inner = new MessageScanner.Envelope();
  private ClientWebSocket ws;
  /** Set once the handshake succeeded: a ClientWebSocket that never connected throws on isClosed(). */
  private volatile boolean upgraded;
  private Buffer partial;
  private long batchRecvUs;
  private long batchTs;
  volatile boolean stopping;

  BenchConnection(int index, List<String> channels, String freq, BenchStats stats, MicroClock clock) {
    this.index = index;
    this.channels = channels;
    this.freq = freq;
    this.stats = stats;
    this.clock = clock;
    this.channelBytes = new byte[channels.size()][];
    this.lastSeq = new long[channels.size()];
    this.firstLive = new boolean[channels.size()];
    for (int i = 0; i < channels.size(); i++) {
      channelBytes[i] = channels.get(i).getBytes(StandardCharsets.UTF_8);
      lastSeq[i] = UNSET;
      firstLive[i] = true;
    }
  }

  /** Connects, then sends the subscribe request. Must be called on the event loop this connection should live on. */
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
      if (!stopping) {
        stats.unexpectedCloses.increment();
        Short code = ws.closeStatusCode();
        String reason = ws.closeReason();
        BenchStats.count(stats.closeCodes, code + (reason == null || reason.isEmpty() ? "" : " " + reason));
      }
    });
    return ws.connect(options).compose(w -> {
      stats.handshake.recordValue(Math.max(0, (System.nanoTime() - startNs) / 1000));
      upgraded = true;
      stats.connected.increment();
      stats.open.increment();
      // --channels 0: an idle connection that subscribes to nothing (S4)
      return channels.isEmpty() ? Future.succeededFuture() : ws.writeTextMessage(subscribeRequest());
    }, err -> {
      stats.connectFailures.increment();
      BenchStats.count(stats.connectErrors, String.valueOf(err));
      return Future.failedFuture(err);
    });
  }

  String subscribeRequest() {
    JsonObject args = new JsonObject().put("channels", new JsonArray(List.copyOf(channels))).put("freq", freq);
    return new JsonObject().put("op", "subscribe").put("id", "s" + index).put("args", args).encode();
  }

  Future<Void> close() {
    stopping = true;
    if (ws == null || !upgraded || ws.isClosed()) {
      return Future.succeededFuture();
    }
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
    onMessage(b, recvUs);
  }

  void onMessage(byte[] b, long recvUs) {
    if (scanner.parseEnvelope(b, 0, b.length, env) < 0) {
      stats.parseErrors.increment();
      stats.sample("unparsable: " + new String(b, StandardCharsets.UTF_8));
      return;
    }
    if (env.typeIs(b, T_BATCH) && env.hasData()) {
      stats.batches.increment();
      batchRecvUs = recvUs;
      batchTs = env.ts;
      if (scanner.forEachElement(b, env.dataStart, env.dataEnd, this) < 0) {
        stats.parseErrors.increment();
      }
      return;
    }
    handle(b, 0, b.length, env, recvUs, env.ts);
  }

  @Override
  public void element(byte[] b, int start, int end) {
    if (scanner.parseEnvelope(b, start, end, inner) < 0) {
      stats.parseErrors.increment();
      return;
    }
    handle(b, start, end, inner, batchRecvUs, inner.ts != MessageScanner.NONE ? inner.ts : batchTs);
  }

  /** One message: {@code b[start, end)} (a whole frame, or one element of a batch frame). */
  private void handle(byte[] b, int start, int end, MessageScanner.Envelope e, long recvUs, long ts) {
    if (e.chStart >= 0 && e.seq != MessageScanner.NONE) {
      channelMessage(b, e, recvUs, ts);
      return;
    }
    if (e.typeIs(b, T_RESULT)) {
      stats.results.increment();
      subscribeResult(new String(b, start, end - start, StandardCharsets.UTF_8));
    } else if (e.typeIs(b, T_ERROR)) {
      stats.errors.increment();
      String text = new String(b, start, end - start, StandardCharsets.UTF_8);
      String code = "?";
      try {
        code = new JsonObject(text).getJsonObject("data", new JsonObject()).getString("code", "?");
      } catch (RuntimeException ignored) {
        // keep "?"
      }
      BenchStats.count(stats.errorCodes, code);
      stats.sample(text);
    } else if (e.typeIs(b, T_WELCOME)) {
      stats.welcomes.increment();
      if (stats.welcome == null) {
        stats.welcome = new String(b, start, end - start, StandardCharsets.UTF_8);
      }
    } else if (e.typeIs(b, T_STATUS)) {
      stats.statuses.increment();
      stats.sample(new String(b, start, end - start, StandardCharsets.UTF_8));
    } else if (e.typeIs(b, T_NOTICE)) {
      stats.notices.increment();
      stats.sample(new String(b, start, end - start, StandardCharsets.UTF_8));
    } else {
      stats.otherTypes.increment();
    }
  }

  private void channelMessage(byte[] b, MessageScanner.Envelope e, long recvUs, long ts) {
    stats.channelMessages.increment();
    switch (b[e.chStart]) {
      case 'q' -> stats.quotes.increment();
      case 't' -> stats.trades.increment();
      case 'k' -> stats.klines.increment();
      default -> { }
    }
    long[] seqs = lastSeq;
    int idx = channelIndex(b, e.chStart, e.chEnd);
    if (idx < 0) {
      stats.unknownChannel.increment();
      if (otherChannels == null) {
        otherChannels = new HashMap<>();
      }
      seqs = otherChannels.computeIfAbsent(e.ch(b), k -> new long[] {UNSET});
      idx = 0;
    }
    long last = seqs[idx];
    boolean known = seqs == lastSeq;
    if (e.snapshot) {
      stats.snapshots.increment();
      seqs[idx] = last == UNSET ? e.seq : Math.max(last, e.seq);
      if (known) {
        firstLive[idx] = true;
      }
      return;
    }
    stats.liveMessages.increment();
    if (e.recovered) {
      stats.recovered.increment();
    }
    boolean first = known && firstLive[idx];
    if (first) {
      firstLive[idx] = false;
    }
    if (last != UNSET) {
      if (e.seq > last + 1) {
        stats.gaps.increment();
        stats.missed.add(e.seq - last - 1);
        if (first) {
          stats.gapsAfterSnapshot.increment();
        }
      } else if (e.seq <= last) {
        stats.stale.increment();
        if (first) {
          stats.staleAfterSnapshot.increment();
        }
      }
    }
    if (last == UNSET || e.seq > last) {
      seqs[idx] = e.seq;
    }
    long sourceTime = e.hasData() ? scanner.dataTime(b, e.dataStart, e.dataEnd) : MessageScanner.NONE;
    if (sourceTime != MessageScanner.NONE) {
      BenchStats.record(stats.sourceToClient, recvUs - sourceTime * 1000, stats);
      if (ts != MessageScanner.NONE) {
        BenchStats.record(stats.sourceToServer, (ts - sourceTime) * 1000, stats);
      }
    } else {
      stats.noSourceTime.increment();
    }
    if (ts != MessageScanner.NONE) {
      BenchStats.record(stats.serverToClient, recvUs - ts * 1000, stats);
    }
  }

  private int channelIndex(byte[] b, int s, int e) {
    byte[][] cb = channelBytes;
    for (int i = 0; i < cb.length; i++) {
      if (MessageScanner.rangeEquals(b, s, e, cb[i])) {
        return i;
      }
    }
    return -1;
  }

  private void subscribeResult(String text) {
    try {
      JsonObject msg = new JsonObject(text);
      JsonObject data = msg.getJsonObject("data");
      if (data == null) {
        return;
      }
      JsonArray sub = data.getJsonArray("subscribed");
      if (sub != null) {
        stats.subscribed.add(sub.size());
        for (int i = 0; i < sub.size(); i++) {
          Object o = sub.getValue(i);
          if (o instanceof JsonObject j && j.getString("freq") != null && !freq.equals(j.getString("freq"))) {
            stats.freqChanged.increment();
          }
        }
      }
      JsonArray rej = data.getJsonArray("rejected");
      if (rej != null) {
        stats.rejected.add(rej.size());
        for (int i = 0; i < rej.size(); i++) {
          Object o = rej.getValue(i);
          BenchStats.count(stats.rejectCodes, o instanceof JsonObject j ? j.getString("code", "?") : "?");
        }
        if (!rej.isEmpty()) {
          stats.sample(text);
        }
      }
    } catch (RuntimeException ex) {
      stats.parseErrors.increment();
    }
  }
}
