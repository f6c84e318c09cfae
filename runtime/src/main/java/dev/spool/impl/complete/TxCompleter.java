package dev.spool.impl.complete;

import dev.spool.JobFencedException;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.job.Transactions;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;

/**
 * Completes a job in the transaction of its handler's own writes ({@link dev.spool.JobContext#completeInTransaction}):
 * the handler's work, then the same fenced ack the {@link Completer} writes in batches, for this one job,
 * then commit. The ack is the transaction's last statement, so its row lock is held only until the commit,
 * and a rescuer that changed the row first (committed or not) makes the ack match nothing: the transaction
 * rolls back with {@link JobFencedException} and none of the handler's writes happen.
 *
 * <p>Locking the job's row before the work (to fail fast) would block the heartbeat's lease extension of
 * every job of the worker for as long as the work runs, so the fence is checked at the end only.
 */
public final class TxCompleter implements Transactions {

  private final Pool pool;
  private final String owner;
  private final String plainSql;
  private final String flaggedSql;

  /**
   * @param pool where the transactions run (the Spool's pool: synchronous commit as the database has it)
   * @param owner the worker's id, the lease owner every fenced ack names
   * @param keepCompleted whether completed jobs are kept (else a plain completion deletes the row)
   */
  public TxCompleter(Pool pool, Queries queries, String owner, boolean keepCompleted) {
    this.pool = pool;
    this.owner = owner;
    this.plainSql = queries.get(keepCompleted ? "MarkCompleted" : "DeleteCompleted");
    this.flaggedSql = queries.get("CompleteFlagged");
  }

  /** Runs {@code work} and this run's completion of {@code job} in one transaction (see the class comment). */
  @Override
  public <T> Future<T> complete(ClaimedJob job, Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(conn -> {
      Future<T> done;
      try {
        done = work.apply(conn);
      } catch (Throwable e) {
        return Future.failedFuture(e);
      }
      if (done == null) {
        return Future.failedFuture(new IllegalStateException("the work given to completeInTransaction returned null"));
      }
      return done.compose(value -> ack(conn, job).map(value));
    });
  }

  /** The fenced ack; fails (so the transaction rolls back) when it matched no row. */
  private Future<Void> ack(SqlConnection conn, ClaimedJob job) {
    Long[] ids = {job.id()};
    Integer[] attempts = {job.attempt()};
    // A job somebody waits on (dependents, awaiters) is completed by the statement that tells them, as in
    // the Completer; every other job by the plain one.
    Future<Integer> matched = job.isFlagged()
        // the handler's transaction takes no released child: it would run on no worker's buffer
        ? conn.preparedQuery(flaggedSql).execute(Tuple.of(ids, attempts, new io.vertx.core.buffer.Buffer[] {null}, owner,
                null, null, 0.0, 0))
            .map(rows -> Handoff.acked(rows, null))
        : conn.preparedQuery(plainSql).execute(Tuple.of(ids, attempts, owner)).map(rows -> rows.rowCount());
    return matched.compose(n -> n == 1 ? Future.<Void>succeededFuture()
        : Future.failedFuture(new JobFencedException(job + " is no longer held by this run (rescued, timed out or "
            + "completed meanwhile): its transaction was rolled back")));
  }
}
