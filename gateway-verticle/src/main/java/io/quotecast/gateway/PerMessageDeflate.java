package io.quotecast.gateway;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * permessage-deflate (RFC 7692) as {@code gateway.compression} configures it. Vert.x 5 builds Netty's handshaker
 * itself, without the filter that skips short messages and with no way to keep server context takeover off for
 * clients that do not ask (browsers never do), so each new HTTP/1.x connection gets this handshaker in place of
 * Vert.x's, under the same pipeline name and before any request is read. Only the extension negotiation changes: the
 * WebSocket handshake, frame limits and the inflating of client messages stay Vert.x's and Netty's.
 */
final class PerMessageDeflate {
  private static final Logger LOGGER = LoggerFactory.getLogger(PerMessageDeflate.class);
  /** The name Vert.x 5 (HttpServerConnectionHandler) gives its extension handler in an HTTP/1.x pipeline. */
  static final String VERTX_HANDLER = "webSocketExtensionHandler";
  private static final String EXTENSION = "permessage-deflate";
  private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final WebSocketServerExtensionHandshaker handshaker;

  /**
   * @param serverNoContext keep no deflate window between messages on any connection (RFC 7692 §7.1.1.1 lets the
   *     server decide this alone); when false a client may still ask for it
   * @param minMessageBytes messages shorter than this go out uncompressed; 0 compresses all
   */
  PerMessageDeflate(int level, boolean serverNoContext, boolean clientNoContext, int minMessageBytes) {
    WebSocketExtensionFilter encoder = minMessageBytes > 0 ? new SmallMessageFilter(minMessageBytes)
        : WebSocketExtensionFilter.NEVER_SKIP;
    WebSocketExtensionFilterProvider filters = new WebSocketExtensionFilterProvider() {
      @Override
      public WebSocketExtensionFilter encoderFilter() {
        return encoder;
      }

      @Override
      public WebSocketExtensionFilter decoderFilter() {
        return WebSocketExtensionFilter.NEVER_SKIP;
      }
    };
    // The same arguments Vert.x passes, plus the filter; a client asking for no server context always gets it.
    PerMessageDeflateServerExtensionHandshaker netty = new PerMessageDeflateServerExtensionHandshaker(level,
        ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(), PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE,
        true, clientNoContext, filters);
    this.handshaker = serverNoContext ? offer -> netty.handshakeExtension(withoutServerContext(offer)) : netty;
  }

  /** The client's offer as if it had asked for server_no_context_takeover, so the answer (and encoder) has it. */
  static WebSocketExtensionData withoutServerContext(WebSocketExtensionData offer) {
    if (!EXTENSION.equalsIgnoreCase(offer.name()) || offer.parameters().containsKey(SERVER_NO_CONTEXT)) {
      return offer;
    }
    Map<String, String> parameters = new HashMap<>(offer.parameters());
    parameters.put(SERVER_NO_CONTEXT, null);
    return new WebSocketExtensionData(offer.name(), parameters);
  }

  /**
   * For {@code HttpServer.connectionHandler}: runs on the connection's event loop right after Vert.x set up its
   * pipeline. Connections without Vert.x's handler (HTTP/2) are left alone; an HTTP/1.x pipeline laid out
   * differently (another Vert.x version) keeps Vert.x's own compression, with one warning.
   */
  void install(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base) || base.channelHandlerContext() == null) {
      warnOnce("connection type " + connection.getClass().getName());
      return;
    }
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    if (pipeline.get(VERTX_HANDLER) == null) {
      if (pipeline.get(HttpRequestDecoder.class) != null || pipeline.get(HttpServerCodec.class) != null) {
        warnOnce("no " + VERTX_HANDLER + " in the pipeline " + pipeline.names());
      }
      return;
    }
    // Not sharable (it keeps the negotiated extensions of its connection): one per connection.
    pipeline.replace(VERTX_HANDLER, VERTX_HANDLER, new WebSocketServerExtensionHandler(handshaker));
  }

  private static void warnOnce(String why) {
    if (WARNED.compareAndSet(false, true)) {
      LOGGER.warn("gateway.compression.minMessageBytes and serverNoContextTakeover not applied ({}); Vert.x's own "
          + "permessage-deflate settings are used", why);
    }
  }

  /** Exposed for tests: the answer this handshaker gives an offer, or null when it declines. */
  WebSocketServerExtension handshake(WebSocketExtensionData offer) {
    return handshaker.handshakeExtension(offer);
  }
}
