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

/**
 * The load tester's own SQL ({@code checks.sql}, {@code -- name: X} blocks like Spool's): it resets the
 * scratch schema and looks at outcomes. Every job operation goes through Spool's named queries instead,
 * so a run measures exactly the SQL that users run.
 */
final class Checks {

  static final String SCRIPT = "dev/spool/loadtest/checks.sql";

  private final Spool spool;
  private final Map<String, String> byName = new HashMap<>();
  /** The first id counts and open ids look at; 0 (every row) until {@link #countFromNow()}. */
  private long firstId;

  Checks(Spool spool) {
    this.spool = spool;
    readScript(spool.options().getSchema());
  }

  /**
   * Reads {@code checks.sql}: each statement follows its {@code -- name: X} line, comment lines are
   * dropped, and {@code {schema}} is the scratch schema (a name SpoolOptions has checked).
   */
  private void readScript(String schema) {
    byName.putAll(namedSql(SCRIPT, schema));
  }

  /**
   * The named statements of a class-path resource in the {@code -- name: X} format (this module's and Spool's
   * own, such as {@code dev/spool/sql/claim.sql}), comment lines dropped and {@code {schema}} filled in.
   */
  static Map<String, String> namedSql(String resource, String schema) {
    String text;
    try (var in = Checks.class.getClassLoader().getResourceAsStream(resource)) {
      text = new String(java.util.Objects.requireNonNull(in, resource).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, String> named = new HashMap<>();
    for (String block : text.split("(?m)^-- name: *")) {
      int eol = block.indexOf('\n');
      if (eol < 0 || block.startsWith("--")) {
        continue; // the file's header, before the first name
      }
      String sql = block.substring(eol + 1).lines().filter(l -> !l.startsWith("--"))
          .collect(java.util.stream.Collectors.joining("\n")).strip().replace("{schema}", schema);
      named.put(block.substring(0, eol).strip(), sql);
    }
    return named;
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

  /**
   * From now on counts and open ids cover only rows enqueued after this moment (see {@code CountJobs}):
   * call it after putting rows that are not the run's into the table.
   */
  void countFromNow() {
    firstId = Blocking.await(spool.pool().query(sql("NewestId")).execute()).iterator().next().getLong(0) + 1;
  }

  /** {@code [open, completed]}: rows not finished, and rows kept as completed. */
  Future<long[]> countJobs() {
    return spool.pool().preparedQuery(sql("CountJobs")).execute(Tuple.of(firstId)).map(rows -> {
      Row row = rows.iterator().next();
      return new long[] {row.getLong("open"), row.getLong("completed")};
    });
  }

  /** Ids of the rows not finished; only asked at the end of a run, when it is normally empty. */
  Future<List<Long>> openJobIds() {
    return spool.pool().preparedQuery(sql("OpenJobIds")).execute(Tuple.of(firstId)).map(rows -> {
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
    return client.preparedQuery(sql("SchemaStatements")).execute(Tuple.of("%" + spool.options().getSchema() + ".%"))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Committed and rolled back transactions of the database so far. */
  Future<Long> databaseTransactions(SqlClient client) {
    return client.query(sql("DatabaseTransactions")).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** The cost meter's counters now: WAL position ({@code lsn}), {@code checkpoints}, backend {@code pid}. */
  Future<Row> costSnapshot() {
    return spool.pool().query(sql("CostSnapshot")).execute().map(rows -> rows.iterator().next());
  }

  /** WAL bytes written since {@code lsn}. */
  Future<Long> walBytesSince(String lsn) {
    return spool.pool().preparedQuery(sql("WalBytesSince")).execute(Tuple.of(lsn)).map(rows -> rows.iterator().next().getLong(0));
  }
}
