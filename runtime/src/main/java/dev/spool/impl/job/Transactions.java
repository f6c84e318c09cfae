package dev.spool.impl.job;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * Runs a handler's work and its job's fenced completion in one transaction, for
 * {@link dev.spool.JobContext#completeInTransaction}; implemented by the completer package, which depends
 * on this one (not the other way round).
 */
public interface Transactions {

  /** Runs {@code work}, then completes {@code job} for this run, in one transaction committed only if both succeed. */
  <T> Future<T> complete(ClaimedJob job, Function<SqlConnection, Future<T>> work);
}
