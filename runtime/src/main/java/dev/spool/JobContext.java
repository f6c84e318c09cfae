package dev.spool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** What a handler knows of the run it is in. */
public interface JobContext {

  /** {@return the job's id} */
  long id();

  /** {@return the queue the job was claimed from} */
  String queue();

  /** {@return the job's task name} */
  String task();

  /**
   * This run's number, from 1.
   *
   * @return the attempt number, from 1
   */
  int attempt();

  /** {@return the runs the job gets in all; a failure of run {@code maxAttempts()} sends it to {@code dead}} */
  int maxAttempts();

  /** {@return the job's priority; lower runs first} */
  int priority();

  /**
   * When the job became due (for a retry: when the retry became due).
   *
   * @return the instant the job (or its retry) became due
   */
  Instant runAt();

  /** {@return when the job was enqueued} */
  Instant createdAt();

  /**
   * The Vert.x instance the handler runs on (its event loop is the worker verticle's).
   *
   * @return the Vert.x instance
   */
  Vertx vertx();

  /**
   * Completes when this run should stop: the job was cancelled, the run reached its hard limit, or the
   * worker is shutting down and gave the job back. Handlers doing long work watch it (and adapters such as
   * the Reactor one dispose their subscription on it); a handler that ignores it has failed at its hard
   * limit anyway, and one that has still not returned a grace period later is reported stuck.
   *
   * @return a future that completes when the run should stop, and never fails
   */
  Future<Void> cancellation();

  /**
   * True once {@link #cancellation()} has completed; safe to poll from a blocking handler's thread.
   *
   * @return true once the run should stop
   */
  default boolean isCancelled() {
    return cancellation().isComplete();
  }

  /**
   * Reports how far the run got: a number (a percentage, a count) and/or a small JSON object. Cheap to call
   * often: the latest value is written with the worker's next heartbeat (at most once a heartbeat per job),
   * and shows in {@link JobClient#result}, the admin API, the CLI and the dashboard as
   * {@code {"value": ..., "details": {...}}}.
   *
   * @param value a number, or null for none
   * @param details a small JSON object, or null for none
   */
  default void progress(Number value, JsonObject details) {
  }

  /**
   * {@link #progress(Number, JsonObject)} of a number.
   *
   * @param value a number, such as a percentage or a count
   */
  default void progress(Number value) {
    progress(value, null);
  }

  /**
   * {@link #progress(Number, JsonObject)} of a JSON object.
   *
   * @param details a small JSON object
   */
  default void progress(JsonObject details) {
    progress(null, details);
  }

  /**
   * This job's parents (workflow steps it depends on) with their states and results, in id order: one query,
   * made when asked. Empty for a job without parents.
   *
   * @return the parents' results, empty without parents
   */
  default Future<List<JobResult>> parents() {
    return Future.succeededFuture(List.of());
  }

  /**
   * How many of this job's parents ended in each state: a batch callback's tally of completed, dead and
   * cancelled jobs. One query, made when asked.
   *
   * @return counts of the parents by state; states no parent is in are absent
   */
  default Future<Map<JobState, Long>> parentStates() {
    return Future.succeededFuture(Map.of());
  }

  /**
   * The parent that is step {@code step} of this job's workflow, if it is one of its parents.
   *
   * @param step the step's name in the workflow
   * @return the parent's result, or empty when no parent is that step
   */
  default Future<Optional<JobResult>> parent(String step) {
    return parents().map(all -> all.stream().filter(p -> step.equals(p.step())).findFirst());
  }

  /**
   * Completes when this run passes its soft time limit (the job's {@link EnqueueOptions#setSoftTimeout},
   * else the handler's {@link HandlerOptions#setSoftTimeout}); never when there is none. The run goes on:
   * this is the moment to save partial work and stop before the hard limit ends it. Callbacks run on the
   * worker's event loop.
   *
   * @return a future that completes at the soft limit
   */
  Future<Void> softTimeout();

  /**
   * True once this run has passed its soft limit; safe to poll from a blocking handler's thread.
   *
   * @return true once the soft limit has passed
   */
  default boolean isSoftTimedOut() {
    return softTimeout().isComplete();
  }

  /**
   * True when a failure of this run sends the job to {@code dead}.
   *
   * @return true on the job's last attempt
   */
  default boolean isLastAttempt() {
    return attempt() >= maxAttempts();
  }

  /**
   * Exactly-once effects for work on Spool's own database: runs {@code work} in a transaction on a
   * connection of the Spool's pool and, in the same transaction, completes this job, fenced like every ack
   * (the job's row must still be this run's: same attempt, this worker's lease). The transaction commits
   * only when the fence holds, so the writes of {@code work} and the job's completion happen together or
   * not at all, however the worker, the network or the database fail meanwhile.
   *
   * <p>The returned future succeeds with what {@code work} produced once the transaction committed; the
   * handler returns it (or something after it), and the worker writes no other outcome for this run. It
   * fails, the transaction rolled back and nothing of it written, when
   * <ul>
   *   <li>{@code work} failed or threw: the handler fails with that error, and the job is retried (or dead)
   *       as after any failure;</li>
   *   <li>the run no longer held the job ({@link JobFencedException}: rescued meanwhile, timed out, …): its
   *       effects are another run's to write, and the worker writes no outcome for this one.</li>
   * </ul>
   * A commit whose answer is lost (the connection broke during {@code COMMIT}) fails too; the job is then
   * retried, and the retry's fenced ack changes nothing if the commit did happen.
   *
   * <p>Use {@code work}'s connection for every write that must count once; writes elsewhere are not part of
   * the transaction. Call this at most once per run, and return (or wait for) its future: the handler's
   * outcome is the transaction's. The job keeps no result (what {@code work} produced is only handed back).
   * The transaction waits for the commit to be flushed ({@code synchronous_commit} as the database has it),
   * unlike the worker's batched acks.
   *
   * @throws IllegalStateException (as a failed future) when called twice in one run, or on a context that
   *     is not a worker's
   * @param <T> what {@code work} produces
   * @param work the writes to make in the completing transaction, on the connection it is given
   * @return what {@code work} produced, once the transaction committed
   */
  default <T> Future<T> completeInTransaction(Function<SqlConnection, Future<T>> work) {
    return Future.failedFuture(new IllegalStateException("completeInTransaction needs a job run by a Spool worker"));
  }
}
