package dev.spool.impl.client;

import io.vertx.core.json.JsonArray;
import dev.spool.impl.sql.Outcomes;
import dev.spool.WorkflowStatus;
import dev.spool.BulkFilter;
import dev.spool.Job;
import dev.spool.JobAdmin;
import dev.spool.JobEvent;
import dev.spool.JobExplanation;
import dev.spool.Unserved;
import dev.spool.VacuumHorizon;
import dev.spool.WorkerStatus;
import dev.spool.JobQuery;
import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.QueueActivity;
import dev.spool.QueueDepth;
import dev.spool.QueueKeys;
import dev.spool.QueueSummary;
import dev.spool.RetryResult;
import dev.spool.impl.SpoolInternals;
import dev.spool.impl.leader.Elector;
import dev.spool.impl.sql.Queries;
import dev.spool.impl.sql.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link JobAdmin} on a small pool of its own whose statements always get a plan for their actual values. */
public final class PgJobAdmin implements JobAdmin {

  /** Batch size of {@link #pruneHistory}. */
  static final int PRUNE_BATCH = 10_000;
  private static final String UNIQUE_VIOLATION = "23505";

  private final Queries queries;
  private final Pool pool;
  private final Explainer explainer;
  private final BulkActions bulk;

  public PgJobAdmin(SpoolInternals spool) {
    this.queries = spool.queries();
    this.pool = spool.connect(PgBuilder.pool().with(new PoolOptions().setMaxSize(POOL_SIZE)), spool.connectOptions()
            // Filters arrive as "$1 is null or state = $1": a generic plan would serve every combination
            // with one scan; a custom plan folds the unused ones away and reaches the state's partial index.
            .addProperty("plan_cache_mode", "force_custom_plan")
            // the dashboard's queries are many small index probes the planner prices high: compiling
            // them costs more (hundreds of ms) than running them
            .addProperty("jit", "off")
            .addProperty("application_name", "spool-admin"))
        .using(spool.vertx())
        .build();
    this.explainer = new Explainer(pool, queries);
    this.bulk = new BulkActions(spool.vertx(), pool, queries, BULK_BATCH);
  }

  @Override
  public Future<Long> countPending(BulkFilter filter) {
    return bulk.count(filter);
  }

  @Override
  public Future<Long> cancelPending(BulkFilter filter) {
    return bulk.cancel(filter);
  }

  @Override
  public Future<Long> deletePending(BulkFilter filter) {
    return bulk.delete(filter);
  }

  @Override
  public Future<Long> movePending(BulkFilter filter, String toQueue) {
    return bulk.move(filter, toQueue);
  }

  @Override
  public Future<Optional<JobExplanation>> explain(long id) {
    return explainer.explain(id);
  }

  @Override
  public Future<List<Unserved>> unserved(Duration liveWithin) {
    return explainer.unserved(liveWithin);
  }

  @Override
  public Future<VacuumHorizon> vacuumHorizon() {
    return explainer.vacuumHorizon();
  }

  @Override
  public Future<List<Job>> list(JobQuery query) {
    JobState state = query.getState();
    String stored = state == null ? null : state == JobState.SCHEDULED ? "available" : state.sqlName();
    Boolean future = state == JobState.SCHEDULED ? Boolean.TRUE : state == JobState.AVAILABLE ? Boolean.FALSE : null;
    Tuple params = Tuple.tuple().addValue(stored).addValue(future).addValue(query.getQueue())
        .addValue(query.getTask()).addValue(query.getBeforeId()).addValue(query.getLimit()).addValue(query.getDepth())
        .addValue(query.getKey());
    return pool.preparedQuery(queries.get("ListJobs")).execute(params).map(rows -> {
      List<Job> jobs = new ArrayList<>(rows.size());
      for (Row row : rows) {
        jobs.add(Rows.job(row));
      }
      return jobs;
    });
  }

  @Override
  public Future<Optional<Job>> find(long id) {
    return pool.preparedQuery(queries.get("FindJob")).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Rows.job(rows.iterator().next())));
  }

  @Override
  public Future<List<JobEvent>> history(long id) {
    return pool.preparedQuery(queries.get("JobEvents")).execute(Tuple.of(id, MAX_EVENTS)).map(rows -> {
      List<JobEvent> events = new ArrayList<>(rows.size());
      for (Row row : rows) {
        Object error = row.getValue("error");
        events.add(new JobEvent(row.getLong("id"), row.getLong("job_id"), row.getString("from_state"),
            row.getString("to_state"), row.getInteger("attempt"), error instanceof JsonObject json ? json : null,
            Rows.instant(row, "at")));
      }
      return events;
    });
  }

  @Override
  public Future<Boolean> historyEnabled() {
    return pool.query(queries.get("HistoryEnabled")).execute().map(rows -> rows.iterator().next().getBoolean(0));
  }

  @Override
  public Future<RetryResult> retry(long id) {
    // the retry and the return of the dependents it had cancelled are one transaction
    return pool.withTransaction(conn -> conn.preparedQuery(queries.get("RetryJob")).execute(Tuple.of(id))
        .compose(rows -> rows.size() == 1 && rows.iterator().next().getLong("retried") > 0
            ? conn.preparedQuery(queries.get("ReviveDependents")).execute(Tuple.of((Object) new Long[] {id})).map(rows)
            : Future.succeededFuture(rows))).map(rows -> {
      if (rows.size() == 0) {
        return RetryResult.NOT_FOUND;
      }
      Row row = rows.iterator().next();
      if (row.getLong("retried") > 0) {
        return RetryResult.RETRIED;
      }
      String before = row.getString("state_before");
      return before.equals("dead") || before.equals("cancelled") ? RetryResult.UNIQUE_KEY_HELD
          : RetryResult.NOT_RETRYABLE;
    }).recover(e -> isUniqueViolation(e) ? Future.succeededFuture(RetryResult.UNIQUE_KEY_HELD) : Future.failedFuture(e));
  }

  @Override
  public Future<Optional<JsonObject>> outcome(long id) {
    return pool.preparedQuery(queries.get("FindOutcomes")).execute(Tuple.of((Object) new Long[] {id})).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Optional.<JsonObject>empty());
      }
      JsonObject json = Outcomes.result(rows.iterator().next()).toJson();
      return pool.preparedQuery(queries.get("JobLinks")).execute(Tuple.of(id)).map(links -> {
        Row row = links.iterator().next();
        return Optional.of(json.put("parents", new JsonArray(java.util.Arrays.asList(row.getArrayOfLongs("parents"))))
            .put("children", new JsonArray(java.util.Arrays.asList(row.getArrayOfLongs("children"))))
            .put("workflow_id", row.getLong("workflow_id")).put("step", row.getString("step")));
      });
    });
  }

  @Override
  public Future<List<JobResult>> results(List<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(queries.get("FindOutcomes")).execute(Tuple.of((Object) ids.toArray(Long[]::new)))
        .map(rows -> {
          List<JobResult> results = new ArrayList<>(rows.size());
          rows.forEach(row -> results.add(Outcomes.result(row)));
          results.sort(java.util.Comparator.comparingLong(JobResult::id));
          return results;
        });
  }

  @Override
  public Future<Optional<WorkflowStatus>> workflow(long workflowId) {
    return WorkflowParams.status(pool, queries, workflowId);
  }

  @Override
  public Future<Integer> cancelWorkflow(long workflowId) {
    return pool.preparedQuery(queries.get("CancelWorkflow")).execute(Tuple.of(workflowId)).compose(rows -> {
      Row row = rows.iterator().next();
      int n = (int) (row.getLong("cancelled") + row.getLong("requested"));
      return pool.preparedQuery(queries.get("SettleJobs")).execute(Tuple.of((Object) row.getArrayOfLongs("ids"))).map(n);
    });
  }

  @Override
  public Future<Integer> retryDead(String queue, String task) {
    // like retry: the dependents the dead jobs had cancelled come back, waiting, in the same transaction
    return pool.withTransaction(conn -> conn.preparedQuery(queries.get("RetryDeadJobs")).execute(Tuple.of(queue, task))
        .compose(rows -> {
          Row row = rows.iterator().next();
          int retried = (int) (long) row.getLong("retried");
          Long[] ids = row.getArrayOfLongs("ids");
          return retried == 0 ? Future.succeededFuture(0)
              : conn.preparedQuery(queries.get("ReviveDependents")).execute(Tuple.of((Object) ids)).map(retried);
        }));
  }

  @Override
  public Future<Integer> purgeDead(String queue, String task) {
    return pool.preparedQuery(queries.get("PurgeDeadJobs")).execute(Tuple.of(queue, task)).map(rows -> rows.rowCount());
  }

  @Override
  public Future<List<QueueActivity>> activity(int countLimit, Duration liveWithin) {
    if (countLimit < 1) {
      throw new IllegalArgumentException("countLimit must be at least 1, got " + countLimit);
    }
    Tuple params = Tuple.of(countLimit, (double) liveWithin.toMillis());
    return pool.preparedQuery(queries.get("DashboardQueues")).execute(params).map(rows -> {
      List<QueueActivity> queues = new ArrayList<>(rows.size());
      for (Row row : rows) {
        queues.add(new QueueActivity(row.getString("queue"), row.getBoolean("paused"), Rows.instant(row, "paused_at"),
            row.getLong("available"), row.getLong("scheduled"), row.getLong("running"), row.getLong("dead"),
            row.getDouble("next_wait_seconds"), row.getLong("workers").intValue(),
            orZero(row.getDouble("finished_per_s")), orZero(row.getDouble("failed_per_s")),
            row.getDouble("lag_ms_avg"), row.getDouble("lag_ms_max")));
      }
      return queues;
    });
  }

  private static double orZero(Double value) {
    return value == null ? 0 : value;
  }

  @Override
  public Future<Long> estimatedJobs() {
    return pool.preparedQuery(queries.get("EstimatedJobRows")).execute(Tuple.of(queries.schema()))
        .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getLong("rows") : 0L);
  }

  @Override
  public Future<QueueKeys> keys(String queue, int limit) {
    return pool.preparedQuery(queries.get("QueueKeys")).execute(Tuple.of(queue, limit)).map(rows -> {
      List<QueueKeys.Key> busiest = new ArrayList<>(rows.size());
      long keys = 0;
      for (Row row : rows) {
        keys = row.getLong("keys_with_work");
        Double wait = row.getDouble("oldest_wait_seconds");
        busiest.add(new QueueKeys.Key(row.getString("key"), row.getLong("available"), row.getLong("running"),
            row.getInteger("recent_starts"), wait == null ? null : Duration.ofNanos((long) (Math.max(0, wait) * 1e9))));
      }
      return new QueueKeys(queue, keys, busiest);
    });
  }

  @Override
  public Future<Void> ping() {
    return pool.query(queries.get("Ping")).execute().mapEmpty();
  }

  @Override
  public Future<Optional<String>> leader() {
    return pool.preparedQuery(queries.get("CurrentLeader")).execute(Tuple.of(Elector.MAINTENANCE))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getString("leader_id")));
  }

  @Override
  public Future<List<WorkerStatus>> workers() {
    return pool.preparedQuery(queries.get("ListWorkers")).execute(Tuple.of(Elector.MAINTENANCE)).map(rows -> {
      List<WorkerStatus> workers = new ArrayList<>(rows.size());
      for (Row row : rows) {
        String[] tasks = row.getArrayOfStrings("tasks");
        Long[] running = row.getArrayOfLongs("running_ids");
        Integer active = row.getInteger("active");
        Integer reserved = row.getInteger("reserved");
        workers.add(new WorkerStatus(row.getString("id"), List.of(row.getArrayOfStrings("queues")),
            tasks == null ? null : List.of(tasks), Rows.instant(row, "started_at"), Rows.instant(row, "heartbeat_at"),
            active == null ? 0 : active, reserved == null ? 0 : reserved,
            running == null ? List.of() : List.of(running), row.getBoolean("leader")));
      }
      return workers;
    });
  }

  @Override
  public Future<Map<String, Duration>> oldestDueWaits() {
    return pool.query(queries.get("OldestAvailable")).execute().map(rows -> {
      Map<String, Duration> waits = new LinkedHashMap<>();
      for (Row row : rows) {
        waits.put(row.getString("queue"), Duration.ofMillis(Math.round(row.getDouble("age_seconds") * 1000)));
      }
      return waits;
    });
  }

  @Override
  public Future<List<QueueDepth>> depths() {
    return pool.query(queries.get("QueueDepth")).execute().map(rows -> {
      List<QueueDepth> depths = new ArrayList<>(rows.size());
      for (Row row : rows) {
        Double oldest = row.getDouble("oldest_seconds");
        depths.add(new QueueDepth(row.getString("queue"), JobState.fromSql(row.getString("state")), row.getLong("jobs"),
            Duration.ofMillis(oldest == null ? 0 : Math.round(oldest * 1000))));
      }
      return depths;
    });
  }

  @Override
  public Future<Map<JobState, Long>> countByState(long firstId, long lastId) {
    return pool.preparedQuery(queries.get("CountJobsByStateInRange")).execute(Tuple.of(firstId, lastId)).map(rows -> {
      Map<JobState, Long> counts = new EnumMap<>(JobState.class);
      for (Row row : rows) {
        counts.put(JobState.fromSql(row.getString("state")), row.getLong("jobs"));
      }
      return counts;
    });
  }

  @Override
  public Future<Long> newestJobId() {
    return pool.query(queries.get("NewestJobId")).execute().map(rows -> rows.iterator().next().getLong("id"));
  }

  @Override
  public Future<List<QueueSummary>> queues() {
    return pool.query(queries.get("QueueSummaries")).execute().map(rows -> {
      List<QueueSummary> queues = new ArrayList<>();
      String current = null;
      boolean paused = false;
      Instant pausedAt = null;
      Map<JobState, Long> counts = null;
      Double oldest = null;
      for (Row row : rows) {
        String queue = row.getString("queue");
        if (!queue.equals(current)) {
          if (current != null) {
            queues.add(new QueueSummary(current, paused, pausedAt, counts, oldest));
          }
          current = queue;
          paused = row.getBoolean("paused");
          pausedAt = Rows.instant(row, "paused_at");
          counts = new EnumMap<>(JobState.class);
          oldest = null;
        }
        String state = row.getString("state");
        if (state != null) {
          counts.put(JobState.fromSql(state), row.getLong("jobs"));
        }
        if (row.getDouble("oldest_seconds") != null) {
          oldest = row.getDouble("oldest_seconds");
        }
      }
      if (current != null) {
        queues.add(new QueueSummary(current, paused, pausedAt, counts, oldest));
      }
      return queues;
    });
  }

  @Override
  public Future<Long> pruneHistory(Duration age) {
    if (age.isNegative()) {
      return Future.failedFuture(new IllegalArgumentException("age must not be negative, got " + age));
    }
    return prune((double) age.toMillis(), 0);
  }

  private Future<Long> prune(double ageMs, long sofar) {
    return pool.preparedQuery(queries.get("PruneJobEvents")).execute(Tuple.of(ageMs, PRUNE_BATCH)).compose(rows -> {
      long total = sofar + rows.rowCount();
      return rows.rowCount() < PRUNE_BATCH ? Future.succeededFuture(total) : prune(ageMs, total);
    });
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  private static boolean isUniqueViolation(Throwable e) {
    return e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
  }
}
