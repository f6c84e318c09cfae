package dev.spool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;

/** What a handler knows of the run it is in. */
public interface JobContext {

  long id();

  String queue();

  String task();

  /** This run's number, from 1. */
  int attempt();

  int maxAttempts();

  int priority();

  /** When the job became due (for a retry: when the retry became due). */
  Instant runAt();

  Instant createdAt();

  /** The Vert.x instance the handler runs on (its event loop is the worker verticle's). */
  Vertx vertx();

  /**
   * Completes when this run should stop: the job was cancelled, the run reached its hard limit, or the
   * worker is shutting down and gave the job back. Handlers doing long work watch it (and adapters such as
   * the Reactor one dispose their subscription on it); a handler that ignores it has failed at its hard
   * limit anyway, and one that has still not returned a grace period later is reported stuck.
   */
  Future<Void> cancellation();

  /** True once {@link #cancellation()} has completed; safe to poll from a blocking handler's thread. */
  default boolean isCancelled() {
    return cancellation().isComplete();
  }

  /**
   * Completes when this run passes its soft time limit (the job's {@link EnqueueOptions#setSoftTimeout},
   * else the handler's {@link HandlerOptions#setSoftTimeout}); never when there is none. The run goes on:
   * this is the moment to save partial work and stop before the hard limit ends it. Callbacks run on the
   * worker's event loop.
   */
  Future<Void> softTimeout();

  /** True once this run has passed its soft limit; safe to poll from a blocking handler's thread. */
  default boolean isSoftTimedOut() {
    return softTimeout().isComplete();
  }

  /** True when a failure of this run sends the job to {@code dead}. */
  default boolean isLastAttempt() {
    return attempt() >= maxAttempts();
  }
}
