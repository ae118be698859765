package io.quotecast.sdk;

import java.math.BigDecimal;
import java.math.BigInteger;

/** JSON numbers to exact decimals. */
final class Decimals {
  private Decimals() {}

  /**
   * The payloads carry prices and amounts with two places ({@code 1725.50}); the JSON parser reads them as doubles.
   * Double.toString is the shortest string that reads back to the same double, so for these values (at most 15
   * significant digits) it is exactly the decimal that was on the wire; at least two places keep {@code 1725.50}.
   */
  static BigDecimal of(Object o) {
    if (o == null) {
      return null;
    }
    BigDecimal d;
    if (o instanceof BigDecimal b) {
      d = b;
    } else if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof BigInteger) {
      d = new BigDecimal(o.toString());
    } else if (o instanceof Number n) {
      d = new BigDecimal(Double.toString(n.doubleValue()));
    } else {
      d = new BigDecimal(o.toString());
    }
    return d.scale() < 2 ? d.setScale(2) : d;
  }

  static long longOf(Object o) {
    return o instanceof Number n ? n.longValue() : 0L;
  }
}
