package io.quotecast.peers.vertx;

import io.quotecast.peers.market.QuoteMarket;
import io.quotecast.peers.market.QuoteUpdate;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayList;
import java.util.List;

/**
 * One WebSocket server instance (all instances share the port; Vert.x spreads connections over them) and the
 * subscriber lists of its own connections, per symbol. Everything here runs on this instance's event loop, so the
 * lists need no locks and every write happens on the socket's own thread.
 */
final class FanoutVerticle extends VerticleBase {
  private final int port;
  private final boolean coalesceFlushes;
  private final QuoteMarket market;
  private final List<ServerWebSocket>[] subscribers;
  private int connections;

  @SuppressWarnings("unchecked")
  FanoutVerticle(int port, QuoteMarket market, int symbols, boolean coalesceFlushes) {
    this.port = port;
    this.coalesceFlushes = coalesceFlushes;
    this.market = market;
    this.subscribers = new List[symbols];
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setTcpNoDelay(true))
        .connectionHandler(connection -> {
          // the same handler, place and bound as Quotecast's FlushCoalescing (Vert.x 5.0.10 pipeline)
          if (coalesceFlushes && connection instanceof ConnectionBase base) {
            base.channelHandlerContext().pipeline().addFirst(new FlushConsolidationHandler(256, true));
          }
        })
        .webSocketHandshakeHandler(h -> {
          if (h.path().equals("/ws")) {
            h.accept();
          } else {
            h.reject(404);
          }
        })
        .webSocketHandler(ws -> new ClientSession(ws, market, this, "c-" + context.hashCode() + "-" + ++connections)
            .start())
        .listen();
  }

  /** Called by the ticker from its own thread: the writes happen on this instance's event loop. */
  void deliver(List<QuoteUpdate> updates) {
    context.runOnContext(v -> {
      for (QuoteUpdate u : updates) {
        List<ServerWebSocket> subs = subscribers[u.symbolIndex()];
        if (subs == null) {
          continue;
        }
        byte[] bytes = u.utf8();
        for (int k = 0, n = subs.size(); k < n; k++) {
          // a frame over the shared bytes, as Quotecast's OutboundMessage: encoded once, nothing copied per socket
          subs.get(k).writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, bytes, true));
        }
      }
    });
  }

  void subscribe(int symbol, ServerWebSocket ws) {
    List<ServerWebSocket> subs = subscribers[symbol];
    if (subs == null) {
      subs = new ArrayList<>();
      subscribers[symbol] = subs;
    }
    subs.add(ws);
  }

  void unsubscribe(int symbol, ServerWebSocket ws) {
    List<ServerWebSocket> subs = subscribers[symbol];
    if (subs != null) {
      subs.remove(ws);
    }
  }
}
