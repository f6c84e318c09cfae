package dev.spool.impl.claim;

/**
 * A queue as the worker's {@link QueuePoller} sees it: its {@link Producer}, which the poll wakes when the queue has
 * due jobs.
 */
interface PolledQueue {

  /** Leaves the fallback poll to the poller; called before the queue's loop starts. */
  void polledTogether();

  /** True when the queue's loop waits for a wake-up to claim again. */
  boolean waitsForWork();

  /** The floors its claims read from, or null while unknown or unused. */
  ClaimFrontier floors();

  /** Makes it claim. */
  void wake();
}
