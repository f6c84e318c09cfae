package dev.spool.impl.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the versioned scripts {@code dev/spool/sql/migrations/V###__name.sql} listed in
 * {@code migrations/index.txt}, each recorded in {@code schema_version}. Everything runs in one
 * transaction under an advisory lock, so a second process migrating at the same time waits and then
 * finds nothing left to do, and a failing script leaves the schema as it was. In the same transaction it
 * turns job history on or off when asked to (see {@code history.sql}).
 */
public final class Migrator {

  private static final String DIR = "dev/spool/sql/migrations/";
  private static final Pattern FILE = Pattern.compile("V(\\d{3})__(\\w+)\\.sql");

  /** One migration script. */
  public record Migration(int version, String name, String path) {}

  /** What the SQL function {@code enqueue} accepts when no Spool has said otherwise (SpoolOptions' default). */
  static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

  private final Queries queries;
  private final Boolean history;
  private final int maxPayloadBytes;

  public Migrator(Queries queries) {
    this(queries, null, DEFAULT_MAX_PAYLOAD_BYTES);
  }

  /**
   * @param history true or false to turn job history on or off after migrating; null to leave it
   * @param maxPayloadBytes the largest args the SQL function {@code enqueue} takes from now on
   */
  public Migrator(Queries queries, Boolean history, int maxPayloadBytes) {
    this.queries = queries;
    this.history = history;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** The migrations this build of Spool knows, in version order. */
  public static List<Migration> known() {
    String index = Queries.resourceOrNull(DIR + "index.txt");
    if (index == null) {
      throw new IllegalStateException("missing " + DIR + "index.txt");
    }
    List<Migration> all = new ArrayList<>();
    for (String line : index.strip().split("\\s+")) {
      Matcher m = FILE.matcher(line);
      if (!m.matches()) {
        throw new IllegalStateException("bad migration file name " + line);
      }
      int version = Integer.parseInt(m.group(1));
      if (!all.isEmpty() && all.get(all.size() - 1).version() >= version) {
        throw new IllegalStateException("migrations out of order at " + line);
      }
      all.add(new Migration(version, m.group(2), DIR + line));
    }
    return all;
  }

  /** Brings the schema up to date; completes with the versions applied by this call (often none). */
  public Future<List<Integer>> migrate(Pool pool) {
    return pool.withTransaction(conn -> conn
        .preparedQuery(queries.get("LockMigrations")).execute(Tuple.of(queries.schema()))
        .compose(locked -> conn.query(queries.get("CreateSchema")).execute())
        .compose(created -> conn.query(queries.get("CreateVersionTable")).execute())
        .compose(created -> conn.query(queries.get("AppliedVersions")).execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          for (Row row : rows) {
            applied.add(row.getInteger(0));
          }
          return applyPending(conn, applied);
        })
        // Functions are defined by their current text on every migrate, like repeatable migrations, so the
        // named SQL file is the one place a function's body is kept.
        .compose(done -> defineFunctions(conn).map(done))
        .compose(done -> conn.preparedQuery(queries.get("WriteSetting"))
            .execute(Tuple.of("max_payload_bytes", String.valueOf(maxPayloadBytes))).map(done))
        .compose(done -> history == null ? Future.succeededFuture(done)
            : conn.query(queries.get(history ? "EnableHistory" : "DisableHistory")).execute().map(done)));
  }

  private Future<Void> defineFunctions(SqlConnection conn) {
    Future<Void> chain = Future.succeededFuture();
    for (String function : Queries.FUNCTIONS) {
      chain = chain.compose(v -> conn.query(queries.get(function)).execute().mapEmpty());
    }
    return chain;
  }

  private Future<List<Integer>> applyPending(SqlConnection conn, Set<Integer> applied) {
    List<Integer> done = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Migration migration : known()) {
      if (applied.contains(migration.version())) {
        continue;
      }
      chain = chain
          .compose(v -> conn.query(queries.script(migration.path())).execute())
          .compose(v -> conn.preparedQuery(queries.get("RecordVersion"))
              .execute(Tuple.of(migration.version(), migration.name())))
          .map(v -> {
            done.add(migration.version());
            return null;
          });
    }
    return chain.map(v -> done);
  }
}
