package dev.spool.loadtest;

import dev.spool.Spool;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load tester's own SQL ({@code checks.sql}, {@code -- name: X} blocks like Spool's): it resets the
 * scratch schema and looks at outcomes. Every job operation goes through Spool's named queries instead,
 * so a run measures exactly the SQL that users run.
 */
final class Checks {

  static final String SCRIPT = "dev/spool/loadtest/checks.sql";
  private static final Pattern NAME_LINE = Pattern.compile("(?m)^-- name: *(\\w+) *$");

  private final Spool spool;
  private final Map<String, String> byName = new HashMap<>();

  Checks(Spool spool) {
    this.spool = spool;
    String text = spool.queries().script(SCRIPT);
    Matcher matcher = NAME_LINE.matcher(text);
    String name = null;
    int start = 0;
    while (matcher.find()) {
      if (name != null) {
        put(name, text.substring(start, matcher.start()));
      }
      name = matcher.group(1);
      start = matcher.end();
    }
    if (name != null) {
      put(name, text.substring(start));
    }
  }

  private void put(String name, String body) {
    StringBuilder sql = new StringBuilder();
    for (String line : body.strip().split("\n")) {
      // comments introducing the next block belong to it
      if (!line.startsWith("--")) {
        sql.append(line).append('\n');
      }
    }
    byName.put(name, sql.toString().strip());
  }

  String sql(String name) {
    String sql = byName.get(name);
    if (sql == null) {
      throw new IllegalStateException("no SQL named " + name + " in " + SCRIPT);
    }
    return sql;
  }

  /** Drops the schema with everything in it and migrates it afresh, so each run starts from an empty table. */
  Future<Void> resetSchema() {
    return dropSchema().compose(v -> spool.migrate()).mapEmpty();
  }

  Future<Void> dropSchema() {
    return spool.pool().query(sql("DropSchema")).execute().mapEmpty();
  }

  /** {@code [open, completed]}: rows not finished, and rows kept as completed. */
  Future<long[]> countJobs() {
    return spool.pool().query(sql("CountJobs")).execute().map(rows -> {
      Row row = rows.iterator().next();
      return new long[] {row.getLong("open"), row.getLong("completed")};
    });
  }

  /** Ids of the rows not finished; only asked at the end of a run, when it is normally empty. */
  Future<List<Long>> openJobIds() {
    return spool.pool().query(sql("OpenJobIds")).execute().map(rows -> {
      List<Long> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getLong(0)));
      return ids;
    });
  }

  /** Flushes dirty pages now; ignored when the user may not (checkpoint needs superuser or pg_checkpoint). */
  Future<Void> checkpoint() {
    return spool.pool().query(sql("Checkpoint")).execute().<Void>mapEmpty().otherwiseEmpty();
  }

  /** Statements mentioning this schema so far, from pg_stat_statements; fails when it is not loaded. */
  Future<Long> schemaStatements(SqlClient client) {
    return client.preparedQuery(sql("SchemaStatements")).execute(Tuple.of("%" + spool.queries().schema() + ".%"))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Committed and rolled back transactions of the database so far. */
  Future<Long> databaseTransactions(SqlClient client) {
    return client.query(sql("DatabaseTransactions")).execute().map(rows -> rows.iterator().next().getLong(0));
  }
}
