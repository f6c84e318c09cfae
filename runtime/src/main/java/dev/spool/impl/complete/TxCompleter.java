package dev.spool.impl.complete;

import dev.spool.JobFencedException;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.job.Transactions;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

  private static final System.Logger LOG = System.getLogger(TxCompleter.class.getName());

  private final Pool pool;
  private final int poolSize;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean warned = new AtomicBoolean();
  private final String owner;
  private final String plainSql;
  private final String flaggedSql;
  private final boolean moveResults;

  /**
   * @param pool where the transactions run (the Spool's pool: synchronous commit as the database has it)
   * @param poolSize its connections at most: more transactions at once wait for one, and that is warned of once
   * @param owner the worker's id, the lease owner every fenced ack names
   * @param keepCompleted whether completed jobs are kept (else a plain completion deletes the row)
   * @param keepResults whether a job someone waits on is kept past its ack, moved to the kept history (see
   *     {@link Completer#keepsResults})
   */
  public TxCompleter(Pool pool, int poolSize, Queries queries, String owner, boolean keepCompleted,
      boolean keepResults) {
    this.pool = pool;
    this.poolSize = poolSize;
    this.owner = owner;
    this.moveResults = keepResults;
    this.plainSql = queries.get(keepCompleted ? "MarkCompleted" : "DeleteCompleted");
    this.flaggedSql = queries.get("CompleteFlagged");
  }

  /** Runs {@code work} and this run's completion of {@code job} in one transaction (see the class comment). */
  @Override
  public <T> Future<T> complete(ClaimedJob job, Function<SqlConnection, Future<T>> work) {
    int now = inFlight.incrementAndGet();
    if (now > poolSize && warned.compareAndSet(false, true)) {
      // Silent otherwise: the handlers queue for connections with their time limits running, and behind them
      // a killed worker's rescued jobs wait on the survivors (chaos --effects tx: 62 s at a pool of 4).
      LOG.log(System.Logger.Level.WARNING, "{0} transactions of completeInTransaction at once on the Spool''s pool of "
          + "{1} connections: they wait for connections, their time limits running; set SpoolOptions.poolSize (poolSize "
          + "in the configuration) to at least the handlers that complete in transactions at once", now, poolSize);
    }
    return pool.<T>withTransaction(conn -> {
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
    }).onComplete(ar -> inFlight.decrementAndGet());
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
                null, null, 0.0, 0, moveResults))
            .map(rows -> Handoff.acked(rows, null))
        : conn.preparedQuery(plainSql).execute(Tuple.of(ids, attempts, owner)).map(rows -> rows.rowCount());
    return matched.compose(n -> n == 1 ? Future.<Void>succeededFuture()
        : Future.failedFuture(new JobFencedException(job + " is no longer held by this run (rescued, timed out or "
            + "completed meanwhile): its transaction was rolled back")));
  }
}
