package dev.spool.impl.client;

import dev.spool.BulkFilter;
import dev.spool.EnqueueOptions;
import dev.spool.JobAdmin;
import dev.spool.JobState;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.function.ToLongFunction;

/**
 * The bulk actions of {@link JobAdmin} on pending jobs: one bounded statement after another (see admin.sql),
 * each its own short transaction, until a batch comes back short. Between two statements it waits
 * {@link JobAdmin#BULK_PAUSE_SHARE} times as long as the last one took, so workers draining meanwhile keep
 * their share of the database.
 */
final class BulkActions {

  private final Vertx vertx;
  private final SqlClient pool;
  private final Queries queries;
  private final int batch;

  BulkActions(Vertx vertx, SqlClient pool, Queries queries, int batch) {
    this.vertx = vertx;
    this.pool = pool;
    this.queries = queries;
    this.batch = batch;
  }

  Future<Long> count(BulkFilter filter) {
    return params(filter).compose(p -> pool.preparedQuery(queries.get("CountPending")).execute(p))
        .map(rows -> rows.iterator().next().getLong("jobs"));
  }

  Future<Long> cancel(BulkFilter filter) {
    return params(filter).compose(p -> repeat(queries.get("CancelPendingBatch"), p.addValue(batch), RowSet::rowCount, 0));
  }

  Future<Long> delete(BulkFilter filter) {
    return params(filter).compose(p -> repeat(queries.get("DeletePendingBatch"), p.addValue(batch), RowSet::rowCount, 0));
  }

  Future<Long> move(BulkFilter filter, String toQueue) {
    try {
      new EnqueueOptions().setQueue(toQueue); // a queue name by the one rule
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException("target " + e.getMessage()));
    }
    return params(filter).compose(p -> repeat(queries.get("MovePendingBatch"), p.addValue(batch).addValue(toQueue),
        rows -> rows.iterator().next().getLong("moved"), 0));
  }

  private Future<Long> repeat(String sql, Tuple params, ToLongFunction<RowSet<Row>> changed, long sofar) {
    long start = System.nanoTime();
    return pool.preparedQuery(sql).execute(params).compose(rows -> {
      long n = changed.applyAsLong(rows);
      if (n < batch) {
        return Future.succeededFuture(sofar + n);
      }
      long pauseMs = Math.round((System.nanoTime() - start) / 1e6 * JobAdmin.BULK_PAUSE_SHARE);
      return (pauseMs < 1 ? Future.succeededFuture(0L) : vertx.timer(pauseMs))
          .compose(t -> repeat(sql, params, changed, sofar + n));
    });
  }

  private static Future<Tuple> params(BulkFilter filter) {
    try {
      new BulkFilter(filter).validate();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Boolean due = filter.getState() == null ? null : filter.getState() == JobState.AVAILABLE;
    return Future.succeededFuture(Tuple.tuple().addValue(filter.getQueue()).addValue(filter.getTask()).addValue(due)
        .addValue(filter.getCreatedBefore() == null ? null : filter.getCreatedBefore().atOffset(ZoneOffset.UTC)));
  }
}
