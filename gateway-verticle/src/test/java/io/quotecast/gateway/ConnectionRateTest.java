package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionRateTest {
  @Test
  void eachAddressHasItsOwnBudget() {
    ConnectionRate rate = new ConnectionRate(1, 2, 0);
    assertEquals(0, rate.acquire("10.0.0.1", 0));
    assertEquals(0, rate.acquire("10.0.0.1", 0));
    assertEquals(1000, rate.acquire("10.0.0.1", 0), "the third waits for a token");
    assertEquals(0, rate.acquire("10.0.0.2", 0), "another address is not affected");
    assertEquals(0, rate.acquire("10.0.0.1", 1000));
  }

  @Test
  void zeroMeansNoLimit() {
    ConnectionRate rate = new ConnectionRate(0, 1, 0);
    for (int i = 0; i < 1000; i++) {
      assertEquals(0, rate.acquire("10.0.0.1", 0));
    }
    assertEquals(0, rate.tracked(), "nothing is remembered");
  }

  @Test
  void refilledBucketsAreForgottenAtTheSweep() {
    ConnectionRate rate = new ConnectionRate(10, 5, 0);
    for (int i = 0; i < 100; i++) {
      rate.acquire("10.0.1." + i, 0);
    }
    rate.acquire("10.0.0.9", 0);
    assertEquals(101, rate.tracked());
    // at the sweep every bucket but the one just spent is full again
    for (int i = 0; i < 5; i++) {
      rate.acquire("10.0.0.9", ConnectionRate.SWEEP_MS);
    }
    assertEquals(1, rate.tracked(), "only the address with a spent budget is kept");
    assertTrue(rate.acquire("10.0.0.9", ConnectionRate.SWEEP_MS) > 0, "and its budget is still spent");
  }
}
