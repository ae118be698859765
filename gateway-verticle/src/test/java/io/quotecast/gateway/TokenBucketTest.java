package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  @Test
  void aFullBucketGivesItsBurstThenRefillsAtTheRate() {
    TokenBucket b = new TokenBucket(2, 3, 0);
    assertTrue(b.full(0));
    for (int i = 0; i < 3; i++) {
      assertTrue(b.tryAcquire(0), "burst token " + i);
    }
    assertFalse(b.tryAcquire(0));
    assertEquals(500, b.retryAfterMs(0), "one token every 500 ms at 2/s");
    assertFalse(b.tryAcquire(499));
    assertEquals(1, b.retryAfterMs(499));
    assertTrue(b.tryAcquire(500));
    assertFalse(b.tryAcquire(500));
    assertFalse(b.full(1000));
    assertTrue(b.full(2000), "refilled to the burst, never beyond");
    for (int i = 0; i < 3; i++) {
      assertTrue(b.tryAcquire(10_000));
    }
    assertFalse(b.tryAcquire(10_000), "a long pause does not bank more than the burst");
  }

  @Test
  void aClockGoingBackwardsTakesNothingAndGivesNothing() {
    TokenBucket b = new TokenBucket(1, 1, 1000);
    assertTrue(b.tryAcquire(1000));
    assertFalse(b.tryAcquire(500));
    assertTrue(b.tryAcquire(2000));
  }

  @Test
  void aRateMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
  }
}
