package dev.spool.impl.client;

import dev.spool.JobResult;
import dev.spool.NoSuchJobException;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import dev.spool.WorkflowStatus;
import dev.spool.impl.await.Awaiter;
import dev.spool.impl.sql.Outcomes;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;

import dev.spool.impl.job.Payloads;
import dev.spool.CancelResult;
import dev.spool.EnqueueOptions;
import dev.spool.Job;
import dev.spool.JobClient;
import dev.spool.JobRequest;
import dev.spool.JobState;
import dev.spool.Task;
import dev.spool.impl.sql.Queries;
import dev.spool.impl.sql.Rows;
import dev.spool.impl.sql.SchemaVersions;
import dev.spool.impl.trace.Tracing;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link JobClient} on a Vert.x PostgreSQL pool. Enqueues go through the schema version guard
 * ({@link SchemaCheck}): a process newer than the schema, or older than its window, enqueues nothing.
 */
public final class PgJobClient implements JobClient {

  /** How often an enqueue with a unique key retries when the key's holder finishes under its feet. */
  private static final int UNIQUE_RETRIES = 5;

  private final Pool pool;
  private final Queries queries;

  private final int maxPayloadBytes;
  private final Awaiter awaiter;
  private final Tracing tracing = Tracing.INSTANCE;
  private final SchemaCheck schemaCheck;

  public PgJobClient(Pool pool, Queries queries, int maxPayloadBytes, Awaiter awaiter) {
    this.pool = pool;
    this.queries = queries;
    this.maxPayloadBytes = maxPayloadBytes;
    this.awaiter = awaiter;
    this.schemaCheck = new SchemaCheck(new SchemaVersions(queries));
  }

  @Override
  public Future<JobResult> result(long id) {
    return pool.preparedQuery(queries.get("FindOutcomes")).execute(Tuple.of(new Long[] {id})).compose(rows ->
        rows.size() == 0 ? Future.failedFuture(new NoSuchJobException(id))
            : Future.succeededFuture(Outcomes.result(rows.iterator().next())));
  }

  @Override
  public Future<JobResult> await(long id, Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      return Future.failedFuture(new IllegalArgumentException("await needs a positive timeout, got " + timeout));
    }
    return awaiter.await(id, timeout);
  }

  @Override
  public Future<WorkflowRun> enqueueWorkflow(SqlClient connection, Workflow workflow) {
    List<Workflow.Step> steps;
    Tuple params;
    try {
      steps = workflow.steps();
      params = WorkflowParams.of(workflow.name(), steps, maxPayloadBytes, tracing.capture());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    SqlClient client = connection != null ? connection : pool;
    return schemaCheck.ready(client).compose(ok -> client.preparedQuery(queries.get("EnqueueWorkflow")).execute(params)).map(rows -> {
      Row row = rows.iterator().next();
      Long[] ids = row.getArrayOfLongs("ids");
      Map<String, Long> byStep = new LinkedHashMap<>();
      for (int i = 0; i < steps.size(); i++) {
        byStep.put(steps.get(i).name(), ids[i]);
      }
      return new WorkflowRun(row.getLong("workflow_id"), Collections.unmodifiableMap(byStep));
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
      // tell the awaiters of the cancelled steps now rather than at the leader's next sweep
      return pool.preparedQuery(queries.get("SettleJobs")).execute(Tuple.of((Object) row.getArrayOfLongs("ids")))
          .map(n);
    });
  }

  @Override
  public <A> Future<Long> enqueue(Task<A> task, A args, EnqueueOptions options) {
    return enqueue(pool, task, args, options);
  }

  @Override
  public <A> Future<Long> enqueue(SqlClient connection, Task<A> task, A args, EnqueueOptions options) {
    Tuple params;
    try {
      options.validate();
      params = Tuple.of(options.getQueue(), task.name(), Buffer.buffer(encode(task, args)),
              (short) options.getPriority(), toOffset(options), (double) options.getDelay().toMillis(),
              options.getMaxAttempts())
          .addValue(timeoutMs(options))
          .addValue(options.getUniqueKey())
          .addValue(softTimeoutMs(options))
          .addValue(options.getKey())
          .addValue(tracing.capture()); // here, in the caller's thread, where its span is current
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return schemaCheck.ready(connection).compose(ok -> insertOne(connection, params, options.getUniqueKey(), UNIQUE_RETRIES));
  }

  private Future<Long> insertOne(SqlClient connection, Tuple params, String uniqueKey, int retriesLeft) {
    return connection.preparedQuery(queries.get("InsertJob")).execute(params).compose(rows -> {
      if (rows.size() == 1) {
        return Future.succeededFuture(rows.iterator().next().getLong(0));
      }
      // The key is held: answer with its holder, or insert again if the holder finished meanwhile.
      return connection.preparedQuery(queries.get("FindUniqueHolder")).execute(Tuple.of(uniqueKey)).compose(holder -> {
        if (holder.size() == 1) {
          return Future.succeededFuture(holder.iterator().next().getLong(0));
        }
        if (retriesLeft == 0) {
          return Future.failedFuture(new IllegalStateException("unique key " + uniqueKey + " kept changing hands"));
        }
        return insertOne(connection, params, uniqueKey, retriesLeft - 1);
      });
    });
  }

  @Override
  public Future<List<Long>> enqueueAll(List<JobRequest<?>> jobs) {
    return enqueueAll(pool, jobs);
  }

  @Override
  public Future<List<Long>> enqueueAll(SqlClient connection, List<JobRequest<?>> jobs) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    int n = jobs.size();
    String[] queue = new String[n];
    String[] task = new String[n];
    Buffer[] args = new Buffer[n];
    Short[] priority = new Short[n];
    OffsetDateTime[] runAt = new OffsetDateTime[n];
    Double[] delayMs = new Double[n];
    Integer[] maxAttempts = new Integer[n];
    Integer[] timeoutMs = new Integer[n];
    Integer[] softTimeoutMs = new Integer[n];
    String[] key = new String[n];
    try {
      for (int i = 0; i < n; i++) {
        JobRequest<?> job = jobs.get(i);
        EnqueueOptions o = job.options().validate();
        if (o.getUniqueKey() != null) {
          throw new IllegalArgumentException("enqueueAll does not take unique keys; enqueue such jobs one by one");
        }
        queue[i] = o.getQueue();
        task[i] = job.task().name();
        args[i] = Buffer.buffer(encodeRequest(job));
        priority[i] = (short) o.getPriority();
        runAt[i] = toOffset(o);
        delayMs[i] = (double) o.getDelay().toMillis();
        maxAttempts[i] = o.getMaxAttempts();
        timeoutMs[i] = timeoutMs(o);
        softTimeoutMs[i] = softTimeoutMs(o);
        key[i] = o.getKey();
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Tuple params = Tuple.of(queue, task, args, priority, runAt, delayMs, maxAttempts, timeoutMs).addValue(softTimeoutMs)
        .addValue(key).addValue(tracing.capture());
    return schemaCheck.ready(connection).compose(ok -> connection.preparedQuery(queries.get("InsertJobs")).execute(params)).map(rows -> {
      List<Long> ids = new ArrayList<>(rows.size());
      for (Row row : rows) {
        ids.add(row.getLong(0));
      }
      return ids;
    });
  }

  @Override
  public Future<CancelResult> cancel(long id) {
    return pool.preparedQuery(queries.get("CancelJob")).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(CancelResult.NOT_FOUND);
      }
      String before = rows.iterator().next().getString("state_before");
      if (!before.equals("available") && !before.equals("waiting")) {
        return Future.succeededFuture(before.equals("running") ? CancelResult.CANCEL_REQUESTED : CancelResult.ALREADY_FINISHED);
      }
      // its dependents and awaiters learn now rather than at the leader's next sweep
      return pool.preparedQuery(queries.get("SettleJobs")).execute(Tuple.of((Object) new Long[] {id}))
          .map(CancelResult.CANCELLED);
    });
  }

  @Override
  public Future<Void> pauseQueue(String queue) {
    return queueCommand("PauseQueue", queue);
  }

  @Override
  public Future<Void> resumeQueue(String queue) {
    return queueCommand("ResumeQueue", queue);
  }

  private Future<Void> queueCommand(String query, String queue) {
    try {
      new EnqueueOptions().setQueue(queue); // the same rules as for enqueue
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(queries.get(query)).execute(Tuple.of(queue)).mapEmpty();
  }

  @Override
  public Future<Optional<Job>> find(long id) {
    return pool.preparedQuery(queries.get("FindJob")).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Rows.job(rows.iterator().next())));
  }

  @Override
  public Future<Map<String, Map<JobState, Long>>> countByQueueAndState() {
    return pool.query(queries.get("CountJobsByState")).execute().map(PgJobClient::byQueueAndState);
  }

  private static Map<String, Map<JobState, Long>> byQueueAndState(RowSet<Row> rows) {
    Map<String, Map<JobState, Long>> counts = new TreeMap<>();
    for (Row row : rows) {
      counts.computeIfAbsent(row.getString("queue"), q -> new EnumMap<>(JobState.class))
          .put(JobState.fromSql(row.getString("state")), row.getLong("jobs"));
    }
    return counts;
  }

  private <A> byte[] encodeRequest(JobRequest<A> job) {
    return encode(job.task(), job.args());
  }

  private <A> byte[] encode(Task<A> task, A args) {
    return Payloads.encode(task, args, maxPayloadBytes);
  }

  private static OffsetDateTime toOffset(EnqueueOptions options) {
    return options.getRunAt() == null ? null : options.getRunAt().atOffset(ZoneOffset.UTC);
  }

  private static Integer timeoutMs(EnqueueOptions options) {
    return options.getTimeout() == null ? null : (int) options.getTimeout().toMillis();
  }

  private static Integer softTimeoutMs(EnqueueOptions options) {
    return options.getSoftTimeout() == null ? null : (int) options.getSoftTimeout().toMillis();
  }
}
