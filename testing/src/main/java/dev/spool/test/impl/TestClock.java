package dev.spool.test.impl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The Java side of test time: the system clock shifted by as much as the test schema's SQL clock, so the
 * runtime's Java-timed decisions (periodic slots, a performed job's run_at) agree with its SQL ones.
 */
public final class TestClock extends Clock {

  private volatile Duration shift = Duration.ZERO;

  public void shift(Duration shift) {
    this.shift = shift;
  }

  public Duration shift() {
    return shift;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the test clock is in UTC");
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(shift);
  }
}
