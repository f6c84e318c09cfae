package dev.spool.impl.maintenance;

import java.time.Duration;

/**
 * What a worker knows of its own registration: until when the rescuer cannot have declared it dead, from
 * the heartbeats the database confirmed. A worker that is not sure it is alive must neither claim nor
 * start jobs: the rescuer may have taken them back and handed them to another worker already (a
 * partition, a frozen process, a long GC pause). Once a beat sent after the lapse is confirmed, the worker
 * is alive again, but what it held before may be gone: {@link #onRegained} is told, so the prefetched jobs
 * go back (their release is fenced like any ack) instead of being started twice.
 *
 * <p>The rescuer reaps a worker whose row is older than the worker timeout, or older than two heartbeat
 * intervals when its database session is gone (and its last beat came after the server's start: a restart
 * closes every session, so then it waits the worker timeout; the window below assumes the shorter case). A confirmed beat proves the row was written no earlier than
 * the beat was sent, so the worker counts from the send: it is alive until send + worker timeout − one
 * interval (the interval is the margin for the rescuer's own pass and clocks), or until send + two
 * intervals after a beat failed (its session may be the one that is gone).
 *
 * <p>Not thread-safe: the heartbeat and the producers of one worker share its event loop.
 */
public final class Liveness {

  private final long windowNanos;
  private final long sessionLostWindowNanos;
  private long lastConfirmedSend;
  private long aliveUntil;
  private boolean confirmedOnce;
  private boolean lapsed;
  private Runnable onRegained = () -> { };

  /** The window the worker's own options give it ({@code workerTimeout}, {@code heartbeatInterval}). */
  public Liveness(Duration workerTimeout, Duration heartbeatInterval) {
    long interval = heartbeatInterval.toNanos();
    this.windowNanos = Math.max(interval, workerTimeout.toNanos() - interval);
    this.sessionLostWindowNanos = Math.min(windowNanos, 2 * interval);
  }

  /** A liveness that never lapses: for producers run without a heartbeat (tests of the claim loop). */
  public static Liveness always() {
    Liveness always = new Liveness(Duration.ofDays(3650), Duration.ofDays(1));
    always.confirmed(System.nanoTime(), System.nanoTime());
    return always;
  }

  /** Called when the worker is sure of its registration again after a lapse. */
  public Liveness onRegained(Runnable onRegained) {
    this.onRegained = onRegained;
    return this;
  }

  /** True while the rescuer cannot have declared this worker dead; a false answer is remembered as a lapse. */
  public boolean isAlive(long nowNanos) {
    boolean alive = confirmedOnce && nowNanos - aliveUntil < 0;
    if (!alive && confirmedOnce) {
      lapsed = true;
    }
    return alive;
  }

  /** The database confirmed the beat sent at {@code sentNanos}; the answer came at {@code nowNanos}. */
  public void confirmed(long sentNanos, long nowNanos) {
    if (confirmedOnce && nowNanos - aliveUntil >= 0) {
      lapsed = true; // the window closed before this answer came: the rescuer may have acted meanwhile
    }
    if (!confirmedOnce || sentNanos - lastConfirmedSend > 0) {
      lastConfirmedSend = sentNanos;
    }
    confirmedOnce = true;
    aliveUntil = lastConfirmedSend + windowNanos;
    // a beat that waited out the partition in a socket buffer is confirmed late and proves little: only one
    // sent recently enough reopens the window
    if (lapsed && nowNanos - aliveUntil < 0) {
      lapsed = false;
      onRegained.run();
    }
  }

  /** A beat failed: the worker's session may be gone, and then the rescuer needs only two missed beats. */
  public void beatFailed() {
    if (confirmedOnce) {
      long sessionLostUntil = lastConfirmedSend + sessionLostWindowNanos;
      if (sessionLostUntil - aliveUntil < 0) {
        aliveUntil = sessionLostUntil;
      }
    }
  }
}
