package io.quotecast.common;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Fixed-point decimals with two places (prices in fen, amounts in fen, percentages in hundredths), written as exact
 * JSON numbers such as {@code 1725.50}. Never binary floating point on the way out.
 */
public final class Price {
  private Price() {}

  /** Appends {@code hundredths} as a decimal with exactly two places. */
  public static StringBuilder append(StringBuilder sb, long hundredths) {
    if (hundredths < 0) {
      sb.append('-');
      if (hundredths == Long.MIN_VALUE) {
        return sb.append(BigDecimal.valueOf(hundredths, 2).negate().toPlainString());
      }
      hundredths = -hundredths;
    }
    long units = hundredths / 100;
    int frac = (int) (hundredths % 100);
    sb.append(units).append('.');
    if (frac < 10) {
      sb.append('0');
    }
    return sb.append(frac);
  }

  public static String format(long hundredths) {
    return append(new StringBuilder(16), hundredths).toString();
  }

  /** Parses a decimal (at most two places, after rounding half-up) into hundredths. */
  public static long parse(String text) {
    return new BigDecimal(text.trim()).setScale(2, RoundingMode.HALF_UP).unscaledValue().longValueExact();
  }

  public static BigDecimal toDecimal(long hundredths) {
    return BigDecimal.valueOf(hundredths, 2);
  }

  /** {@code value * pct / 100} rounded half-up to hundredths, the way exchanges round price limits. */
  public static long percentOf(long hundredths, int pct) {
    return BigDecimal.valueOf(hundredths).multiply(BigDecimal.valueOf(pct))
        .divide(BigDecimal.valueOf(100), 0, RoundingMode.HALF_UP).longValueExact();
  }

  /**
   * {@code numerator / denominator * 100} in hundredths of a percent, rounded half-up (away from zero). Called for
   * every quote, so the common case (positive denominator, no overflow) is plain long arithmetic; the rest goes
   * through BigDecimal. A zero denominator gives 0.
   */
  public static long percentChange(long numerator, long denominator) {
    if (denominator == 0) {
      return 0;
    }
    if (denominator > 0 && denominator <= Long.MAX_VALUE / 2 && Math.abs(numerator) <= Long.MAX_VALUE / 20_000) {
      long abs = Math.abs(numerator) * 10_000;
      long q = (2 * abs + denominator) / (2 * denominator);
      return numerator < 0 ? -q : q;
    }
    return BigDecimal.valueOf(numerator).multiply(BigDecimal.valueOf(10_000))
        .divide(BigDecimal.valueOf(denominator), 0, RoundingMode.HALF_UP).longValueExact();
  }
}
