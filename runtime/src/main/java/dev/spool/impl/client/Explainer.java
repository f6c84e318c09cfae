package dev.spool.impl.client;

import dev.spool.JobAdmin;
import dev.spool.JobExplanation;
import dev.spool.JobExplanation.Code;
import dev.spool.JobExplanation.Reason;
import dev.spool.JobState;
import dev.spool.Unserved;
import dev.spool.VacuumHorizon;
import dev.spool.VacuumOptions;
import dev.spool.impl.sql.Queries;
import dev.spool.impl.sql.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@link JobAdmin#explain}, {@link JobAdmin#unserved} and {@link JobAdmin#vacuumHorizon}: one statement each (see
 * explain.sql and horizon.sql; explain has a second for the parents of a waiting job, and also reads the horizon),
 * the reasons worked out here from their figures. The rescuer's timing is the workers' default, since the admin
 * does not know the options of the workers that rescue.
 */
final class Explainer {

  private final SqlClient pool;
  private final Queries queries;

  Explainer(SqlClient pool, Queries queries) {
    this.pool = pool;
    this.queries = queries;
  }

  /**
   * The job's row first; for a job waiting on parents, a second statement reads the rows of the first
   * {@link JobAdmin#EXPLAIN_PARENT_LIMIT} unfinished ones, whose explanations (their own parents named only)
   * give its {@link Code#WAITING_ON_DEPENDENCIES} reason.
   */
  Future<Optional<JobExplanation>> explain(long id) {
    Future<List<Row>> job = rows(new Long[] {id});
    Future<VacuumHorizon> horizon = vacuumHorizon();
    return Future.all(job, horizon).compose(v -> {
      List<Row> rows = job.result();
      if (rows.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      Row row = rows.get(0);
      Long[] parents = row.getArrayOfLongs("unfinished_ids");
      if (parents == null || parents.length == 0) {
        return Future.succeededFuture(Optional.of(explain(row, Map.of(), horizon.result())));
      }
      return rows(parents).map(parentRows -> {
        Map<Long, JobExplanation> explained = new HashMap<>();
        for (Row parent : parentRows) {
          explained.put(parent.getLong("id"), explain(parent, null, horizon.result()));
        }
        return Optional.of(explain(row, explained, horizon.result()));
      });
    });
  }

  private Future<List<Row>> rows(Long[] ids) {
    Tuple params = Tuple.of(ids, (double) JobAdmin.LIVE_WITHIN.toMillis(), JobAdmin.EXPLAIN_COUNT_LIMIT,
        JobAdmin.EXPLAIN_PARENT_LIMIT);
    return pool.preparedQuery(queries.get("ExplainJob")).execute(params).map(rows -> {
      List<Row> out = new ArrayList<>(rows.size());
      rows.forEach(out::add);
      return out;
    });
  }

  Future<VacuumHorizon> vacuumHorizon() {
    return pool.preparedQuery(queries.get("VacuumHorizon")).execute(Tuple.of(queries.schema())).map(rows -> {
      List<VacuumHorizon.Holder> holders = new ArrayList<>();
      Row last = null;
      for (Row row : rows) {
        last = row;
        String kind = row.getString("kind");
        if (kind == null) {
          continue; // the row that carries only the jobs table's figures
        }
        Instant since = Rows.instant(row, "since");
        Instant now = Rows.instant(row, "now");
        holders.add(new VacuumHorizon.Holder(VacuumHorizon.Kind.fromSql(kind), row.getInteger("pid"),
            row.getString("name"), row.getString("state"), since, Rows.instant(row, "query_start"),
            row.getString("query"), row.getLong("xid_age"), since == null ? null : Duration.between(since, now)));
      }
      if (last == null) {
        throw new IllegalStateException("VacuumHorizon returned no row");
      }
      Long dead = last.getLong("jobs_dead");
      Long live = last.getLong("jobs_live");
      return new VacuumHorizon(holders, dead == null ? 0 : dead, live == null ? 0 : live,
          Rows.instant(last, "jobs_vacuumed_at"), Rows.instant(last, "now"));
    });
  }

  /**
   * @param parents explanations of its unfinished parents by id; null when it is itself a parent explained
   * @param horizon the oldest snapshots holding back vacuum, for an available job's {@link Code#HORIZON_HELD}
   */
  private static JobExplanation explain(Row row, Map<Long, JobExplanation> parents, VacuumHorizon horizon) {
    Instant now = Rows.instant(row, "now");
    String queue = row.getString("queue");
    String task = row.getString("task");
    Instant runAt = Rows.instant(row, "run_at");
    JobState state = JobState.fromSql(row.getString("state"));
    if (state == JobState.AVAILABLE && runAt.isAfter(now)) {
      state = JobState.SCHEDULED;
    }
    List<Reason> reasons = new ArrayList<>();
    switch (state) {
      case COMPLETED, DEAD, CANCELLED -> reasons.add(new Reason(Code.FINISHED, "it has finished: " + state.sqlName()
          + ParentsReason.cancelledBy(row.getJsonObject("last_error")),
          new JsonObject().put("state", state.sqlName()).put("finished_at", text(Rows.instant(row, "finished_at")))));
      case RUNNING -> running(row, now, reasons);
      default -> {
        if (state == JobState.WAITING) {
          reasons.add(ParentsReason.of(row, parents));
        }
        waiting(row, state, now, queue, task, runAt, reasons);
      }
    }
    if (state == JobState.AVAILABLE) {
      horizon(horizon, reasons);
    }
    if (row.getString("leader") == null && state != JobState.COMPLETED && state != JobState.DEAD
        && state != JobState.CANCELLED) {
      reasons.add(new Reason(Code.NO_LEADER, "no worker holds the maintenance lease: nothing rescues jobs of dead "
          + "workers", new JsonObject()));
    }
    return new JobExplanation(row.getLong("id"), state, reasons, now);
  }

  private static void running(Row row, Instant now, List<Reason> reasons) {
    String owner = row.getString("lease_owner");
    Instant lease = Rows.instant(row, "lease_expires_at");
    if (row.getBoolean("owner_live")) {
      reasons.add(new Reason(Code.RUNNING, "it is running on worker " + owner,
          new JsonObject().put("worker", owner).put("lease_expires_at", text(lease))));
      return;
    }
    // The rescuer takes it back at its next pass once the worker is reaped (silent for the worker timeout),
    // or once its lease has expired, whichever comes first.
    Instant heartbeat = Rows.instant(row, "owner_heartbeat_at");
    Instant reaped = heartbeat == null ? now : heartbeat.plus(dev.spool.WorkerOptions.DEFAULT_WORKER_TIMEOUT);
    Instant rescueBy = (lease == null || reaped.isBefore(lease) ? reaped : lease)
        .plus(dev.spool.WorkerOptions.DEFAULT_RESCUE_INTERVAL);
    if (rescueBy.isBefore(now)) {
      rescueBy = now.plus(dev.spool.WorkerOptions.DEFAULT_RESCUE_INTERVAL);
    }
    reasons.add(new Reason(Code.WORKER_GONE, "it was running on worker " + owner + ", which is gone; the rescuer "
        + "makes it available again by " + rescueBy, new JsonObject().put("worker", owner)
        .put("last_heartbeat_at", text(heartbeat)).put("lease_expires_at", text(lease)).put("rescue_by", text(rescueBy))));
  }

  private static void waiting(Row row, JobState state, Instant now, String queue, String task, Instant runAt,
      List<Reason> reasons) {
    if (state == JobState.SCHEDULED) {
      double in = Duration.between(now, runAt).toMillis() / 1000.0;
      reasons.add(new Reason(Code.DUE_LATER, String.format(Locale.ROOT, "it is due at %s (in %.1f s)", runAt, in),
          new JsonObject().put("run_at", text(runAt)).put("due_in_seconds", in)));
    }
    if (row.getBoolean("paused")) {
      reasons.add(new Reason(Code.QUEUE_PAUSED, "its queue " + queue + " is paused",
          new JsonObject().put("queue", queue).put("paused_at", text(Rows.instant(row, "paused_at")))));
    }
    long queueWorkers = row.getLong("queue_workers");
    if (queueWorkers == 0) {
      reasons.add(new Reason(Code.NO_WORKER_FOR_QUEUE, "no live worker serves queue " + queue
          + ": it waits until one starts", new JsonObject().put("queue", queue)));
    } else if (row.getLong("task_workers") == 0) {
      reasons.add(new Reason(Code.NO_WORKER_FOR_TASK, "none of the " + queueWorkers + " live workers of queue " + queue
          + " handles task " + task + ": it waits until one that does starts",
          new JsonObject().put("queue", queue).put("task", task).put("queue_workers", queueWorkers)));
    }
    rateLimit(Code.QUEUE_RATE_LIMITED, "queue " + queue, row.getJsonObject("queue_limit"), row, "queue_starts", now, reasons);
    rateLimit(Code.TASK_RATE_LIMITED, "task " + task, row.getJsonObject("task_limit"), row, "task_starts", now, reasons);
    JsonObject queueLimit = row.getJsonObject("queue_limit");
    Integer concurrency = queueLimit == null ? null : queueLimit.getInteger("concurrency");
    long running = row.getLong("queue_running");
    if (concurrency != null && running >= concurrency) {
      reasons.add(new Reason(Code.CONCURRENCY_SATURATED, "queue " + queue + " runs " + running + " of its "
          + concurrency + " jobs at once across all workers", new JsonObject().put("running", running)
          .put("limit", concurrency)));
    }
    long ahead = row.getLong("ahead");
    if (state == JobState.AVAILABLE && ahead > 0) {
      boolean capped = ahead >= JobAdmin.EXPLAIN_COUNT_LIMIT;
      reasons.add(new Reason(Code.JOBS_AHEAD, (capped ? ahead + "+" : String.valueOf(ahead)) + " due jobs are ahead of it"
          + " in queue " + queue, new JsonObject().put("ahead", ahead).put("count_limit", JobAdmin.EXPLAIN_COUNT_LIMIT)));
    }
  }

  /**
   * A snapshot older than the jobs table's last vacuum, with dead versions past the vacuumer's threshold left
   * behind: the table and its indexes grow until the snapshot ends, and the count of running jobs of a claim with a
   * concurrency limit, or a head scan, walks their index entries (see {@link VacuumHorizon}).
   */
  private static void horizon(VacuumHorizon horizon, List<Reason> reasons) {
    horizon.slowingClaims(VacuumOptions.DEFAULT_MIN_DEAD_ROWS).ifPresent(holder -> {
      String age = holder.age() == null ? "" : String.format(Locale.ROOT, " %.0f s old", holder.age().toMillis() / 1000.0);
      reasons.add(new Reason(Code.HORIZON_HELD, String.format(Locale.ROOT, "vacuum is held back: the last vacuum of the "
          + "jobs table (%s) left %,d dead row versions it may not remove, held back by a snapshot%s: %s; the table and "
          + "its indexes grow until it ends, and claims under a concurrency limit count through them",
          horizon.jobsVacuumedAt(), horizon.jobsDead(), age, holder.describe()),
          holder.toJson().put("jobs_dead", horizon.jobsDead()).put("jobs_vacuumed_at", text(horizon.jobsVacuumedAt()))));
    });
  }

  /** A sliding-log rate limit is full while {@code limit} starts lie within the last window. */
  private static void rateLimit(Code code, String what, JsonObject limit, Row row, String startsColumn, Instant now,
      List<Reason> reasons) {
    if (limit == null || limit.getInteger("rate") == null) {
      return;
    }
    int rate = limit.getInteger("rate");
    long windowMs = limit.getLong("window_ms");
    OffsetDateTime[] starts = row.getArrayOfOffsetDateTimes(startsColumn);
    if (starts == null) {
      return;
    }
    Instant windowStart = now.minusMillis(windowMs);
    Instant[] inWindow = Arrays.stream(starts).map(OffsetDateTime::toInstant).filter(t -> t.isAfter(windowStart))
        .sorted().toArray(Instant[]::new);
    if (inWindow.length < rate) {
      return;
    }
    Instant until = inWindow[inWindow.length - rate].plusMillis(windowMs);
    reasons.add(new Reason(code, what + " started " + inWindow.length + " jobs in its " + windowMs + " ms window (limit "
        + rate + "): full until " + until, new JsonObject().put("limit", rate).put("window_ms", windowMs)
        .put("started_in_window", inWindow.length).put("until", text(until))));
  }

  Future<List<Unserved>> unserved(Duration liveWithin) {
    Tuple params = Tuple.of((double) liveWithin.toMillis(), JobAdmin.UNSERVED_SAMPLE);
    return pool.preparedQuery(queries.get("UnservedWork")).execute(params).map(rows -> {
      List<Unserved> out = new ArrayList<>(rows.size());
      for (Row row : rows) {
        out.add(new Unserved(row.getString("queue"), row.getString("task"), row.getBoolean("queue_served"),
            row.getLong("jobs")));
      }
      return out;
    });
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
