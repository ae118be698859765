package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestRateTest {
  @Test
  void aBurstPassesThenTheSustainedRate() {
    RequestRate rate = new RequestRate(20, 40, 100, 0);
    for (int i = 0; i < 40; i++) {
      assertTrue(rate.tryAcquire(0), "burst request " + i);
    }
    assertFalse(rate.tryAcquire(0), "the 41st at once is refused");
    assertEquals(50, rate.retryAfterMs(0), "one token every 50 ms at 20/s");
    assertTrue(rate.tryAcquire(50));
    assertFalse(rate.tryAcquire(50));
    // a second later: 20 more, never more than the burst
    int passed = 0;
    while (rate.tryAcquire(1050)) {
      passed++;
    }
    assertEquals(20, passed);
    assertTrue(rate.tryAcquire(100_000));
    passed = 1;
    while (rate.tryAcquire(100_000)) {
      passed++;
    }
    assertEquals(40, passed, "a long pause refills to the burst only");
  }

  @Test
  void refusalsWithinTheWindowAreAbuseAndAQuietWindowForgetsThem() {
    RequestRate rate = new RequestRate(1, 1, 5, 0);
    assertTrue(rate.tryAcquire(0));
    for (int i = 0; i < 4; i++) {
      assertFalse(rate.tryAcquire(1));
    }
    assertFalse(rate.abusing(), "4 refusals, the limit is 5");
    assertFalse(rate.tryAcquire(2));
    assertTrue(rate.abusing());

    RequestRate later = new RequestRate(1, 1, 5, 0);
    later.tryAcquire(0);
    for (int i = 0; i < 4; i++) {
      later.tryAcquire(1);
    }
    long quiet = RequestRate.ABUSE_WINDOW_MS + 1;
    assertTrue(later.tryAcquire(quiet), "refilled meanwhile");
    assertFalse(later.tryAcquire(quiet)); // refused in a new window: the count starts again
    assertFalse(later.abusing());
  }
}
