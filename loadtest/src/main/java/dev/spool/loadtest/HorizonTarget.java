package dev.spool.loadtest;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * What a horizon run loads and watches: a queue with a worker running, the same scenario for each (Spool's
 * worker process, or the SQL floor's paced pgbench).
 */
interface HorizonTarget {

  /** Makes the queue empty and ready (its tables recreated). */
  void setUp() throws Exception;

  /** Starts the worker; returns once it claims. */
  void startWorker() throws Exception;

  /** Enqueues {@code n} jobs, asynchronously; failures are counted in {@link #enqueueErrors()}. */
  void enqueue(int n);

  long enqueued();

  long enqueueErrors();

  /** The queue's table as a regclass literal, for the size and dead-tuple queries. */
  String table();

  /** Due jobs waiting now. */
  long backlog();

  /** Pickup latencies in microseconds of the jobs started in {@code [fromMillis, toMillis)}, epoch milliseconds. */
  Histogram pickups(long fromMillis, long toMillis);

  /** A probe of this target's claim statement. */
  ClaimProbe probe();

  /** The named queries (of checks.sql) of the pin's read and analytical query on this target's table. */
  String pinReadSql();

  String analyticsSql();

  /** Stops the worker (gracefully) and says what was left. */
  void stop() throws Exception;

  /** The target's settings, for the result. */
  JsonObject describe();
}
