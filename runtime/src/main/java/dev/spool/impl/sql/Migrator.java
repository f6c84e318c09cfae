package dev.spool.impl.sql;

import dev.spool.MigrateOptions;
import dev.spool.impl.sql.Migrations.Migration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies the versioned scripts of {@link Migrations}, each recorded in {@code schema_version} with the
 * compatibility it declares. Everything runs in one transaction under an advisory lock, so a second process
 * migrating at the same time waits and then finds nothing left to do, and a failing script leaves the schema
 * as it was. In the same transaction it turns job history on or off when asked to (see {@code history.sql}).
 *
 * <p>Each statement waits at most {@link MigrateOptions#getLockTimeout()} for a lock; an attempt that times
 * out rolls back and is retried after a backoff, a bounded number of times (see {@link MigrateOptions}). A
 * {@code statement_timeout} set for the role or database does not apply to the migration: --dry-run tells
 * how long its statements take, and lock waits are bounded by the lock timeout.
 *
 * <p>A schema newer than this build (migrated by a later release) is left as it is: no script to apply, and
 * neither functions nor settings redefined, as an older process restarting with {@code worker.migrate} would
 * otherwise put its own, older functions under the newer workers.
 */
public final class Migrator {

  private static final System.Logger LOG = System.getLogger(Migrator.class.getName());
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  /** What the SQL function {@code enqueue} accepts when no Spool has said otherwise (SpoolOptions' default). */
  static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

  private final Queries queries;
  private final Boolean history;
  private final int maxPayloadBytes;
  private final List<Migration> migrations;

  public Migrator(Queries queries) {
    this(queries, null, DEFAULT_MAX_PAYLOAD_BYTES);
  }

  /**
   * @param history true or false to turn job history on or off after migrating; null to leave it
   * @param maxPayloadBytes the largest args the SQL function {@code enqueue} takes from now on
   */
  public Migrator(Queries queries, Boolean history, int maxPayloadBytes) {
    this(queries, history, maxPayloadBytes, Migrations.known());
  }

  /** With migrations of the caller's choosing (tests add scripts of their own). */
  Migrator(Queries queries, Boolean history, int maxPayloadBytes, List<Migration> migrations) {
    this.queries = queries;
    this.history = history;
    this.maxPayloadBytes = maxPayloadBytes;
    this.migrations = List.copyOf(migrations);
  }

  /** Brings the schema up to date; completes with the versions applied by this call (often none). */
  public Future<List<Integer>> migrate(Vertx vertx, Pool pool, MigrateOptions options) {
    return attempt(vertx, pool, new MigrateOptions(options), 1);
  }

  private Future<List<Integer>> attempt(Vertx vertx, Pool pool, MigrateOptions options, int attempt) {
    AtomicReference<String> step = new AtomicReference<>("preparing the schema");
    return once(pool, options, step).recover(failure -> {
      if (!(failure instanceof PgException pg && LOCK_NOT_AVAILABLE.equals(pg.getSqlState()))) {
        return Future.failedFuture(failure);
      }
      long waited = options.getLockTimeout().toMillis();
      if (attempt >= options.getLockAttempts()) {
        return Future.failedFuture(new IllegalStateException("migrate gave up after " + attempt + " attempts, each "
            + "waiting more than " + waited + " ms (lock_timeout) for a lock while " + step.get() + ": another "
            + "transaction holds a conflicting lock (see pg_locks and pg_stat_activity); nothing was changed", failure));
      }
      Duration pause = options.backoffBefore(attempt);
      String note = "migrate: attempt " + attempt + " of " + options.getLockAttempts() + " waited more than " + waited
          + " ms for a lock while " + step.get() + " (another transaction holds a conflicting one); rolled back, "
          + "retrying in " + pause.toMillis() + " ms";
      LOG.log(System.Logger.Level.WARNING, note);
      options.getOnRetry().accept(note);
      return sleep(vertx, pause).compose(v -> attempt(vertx, pool, options, attempt + 1));
    });
  }

  private static Future<Void> sleep(Vertx vertx, Duration pause) {
    if (pause.isZero()) {
      return Future.succeededFuture();
    }
    return vertx.timer(pause.toMillis()).mapEmpty();
  }

  private Future<List<Integer>> once(Pool pool, MigrateOptions options, AtomicReference<String> step) {
    return pool.withTransaction(conn -> conn
        .preparedQuery(queries.get("SetLocal")).execute(Tuple.of("statement_timeout", "0"))
        .compose(set -> conn.preparedQuery(queries.get("LockMigrations")).execute(Tuple.of(queries.schema())))
        // after the advisory lock: a second migrator waits for the first as long as it takes
        .compose(locked -> conn.preparedQuery(queries.get("SetLocal"))
            .execute(Tuple.of("lock_timeout", options.getLockTimeout().toMillis() + "ms")))
        .compose(set -> conn.query(queries.get("CreateSchema")).execute())
        .compose(created -> conn.query(queries.get("CreateVersionTable")).execute())
        .compose(created -> conn.query(queries.get("AddCompatibleFrom")).execute())
        .compose(added -> conn.query(queries.get("AppliedVersions")).execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          int newest = 0;
          for (Row row : rows) {
            applied.add(row.getInteger(0));
            newest = Math.max(newest, row.getInteger(0));
          }
          int latest = migrations.get(migrations.size() - 1).version();
          if (newest > latest) {
            LOG.log(System.Logger.Level.WARNING, "schema {0} is at version {1}, newer than this Spool''s {2}: "
                + "left as it is (functions and settings included)", queries.schema(), newest, latest);
            return Future.succeededFuture(List.<Integer>of());
          }
          return declareCompatibility(conn)
              .compose(v -> applyPending(conn, applied, step))
              // Functions are defined by their current text on every migrate, like repeatable migrations, so the
              // named SQL file is the one place a function's body is kept.
              .compose(done -> {
                step.set("defining functions");
                return defineFunctions(conn).map(done);
              })
              .compose(done -> conn.preparedQuery(queries.get("WriteSetting"))
                  .execute(Tuple.of("max_payload_bytes", String.valueOf(maxPayloadBytes))).map(done))
              .compose(done -> {
                step.set("turning job history " + (Boolean.TRUE.equals(history) ? "on" : "off"));
                return history == null ? Future.succeededFuture(done)
                    : conn.query(queries.get(history ? "EnableHistory" : "DisableHistory")).execute().map(done);
              });
        }));
  }

  private Future<Void> declareCompatibility(SqlConnection conn) {
    Integer[] versions = migrations.stream().map(Migration::version).toArray(Integer[]::new);
    Integer[] from = migrations.stream().map(Migration::compatibleFrom).toArray(Integer[]::new);
    return conn.preparedQuery(queries.get("DeclareCompatibility")).execute(Tuple.tuple().addValue(versions).addValue(from)).mapEmpty();
  }

  private Future<Void> defineFunctions(SqlConnection conn) {
    Future<Void> chain = Future.succeededFuture();
    for (String function : Queries.FUNCTIONS) {
      chain = chain.compose(v -> conn.query(queries.get(function)).execute().mapEmpty());
    }
    return chain;
  }

  private Future<List<Integer>> applyPending(SqlConnection conn, Set<Integer> applied, AtomicReference<String> step) {
    List<Integer> done = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Migration migration : migrations) {
      if (applied.contains(migration.version())) {
        continue;
      }
      chain = chain
          .compose(v -> {
            step.set(String.format("applying V%03d %s", migration.version(), migration.name()));
            return conn.query(queries.script(migration.path())).execute();
          })
          .compose(v -> conn.preparedQuery(queries.get("RecordVersion"))
              .execute(Tuple.of(migration.version(), migration.name(), migration.compatibleFrom())))
          .map(v -> {
            done.add(migration.version());
            return null;
          });
    }
    return chain.map(v -> done);
  }
}
