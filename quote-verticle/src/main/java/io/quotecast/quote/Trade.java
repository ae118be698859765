package io.quotecast.quote;

/**
 * One simulated trade.
 *
 * @param symbolIndex index of the listing in the simulator
 * @param tradeId increasing per symbol
 * @param price fen
 * @param volume shares
 * @param amount fen, exactly {@code price * volume}
 * @param side aggressor side
 * @param time epoch ms
 */
public record Trade(int symbolIndex, long tradeId, long price, long volume, long amount, Side side, long time) {}
