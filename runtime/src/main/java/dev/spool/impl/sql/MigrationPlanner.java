package dev.spool.impl.sql;

import dev.spool.MigrationPlan;
import dev.spool.SchemaStatus;
import dev.spool.impl.sql.Migrations.Migration;
import dev.spool.impl.sql.StatementLocks.Lock;
import dev.spool.impl.sql.StatementLocks.Mode;
import dev.spool.impl.sql.StatementLocks.Work;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads where a schema stands ({@code migrate --status}) and what its pending migrations would do
 * ({@code migrate --dry-run}), changing nothing.
 */
public final class MigrationPlanner {

  private static final String UNDEFINED_TABLE = "42P01";
  private static final long MB = 1L << 20;

  /**
   * Bytes of a table's heap a second, by the work a statement does: measured with PostgreSQL 15 on a
   * 2-core machine shared with other builds, on a table of 1,000,000 rows of about 200 bytes (191 MB).
   */
  private static final Map<Work, Long> RATES = Map.of(
      Work.SCAN, 100 * MB,          // a CHECK constraint validated: 1.9 s
      Work.INDEX_BUILD, 20 * MB,    // a four-column btree: 8.9 s
      Work.CONCURRENT_INDEX_BUILD, 10 * MB, // two passes over the table: twice a plain build
      Work.REWRITE, 10 * MB,        // a column with a volatile default, one index rebuilt: 18.4 s
      Work.ROWS, 8 * MB);           // every row updated: 23.8 s
  static final String BASIS = "table size ÷ rate: scan (constraint validation) 100 MB/s, index build 20 MB/s, "
      + "concurrent index build 10 MB/s (outside the transaction, blocking no enqueue or claim), rewrite 10 MB/s, "
      + "rows updated or deleted 8 MB/s (an update or delete taken to touch every row); catalog-only "
      + "statements: milliseconds once their lock is granted. Rates measured with PostgreSQL 15 on a busy 2-core "
      + "machine (1,000,000 rows, 191 MB): a faster server takes less";

  private final Queries queries;
  private final List<Migration> migrations;

  public MigrationPlanner(Queries queries) {
    this(queries, Migrations.known());
  }

  MigrationPlanner(Queries queries, List<Migration> migrations) {
    this.queries = queries;
    this.migrations = List.copyOf(migrations);
  }

  /** The applied and pending migrations and the window, as this process sees them. */
  public Future<SchemaStatus> status(SqlClient client) {
    int runtime = migrations.get(migrations.size() - 1).version();
    Future<SchemaVersions.Verdict> verdict = new SchemaVersions(queries, runtime).check(client);
    return verdict.compose(v -> applied(client).map(applied -> {
      List<SchemaStatus.Migration> pending = new ArrayList<>();
      for (Migration m : migrations) {
        if (applied.stream().noneMatch(a -> a.version() == m.version())) {
          pending.add(new SchemaStatus.Migration(m.version(), m.name(), m.compatibleFrom(), null));
        }
      }
      int oldest = applied.stream().mapToInt(SchemaStatus.Migration::compatibleFrom).max().orElse(0);
      return new SchemaStatus(queries.schema(), runtime, v.schemaVersion(), oldest, v.works(), v.message(),
          applied, pending);
    }));
  }

  /** What migrating now would run, with locks and estimates on the tables as they are. */
  public Future<MigrationPlan> plan(SqlClient client) {
    return status(client).compose(status -> partial(client).compose(partial -> client
        .preparedQuery(queries.get("RelationSizes")).execute(Tuple.of(queries.schema())).map(rows -> {
          Map<String, long[]> sizes = new HashMap<>();
          for (Row row : rows) {
            sizes.put(row.getString("relname"), new long[] {row.getLong("rows"), row.getLong("bytes")});
          }
          List<MigrationPlan.Step> steps = new ArrayList<>();
          boolean newer = status.schemaVersion() > status.runtimeVersion();
          for (Migration m : migrations) {
            if (newer || status.pending().stream().noneMatch(p -> p.version() == m.version())) {
              continue;
            }
            steps.add(step(m, sizes, partial.contains(m.version())));
          }
          int to = steps.isEmpty() ? status.schemaVersion() : steps.get(steps.size() - 1).version();
          return new MigrationPlan(queries.schema(), status.schemaVersion(), to, steps, BASIS);
        })));
  }

  /** Migrations whose transaction committed while steps outside it are left (see {@link Migrator}). */
  private Future<Set<Integer>> partial(SqlClient client) {
    return client.query(queries.get("PartialVersions")).execute().map(rows -> {
      Set<Integer> versions = new HashSet<>();
      rows.forEach(row -> versions.add(row.getInteger(0)));
      return versions;
    }).recover(failure -> failure instanceof PgException pg && UNDEFINED_TABLE.equals(pg.getSqlState())
        ? Future.succeededFuture(Set.of()) : Future.failedFuture(failure));
  }

  /** A migration's statements; of one whose transaction committed already, only those left to run outside it. */
  private MigrationPlan.Step step(Migration m, Map<String, long[]> sizes, boolean partial) {
    String script = queries.script(m.path());
    List<MigrationPlan.Statement> statements = new ArrayList<>();
    Mode strongest = Mode.NONE;
    for (String sql : SqlStatements.split(script)) {
      if (partial && !MigrationSteps.isOutside(SqlStatements.normalized(sql))) {
        continue;
      }
      Lock lock = StatementLocks.of(SqlStatements.normalized(sql));
      strongest = lock.mode() == Mode.UNKNOWN || strongest == Mode.UNKNOWN ? Mode.UNKNOWN
          : lock.mode().compareTo(strongest) > 0 ? lock.mode() : strongest;
      long[] size = lock.table() == null ? new long[] {0, 0} : sizes.getOrDefault(relation(lock.table()), new long[] {0, 0});
      Long rate = RATES.get(lock.work());
      Duration estimate = rate == null ? Duration.ZERO : Duration.ofMillis(size[1] * 1000 / rate);
      statements.add(new MigrationPlan.Statement(sql, lock.table(), lock.mode().sql, lock.mode().blocks,
          lock.work().name().toLowerCase(Locale.ROOT).replace('_', ' '), size[0], size[1], estimate));
    }
    return new MigrationPlan.Step(m.version(), m.name(), m.compatibleFrom(), script, strongest.sql, statements);
  }

  /** The relation's name in this schema's pg_class from a name as a statement writes it. */
  private String relation(String written) {
    String name = written.startsWith(queries.schema() + ".") ? written.substring(queries.schema().length() + 1) : written;
    return name.replace("\"", "");
  }

  private Future<List<SchemaStatus.Migration>> applied(SqlClient client) {
    Map<Integer, Integer> declared = new HashMap<>();
    migrations.forEach(m -> declared.put(m.version(), m.compatibleFrom()));
    return client.query(queries.get("AppliedMigrations")).execute().map(rows -> {
      List<SchemaStatus.Migration> applied = new ArrayList<>();
      for (Row row : rows) {
        int version = row.getInteger("version");
        Integer from = row.getInteger("compatible_from");
        // recorded by a release before windows: what this release declares for it, else its own version
        int compatibleFrom = from != null ? from : declared.getOrDefault(version, version);
        applied.add(new SchemaStatus.Migration(version, row.getString("name"), compatibleFrom,
            row.getOffsetDateTime("applied_at").toInstant()));
      }
      return applied;
    }).recover(failure -> failure instanceof PgException pg && UNDEFINED_TABLE.equals(pg.getSqlState())
        ? Future.succeededFuture(List.of()) : Future.failedFuture(failure));
  }
}
