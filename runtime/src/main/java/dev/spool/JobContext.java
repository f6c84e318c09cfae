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
   * Completes when this run should stop: the job was cancelled, the run timed out, or the worker is
   * shutting down and gave the job back. Handlers doing long work watch it (and adapters such as the
   * Reactor one dispose their subscription on it); a handler that ignores it is cut off at its timeout.
   */
  Future<Void> cancellation();

  /** True once {@link #cancellation()} has completed. */
  default boolean isCancelled() {
    return cancellation().isComplete();
  }

  /** True when a failure of this run sends the job to {@code dead}. */
  default boolean isLastAttempt() {
    return attempt() >= maxAttempts();
  }
}
