package dev.spool.impl;

import io.vertx.core.Future;

/**
 * One of a worker's services (producer, completer, heartbeat, notifier, elector, the leader's maintenance
 * services): started and stopped through futures, so a worker starts them in order, stops them in the
 * reverse order and knows when each is done. Stop is safe to call on a service that never started.
 */
public interface Service {

  /** Starts the service; the future fails when it cannot start (the worker then does not start either). */
  Future<Void> start();

  /** Stops the service; the future completes when it has let go of what it held. */
  Future<Void> stop();
}
