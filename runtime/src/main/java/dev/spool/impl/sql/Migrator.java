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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Applies the versioned scripts of {@link Migrations}, each recorded in {@code schema_version} with the
 * compatibility it declares. Everything runs under an advisory lock its session holds throughout, so a second
 * process migrating at the same time waits and then finds nothing left to do. The pending scripts run in one
 * transaction, so a failing one leaves the schema as it was; in the same transaction it defines the functions and
 * turns job history on or off when asked to (see {@code history.sql}).
 *
 * <p>What PostgreSQL runs only outside a transaction ({@code create index concurrently}: see
 * {@link MigrationSteps}) runs after that transaction commits, migration by migration, and a migration's version
 * is recorded once its last such step is done. Until then {@code schema_version_partial} names it, so a failed
 * attempt is finished by the next one: builds that completed are kept, an invalid index a failed build left is
 * dropped and built again, and the transactional part is not run twice. A schema with no migration yet gets all of
 * it in the one transaction (its tables are empty).
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
  /** False for a migrator that stops short of this build's latest version: its functions need the latest columns. */
  private final boolean functions;

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
    this(queries, history, maxPayloadBytes, migrations, true);
  }

  private Migrator(Queries queries, Boolean history, int maxPayloadBytes, List<Migration> migrations,
      boolean functions) {
    this.queries = queries;
    this.history = history;
    this.maxPayloadBytes = maxPayloadBytes;
    this.migrations = List.copyOf(migrations);
    this.functions = functions;
  }

  /**
   * A migrator that brings a schema up to {@code version} and leaves this build's later migrations pending: the
   * load tester applies them one at a time to measure each. Short of the latest version it defines no function
   * and writes no setting (this build's functions read the latest columns); at the latest it does both.
   *
   * @param schema  the schema
   * @param version a version of this build's migrations
   * @return the migrator
   * @throws IllegalArgumentException when this build has no migration of that version
   */
  public static Migrator through(String schema, int version) {
    return through(new Queries(schema), version);
  }

  /**
   * {@link #through(String, int)} with the schema's queries.
   *
   * @param queries the schema's queries
   * @param version a version of this build's migrations
   * @return the migrator
   * @throws IllegalArgumentException when this build has no migration of that version
   */
  public static Migrator through(Queries queries, int version) {
    List<Migration> known = Migrations.known();
    if (known.stream().noneMatch(m -> m.version() == version)) {
      throw new IllegalArgumentException("no migration of version " + version + " (this build has "
          + known.get(0).version() + " to " + known.get(known.size() - 1).version() + ")");
    }
    return new Migrator(queries, null, DEFAULT_MAX_PAYLOAD_BYTES,
        known.stream().filter(m -> m.version() <= version).toList(), version == Migrations.latest());
  }

  /** Brings the schema up to date; completes with the versions applied by this call (often none). */
  public Future<List<Integer>> migrate(Vertx vertx, Pool pool, MigrateOptions options) {
    return attempt(vertx, pool, new MigrateOptions(options), 1);
  }

  private Future<List<Integer>> attempt(Vertx vertx, Pool pool, MigrateOptions options, int attempt) {
    AtomicReference<String> step = new AtomicReference<>("preparing the schema");
    AtomicBoolean committed = new AtomicBoolean();
    return once(pool, options, step, committed).recover(failure -> {
      if (!(failure instanceof PgException pg && LOCK_NOT_AVAILABLE.equals(pg.getSqlState()))) {
        return Future.failedFuture(failure);
      }
      long waited = options.getLockTimeout().toMillis();
      if (attempt >= options.getLockAttempts()) {
        return Future.failedFuture(new IllegalStateException("migrate gave up after " + attempt + " attempts, each "
            + "waiting more than " + waited + " ms (lock_timeout) for a lock while " + step.get() + ": another "
            + "transaction holds a conflicting lock (see pg_locks and pg_stat_activity); " + (committed.get()
            ? "the migrations' transaction had committed: migrate again to finish their steps outside it"
            : "nothing was changed"), failure));
      }
      Duration pause = options.backoffBefore(attempt);
      String note = "migrate: attempt " + attempt + " of " + options.getLockAttempts() + " waited more than " + waited
          + " ms for a lock while " + step.get() + " (another transaction holds a conflicting one); "
          + (committed.get() ? "stopped" : "rolled back") + ", "
          + "retrying in " + pause.toMillis() + " ms";
      // the next attempt reads again what is applied: a committed transaction is not run twice
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

  private Future<List<Integer>> once(Pool pool, MigrateOptions options, AtomicReference<String> step,
      AtomicBoolean committed) {
    return pool.getConnection().compose(conn -> session(conn, options, step, committed)
        .eventually(() -> conn.preparedQuery(queries.get("UnlockMigrations")).execute(Tuple.of(queries.schema()))
            .compose(unlocked -> conn.query(queries.get("ResetSession")).execute())
            .eventually(conn::close)));
  }

  /** The whole migration on one connection, which holds the advisory lock from its first statement to its last. */
  private Future<List<Integer>> session(SqlConnection conn, MigrateOptions options, AtomicReference<String> step,
      AtomicBoolean committed) {
    return conn.preparedQuery(queries.get("SetSession")).execute(Tuple.of("statement_timeout", "0"))
        .compose(set -> conn.preparedQuery(queries.get("LockMigrations")).execute(Tuple.of(queries.schema())))
        // after the advisory lock: a second migrator waits for the first as long as it takes
        .compose(locked -> conn.preparedQuery(queries.get("SetSession"))
            .execute(Tuple.of("lock_timeout", options.getLockTimeout().toMillis() + "ms")))
        .compose(set -> inTransaction(conn, c -> transactional(c, step)))
        .compose(first -> {
          committed.set(true);
          return outside(conn, first, step);
        });
  }

  /** What the transaction did: the versions it recorded, and those whose steps outside it are left to run. */
  private record Committed(List<Integer> done, List<Migration> left) {}

  private Future<Committed> transactional(SqlConnection conn, AtomicReference<String> step) {
    step.set("preparing the schema");
    return conn.query(queries.get("CreateSchema")).execute()
        .compose(created -> conn.query(queries.get("CreateVersionTable")).execute())
        .compose(created -> conn.query(queries.get("CreatePartialTable")).execute())
        .compose(created -> conn.query(queries.get("AddCompatibleFrom")).execute())
        .compose(added -> versions(conn, "AppliedVersions"))
        .compose(applied -> versions(conn, "PartialVersions").compose(partial -> {
          int newest = applied.stream().mapToInt(Integer::intValue).max().orElse(0);
          int latest = migrations.get(migrations.size() - 1).version();
          if (newest > latest) {
            LOG.log(System.Logger.Level.WARNING, "schema {0} is at version {1}, newer than this Spool''s {2}: "
                + "left as it is (functions and settings included)", queries.schema(), newest, latest);
            return Future.succeededFuture(new Committed(List.of(), List.of()));
          }
          Future<Committed> applying = declareCompatibility(conn)
              .compose(v -> applyPending(conn, applied, partial, step));
          if (!functions) {
            return applying;
          }
          return applying
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

  private Future<Set<Integer>> versions(SqlConnection conn, String query) {
    return conn.query(queries.get(query)).execute().map(rows -> {
      Set<Integer> versions = new HashSet<>();
      rows.forEach(row -> versions.add(row.getInteger(0)));
      return versions;
    });
  }

  private static <T> Future<T> inTransaction(SqlConnection conn, Function<SqlConnection, Future<T>> work) {
    return conn.begin().compose(tx -> work.apply(conn).transform(result -> result.succeeded()
        ? tx.commit().map(result.result())
        : tx.rollback().transform(rolledBack -> Future.<T>failedFuture(result.cause()))));
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

  /**
   * Runs the transactional part of every migration not yet applied. A schema with no migration at all gets each
   * whole, concurrent builds included and made plain, in this one transaction: its tables are new and empty, and a
   * concurrent build would wait for every other transaction of the database. Otherwise a migration's version is
   * recorded here only when nothing of it, nor of a migration before it, is left to run outside the transaction.
   */
  private Future<Committed> applyPending(SqlConnection conn, Set<Integer> applied, Set<Integer> partial,
      AtomicReference<String> step) {
    boolean fresh = applied.isEmpty() && partial.isEmpty();
    List<Integer> done = new ArrayList<>();
    List<Migration> left = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Migration migration : migrations) {
      if (applied.contains(migration.version())) {
        continue;
      }
      if (partial.contains(migration.version())) {
        left.add(migration);
        continue;
      }
      MigrationSteps.Parts parts = MigrationSteps.of(queries.script(migration.path()));
      String sql = fresh ? parts.allInTransaction() : parts.transactional();
      chain = chain
          .compose(v -> {
            step.set(String.format("applying V%03d %s", migration.version(), migration.name()));
            return sql.isBlank() ? Future.succeededFuture() : conn.query(sql).execute().mapEmpty();
          })
          .compose(v -> {
            if (!fresh && (!left.isEmpty() || !parts.outside().isEmpty())) {
              left.add(migration);
              return conn.preparedQuery(queries.get("MarkPartial"))
                  .execute(Tuple.of(migration.version(), migration.name())).mapEmpty();
            }
            done.add(migration.version());
            return conn.preparedQuery(queries.get("RecordVersion"))
                .execute(Tuple.of(migration.version(), migration.name(), migration.compatibleFrom())).mapEmpty();
          });
    }
    return chain.map(v -> new Committed(done, left));
  }

  /**
   * After the transaction: each migration left runs its steps outside a transaction in order, then gets its version
   * recorded. A step that fails leaves its migration, and those after it, to the next attempt.
   */
  private Future<List<Integer>> outside(SqlConnection conn, Committed first, AtomicReference<String> step) {
    List<Integer> done = new ArrayList<>(first.done());
    Future<Void> chain = Future.succeededFuture();
    for (Migration migration : first.left()) {
      MigrationSteps.Parts parts = MigrationSteps.of(queries.script(migration.path()));
      for (MigrationSteps.Outside one : parts.outside()) {
        chain = chain.compose(v -> {
          step.set(String.format("applying V%03d %s outside a transaction (%s)", migration.version(), migration.name(),
              one.index() == null ? "a concurrent statement" : "building index " + one.index() + " concurrently"));
          return runOutside(conn, one);
        });
      }
      chain = chain.compose(v -> inTransaction(conn, c -> c.preparedQuery(queries.get("UnmarkPartial"))
          .execute(Tuple.of(migration.version()))
          .compose(unmarked -> c.preparedQuery(queries.get("RecordVersion"))
              .execute(Tuple.of(migration.version(), migration.name(), migration.compatibleFrom()))))
          .map(recorded -> {
            done.add(migration.version());
            return null;
          }));
    }
    return chain.map(v -> done);
  }

  /** A built index is left as it is; one a failed or cancelled build left invalid is dropped and built again. */
  private Future<Void> runOutside(SqlConnection conn, MigrationSteps.Outside one) {
    if (one.index() == null) {
      return conn.query(one.sql()).execute().mapEmpty();
    }
    return conn.preparedQuery(queries.get("IndexState")).execute(Tuple.of(queries.schema(), one.index()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return conn.query(one.sql()).execute().mapEmpty();
          }
          Row row = rows.iterator().next();
          if (row.getBoolean("valid")) {
            return Future.succeededFuture();
          }
          LOG.log(System.Logger.Level.WARNING, "index {0}.{1} is invalid (a concurrent build failed or was cancelled): "
              + "dropped and built again", queries.schema(), one.index());
          return conn.query(row.getString("drop_sql")).execute()
              .compose(dropped -> conn.query(one.sql()).execute()).mapEmpty();
        });
  }
}
