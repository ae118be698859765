package io.quotecast.common;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Event-bus codec for {@link Publication}: passed by reference on the local bus (it is immutable), a compact binary
 * form on the wire between cluster nodes.
 */
public final class PublicationCodec implements MessageCodec<Publication, Publication> {
  public static final String NAME = "quotecast.publication";

  /** Registers the codec as the default for {@link Publication}; safe to call more than once per Vert.x instance. */
  public static void register(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(Publication.class, new PublicationCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x instance did it first
    }
  }

  /** The wire form as a standalone buffer (what {@link io.quotecast.common.Addresses#SNAPSHOT_MAP} stores). */
  public static Buffer toBuffer(Publication p) {
    Buffer buffer = Buffer.buffer(64 + p.data().length());
    new PublicationCodec().encodeToWire(buffer, p);
    return buffer;
  }

  /** Reads {@link #toBuffer(Publication)}'s form. */
  public static Publication fromBuffer(Buffer buffer) {
    return new PublicationCodec().decodeFromWire(0, buffer);
  }

  @Override
  public void encodeToWire(Buffer buffer, Publication p) {
    buffer.appendLong(p.seq()).appendLong(p.sourceTime());
    appendString(buffer, p.channel());
    appendString(buffer, p.epoch());
    appendString(buffer, p.data());
  }

  @Override
  public Publication decodeFromWire(int pos, Buffer buffer) {
    long seq = buffer.getLong(pos);
    long sourceTime = buffer.getLong(pos + 8);
    int[] at = {pos + 16};
    String channel = readString(buffer, at);
    String epoch = readString(buffer, at);
    String data = readString(buffer, at);
    return new Publication(channel, seq, epoch, sourceTime, data);
  }

  private static void appendString(Buffer buffer, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  private static String readString(Buffer buffer, int[] at) {
    int len = buffer.getInt(at[0]);
    String s = buffer.getString(at[0] + 4, at[0] + 4 + len, "UTF-8");
    at[0] += 4 + len;
    return s;
  }

  @Override
  public Publication transform(Publication p) {
    return p;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
