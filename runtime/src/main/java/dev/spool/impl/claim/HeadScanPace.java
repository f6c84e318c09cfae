package dev.spool.impl.claim;

import java.util.function.LongSupplier;

/**
 * When the next head scan of one producer (or look from the heads of a worker's poll) may start: a head scan reads a
 * queue from its head, every index entry a long transaction elsewhere keeps there included, to find what sits below
 * the floors the claims read from. It runs beside the claims, no more often than every {@code minInterval} and taking
 * at most one {@link #SHARE}th of the time: with a clean index a few times a second, with a held one every few
 * seconds. Used by {@link ClaimFrontier}, {@link KeyFrontier} and {@link QueuePoller}.
 *
 * <p>Not thread-safe: used on the producer's event loop.
 */
final class HeadScanPace {

  /** A head scan waits this many times its own duration before the next one. */
  static final int SHARE = 20;

  private final LongSupplier nanoTime;
  private final long minIntervalNanos;
  private boolean scanning;
  private long nextScanNanos;
  /** Counts the head scans that landed. */
  private int scans;

  HeadScanPace(LongSupplier nanoTime, long minIntervalMs) {
    this.nanoTime = nanoTime;
    this.minIntervalNanos = minIntervalMs * 1_000_000;
    this.nextScanNanos = nanoTime.getAsLong(); // the first is due at once
  }

  /** True while a head scan is on its way. */
  boolean scanning() {
    return scanning;
  }

  /** How long until a head scan is due, in ms (0: now). */
  long dueInMs() {
    return Math.max(0, (nextScanNanos - nanoTime.getAsLong() + 999_999) / 1_000_000);
  }

  /** True when a head scan should start now. */
  boolean due() {
    return !scanning && nanoTime.getAsLong() - nextScanNanos >= 0;
  }

  /** A head scan was sent. */
  void started() {
    scanning = true;
  }

  /** The head scan failed: the next one may start after the shortest pause. */
  void failed() {
    scanning = false;
    nextScanNanos = nanoTime.getAsLong() + minIntervalNanos;
  }

  /**
   * A head scan landed that spent {@code tookNanos} in the database (from its snapshot to its end: the first scan of a
   * worker also opens a connection and prepares the statement, which says nothing of the next one). Returns the count
   * of head scans landed, this one included.
   */
  int landed(long tookNanos) {
    scanning = false;
    nextScanNanos = nanoTime.getAsLong() + Math.max(minIntervalNanos, Math.max(0, tookNanos) * SHARE);
    return ++scans;
  }

  /** The head scans landed so far. */
  int scans() {
    return scans;
  }

  /** The clock the pace runs on. */
  long nanoTime() {
    return nanoTime.getAsLong();
  }
}
