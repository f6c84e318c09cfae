package dev.spool.impl.sql;

import dev.spool.Job;
import dev.spool.JobState;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Maps rows of the jobs table to API types. */
public final class Rows {

  private Rows() {}

  public static Job job(Row row) {
    Integer timeout = row.getInteger("timeout_ms");
    Integer softTimeout = row.getInteger("soft_timeout_ms");
    Object error = row.getValue("last_error");
    return new Job(
        row.getLong("id"),
        row.getString("queue"),
        row.getString("task"),
        row.getBuffer("args").getBytes(),
        row.getInteger("priority"),
        instant(row, "run_at"),
        JobState.fromSql(row.getString("state")),
        row.getInteger("attempt"),
        row.getInteger("max_attempts"),
        timeout == null ? null : timeout.longValue(),
        softTimeout == null ? null : softTimeout.longValue(),
        row.getString("lease_owner"),
        instant(row, "lease_expires_at"),
        error instanceof JsonObject json ? json : null,
        row.getString("unique_key"),
        instant(row, "created_at"),
        instant(row, "attempted_at"),
        instant(row, "finished_at"),
        row.getString("key"),
        instant(row, "cancel_requested_at"));
  }

  /** By position, for hot paths: a lookup by name searches the row's column names each time. */
  public static Instant instant(Row row, int column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  public static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }
}
