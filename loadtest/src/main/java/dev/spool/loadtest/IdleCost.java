package dev.spool.loadtest;

import dev.spool.Spool;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * What idle workers cost the database: statements per second while no job is due. It reads
 * {@code pg_stat_statements} (statements mentioning the schema) when that is loaded; otherwise the
 * transactions of the whole database from {@code pg_stat_database}, where every statement a worker sends
 * outside a transaction block is one transaction. The fallback counts other clients of the database too,
 * and lags by up to a second, so it is an upper bound; the result says which source it used.
 *
 * <p>Each reading uses a connection of its own, closed at once: a backend flushes its statistics when it
 * exits, so the load tester's own queries do not trickle into the window late. The workers' backends stay,
 * and PostgreSQL 15 holds a busy backend's last second of counts for up to 10 s after it goes idle
 * (PGSTAT_IDLE_INTERVAL), so with the fallback the window opens only after that has passed; otherwise the
 * tail of the load would be counted as idle cost.
 */
final class IdleCost {

  /** Lets the last acks land before the window opens (pg_stat_statements counts as statements end). */
  static final long SETTLE_MS = 1_000;
  /** PostgreSQL's PGSTAT_IDLE_INTERVAL (10 s) and a margin: by then every worker backend has flushed. */
  static final long XACT_SETTLE_MS = 11_000;

  /** Which counter was read. */
  enum Source {
    PG_STAT_STATEMENTS("pg_stat_statements"), XACT_COMMIT("pg_stat_database.xact_commit");

    final String label;

    Source(String label) {
      this.label = label;
    }
  }

  private final Spool spool;
  private final Checks checks;
  private Source source;

  IdleCost(Spool spool, Checks checks) {
    this.spool = spool;
    this.checks = checks;
  }

  Source source() {
    return source;
  }

  /**
   * Finds out which counter this database offers. Called well before {@link #measure}, so that this
   * probe's own transaction is not counted in the window.
   */
  Source detect() {
    source = Blocking.await(read(checks::schemaStatements).map(calls -> Source.PG_STAT_STATEMENTS)
        .otherwise(Source.XACT_COMMIT));
    return source;
  }

  /**
   * Statements per second over {@code seconds} of waiting, after a settling pause; call with the workers
   * running and nothing due.
   */
  double measure(int seconds) {
    if (source == null) {
      detect();
    }
    Blocking.sleep(source == Source.XACT_COMMIT ? XACT_SETTLE_MS : SETTLE_MS);
    long before = Blocking.await(read(source == Source.PG_STAT_STATEMENTS ? checks::schemaStatements
        : checks::databaseTransactions));
    long start = System.nanoTime();
    Blocking.sleep(seconds * 1000L);
    long after = Blocking.await(read(source == Source.PG_STAT_STATEMENTS ? checks::schemaStatements
        : checks::databaseTransactions));
    double elapsed = (System.nanoTime() - start) / 1e9;
    // The first reading's own transaction is counted inside the window; the second's is not yet.
    long own = source == Source.XACT_COMMIT ? 1 : 0;
    return Math.max(0, after - before - own) / elapsed;
  }

  private Future<Long> read(Function<SqlConnection, Future<Long>> query) {
    return spool.resolveConnectOptions().compose(options -> PgConnection.connect(spool.vertx(), options))
        .compose(conn -> query.apply(conn).eventually(conn::close));
  }
}
