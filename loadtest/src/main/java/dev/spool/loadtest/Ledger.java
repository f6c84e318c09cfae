package dev.spool.loadtest;

import java.util.BitSet;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Executions per job id, for a run whose ids are all known before its handlers start (drain): one
 * counter per id in a dense array indexed by {@code id - minId}, so a handler pays one atomic increment
 * and no allocation, and the run can say which jobs never ran and which ran more than once.
 */
final class Ledger {

  private final long base;
  private final BitSet expected;
  private final int expectedCount;
  private final AtomicIntegerArray counts;
  private final AtomicInteger notYetExecuted;
  private final CountDownLatch allExecuted = new CountDownLatch(1);
  private final AtomicLong executions = new AtomicLong();
  private final AtomicLong unexpected = new AtomicLong();

  /** A ledger of these ids (as returned by the enqueue); they may have gaps but should be close together. */
  Ledger(long[] ids) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long id : ids) {
      min = Math.min(min, id);
      max = Math.max(max, id);
    }
    long span = ids.length == 0 ? 0 : max - min + 1;
    if (span > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("job ids span " + span + " values, too many for one ledger");
    }
    this.base = ids.length == 0 ? 0 : min;
    this.expected = new BitSet((int) span);
    for (long id : ids) {
      expected.set((int) (id - base));
    }
    this.expectedCount = expected.cardinality();
    this.counts = new AtomicIntegerArray((int) span);
    this.notYetExecuted = new AtomicInteger(expectedCount);
    if (expectedCount == 0) {
      allExecuted.countDown();
    }
  }

  /** Called by the handler, on any event loop. The BitSet is only read after construction, so sharing it is safe. */
  void executed(long id) {
    executions.incrementAndGet();
    long index = id - base;
    if (index < 0 || index >= counts.length() || !expected.get((int) index)) {
      unexpected.incrementAndGet();
      return;
    }
    if (counts.incrementAndGet((int) index) == 1 && notYetExecuted.decrementAndGet() == 0) {
      allExecuted.countDown();
    }
  }

  /** Waits up to {@code millis} for every expected job to have run at least once. */
  boolean awaitAllExecuted(long millis) throws InterruptedException {
    return allExecuted.await(millis, TimeUnit.MILLISECONDS);
  }

  int expectedCount() {
    return expectedCount;
  }

  /** Expected jobs that ran at least once. */
  int executedCount() {
    return expectedCount - notYetExecuted.get();
  }

  /** Handler calls so far, repeated ones included. */
  long executions() {
    return executions.get();
  }

  /** Handler calls for ids this run did not enqueue (another process sharing the schema). */
  long unexpected() {
    return unexpected.get();
  }

  /** Runs beyond the first, over all expected jobs. */
  long duplicates() {
    long duplicates = 0;
    for (int i = expected.nextSetBit(0); i >= 0; i = expected.nextSetBit(i + 1)) {
      duplicates += Math.max(0, counts.get(i) - 1);
    }
    return duplicates;
  }

  /**
   * Jobs that never ran, or whose row is still unfinished ({@code openIds}, read from the table at the
   * end): each counted once.
   */
  long lost(Collection<Long> openIds) {
    BitSet lost = new BitSet(counts.length());
    for (int i = expected.nextSetBit(0); i >= 0; i = expected.nextSetBit(i + 1)) {
      if (counts.get(i) == 0) {
        lost.set(i);
      }
    }
    long outside = 0;
    for (long id : openIds) {
      long index = id - base;
      if (index >= 0 && index < counts.length() && expected.get((int) index)) {
        lost.set((int) index);
      } else {
        outside++;
      }
    }
    return lost.cardinality() + outside;
  }
}
