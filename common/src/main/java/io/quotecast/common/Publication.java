package io.quotecast.common;

import io.vertx.core.shareddata.Shareable;

/**
 * One publication of a channel as it travels from the quote verticle to gateways: the channel, its per-epoch sequence
 * number, the source time (for latency), and the payload already encoded as JSON text, so that no gateway encodes the
 * data again. Immutable, so it passes through the local event bus and shared maps without copies.
 *
 * @param channel channel key text, e.g. {@code quote:600519.SH}
 * @param seq +1 per publication within the epoch
 * @param epoch identifies the stream; changes when the stream restarts
 * @param sourceTime when the data source produced the event (epoch ms)
 * @param data the payload as JSON text (object)
 */
public record Publication(String channel, long seq, String epoch, long sourceTime, String data) implements Shareable {

  /** The channel type, from the key's prefix. */
  public ChannelType type() {
    char c = channel.charAt(0);
    return c == 'q' ? ChannelType.QUOTE : c == 't' ? ChannelType.TRADE : ChannelType.KLINE;
  }

  /** For K-line publications: whether this is a bar's final state ({@code "closed":true}). */
  public boolean isClosedBar() {
    return type() == ChannelType.KLINE && data.endsWith("\"closed\":true}");
  }
}
