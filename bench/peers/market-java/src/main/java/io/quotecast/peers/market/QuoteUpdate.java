package io.quotecast.peers.market;

/**
 * One quote publication, encoded once: the whole envelope as UTF-8, ready to be written to every subscriber.
 *
 * @param symbolIndex index into {@link QuoteMarket#listings()}
 * @param channel {@code quote:<symbol>}
 */
public record QuoteUpdate(int symbolIndex, String channel, long seq, byte[] utf8) {}
