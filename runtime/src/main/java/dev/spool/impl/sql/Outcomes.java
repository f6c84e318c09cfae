package dev.spool.impl.sql;

import dev.spool.JobResult;
import dev.spool.JobState;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Maps rows to {@link JobResult}s, and reads a job's parents for its context ({@link Lineage}). */
public final class Outcomes implements Lineage {

  private final SqlClient client;
  private final String parentsSql;
  private final String parentStatesSql;

  public Outcomes(SqlClient client, Queries queries) {
    this.client = client;
    this.parentsSql = queries.get("ParentResults");
    this.parentStatesSql = queries.get("ParentStates");
  }

  @Override
  public Future<List<JobResult>> parents(long id) {
    return client.preparedQuery(parentsSql).execute(Tuple.of(id)).map(rows -> {
      List<JobResult> parents = new ArrayList<>(rows.size());
      rows.forEach(row -> parents.add(result(row)));
      return parents;
    });
  }

  @Override
  public Future<Map<JobState, Long>> parentStates(long id) {
    return client.preparedQuery(parentStatesSql).execute(Tuple.of(id)).map(rows -> {
      Map<JobState, Long> states = new EnumMap<>(JobState.class);
      rows.forEach(row -> states.put(JobState.fromSql(row.getString("state")), row.getLong("jobs")));
      return states;
    });
  }

  /** A row with id, state, result, last_error and optionally step, progress, finished_at. */
  public static JobResult result(Row row) {
    Buffer result = row.getBuffer("result");
    Object error = row.getValue("last_error");
    return new JobResult(row.getLong("id"), JobState.fromSql(row.getString("state")), column(row, "step"),
        result == null ? null : result.getBytes(), error instanceof JsonObject json ? json : null,
        row.getColumnIndex("progress") >= 0 ? row.getValue("progress") : null,
        row.getColumnIndex("finished_at") >= 0 ? Rows.instant(row, "finished_at") : null);
  }

  /** A job no longer stored that was known to be live: it completed and was deleted (no result kept). */
  public static JobResult deleted(long id) {
    return new JobResult(id, JobState.COMPLETED, null, null, null, null, null);
  }

  private static String column(Row row, String name) {
    return row.getColumnIndex(name) >= 0 ? row.getString(name) : null;
  }
}
