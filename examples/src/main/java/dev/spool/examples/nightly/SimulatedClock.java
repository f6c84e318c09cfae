package dev.spool.examples.nightly;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that runs at the speed of the real one from a moment the example chooses, and that the example
 * can make jump ahead (over nights the application is down). Handed to {@code Spool.builder(vertx).clock(...)},
 * it is the time Spool's scheduler reads to find the slots due; the database keeps its own, real clock.
 * Applications leave the builder's clock alone (the system clock).
 */
public final class SimulatedClock extends Clock {

  private final ZoneId zone;
  private final AtomicReference<Duration> offset;

  public SimulatedClock(ZoneId zone) {
    this(zone, new AtomicReference<>(Duration.ZERO));
  }

  private SimulatedClock(ZoneId zone, AtomicReference<Duration> offset) {
    this.zone = zone;
    this.offset = offset;
  }

  /** From now on, the time is {@code now} (and runs on from there). */
  public void set(Instant now) {
    offset.set(Duration.between(Instant.now(), now));
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** The same simulated time, seen in another zone. */
  @Override
  public Clock withZone(ZoneId other) {
    return new SimulatedClock(other, offset);
  }
}
