package dev.spool.impl.client;

import dev.spool.EnqueueOptions;
import dev.spool.JobRequest;
import dev.spool.JobState;
import dev.spool.Task;
import dev.spool.Workflow;
import dev.spool.WorkflowStatus;
import dev.spool.impl.job.Payloads;
import dev.spool.impl.sql.Queries;
import dev.spool.impl.sql.Rows;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The parameters of {@code enqueue_workflow} for a workflow's steps, and its status read back. */
final class WorkflowParams {

  private WorkflowParams() {}

  /**
   * Steps in topological order (as {@link Workflow#steps()} gives them), as the function's 14 arrays, then the
   * enqueuer's traceparent (or null), every step's.
   */
  static Tuple of(String name, List<Workflow.Step> steps, int maxPayloadBytes, String traceparent) {
    int n = steps.size();
    if (n == 0) {
      throw new IllegalArgumentException("workflow " + name + " has no steps");
    }
    String[] stepNames = new String[n];
    String[] queue = new String[n];
    String[] task = new String[n];
    Buffer[] args = new Buffer[n];
    Short[] priority = new Short[n];
    OffsetDateTime[] runAt = new OffsetDateTime[n];
    Double[] delayMs = new Double[n];
    Integer[] maxAttempts = new Integer[n];
    Integer[] timeoutMs = new Integer[n];
    String[] uniqueKey = new String[n];
    Boolean[] runOnFailure = new Boolean[n];
    Map<String, Integer> position = new HashMap<>();
    List<Integer> edgeChild = new ArrayList<>();
    List<Integer> edgeParent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Workflow.Step step = steps.get(i);
      position.put(step.name(), i + 1);
      EnqueueOptions o = step.job().options();
      stepNames[i] = step.name();
      queue[i] = o.getQueue();
      task[i] = step.job().task().name();
      args[i] = Buffer.buffer(encode(step.job(), maxPayloadBytes));
      priority[i] = (short) o.getPriority();
      runAt[i] = o.getRunAt() == null ? null : o.getRunAt().atOffset(ZoneOffset.UTC);
      delayMs[i] = (double) o.getDelay().toMillis();
      maxAttempts[i] = o.getMaxAttempts();
      timeoutMs[i] = o.getTimeout() == null ? null : (int) o.getTimeout().toMillis();
      uniqueKey[i] = o.getUniqueKey();
      runOnFailure[i] = step.runOnParentFailure();
      for (String parent : step.dependsOn()) {
        edgeChild.add(i + 1);
        edgeParent.add(position.get(parent)); // topological order: parents come first
      }
    }
    return Tuple.of(name, stepNames, queue, task, args, priority, runAt, delayMs, maxAttempts, timeoutMs)
        .addValue(uniqueKey).addValue(runOnFailure)
        .addValue(edgeChild.toArray(Integer[]::new)).addValue(edgeParent.toArray(Integer[]::new))
        .addValue(traceparent);
  }

  private static <A> byte[] encode(JobRequest<A> job, int maxPayloadBytes) {
    Task<A> task = job.task();
    return Payloads.encode(task, job.args(), maxPayloadBytes);
  }

  static Future<Optional<WorkflowStatus>> status(SqlClient client, Queries queries, long id) {
    return client.preparedQuery(queries.get("FindWorkflow")).execute(Tuple.of(id)).compose(found -> {
      if (found.size() == 0) {
        return Future.succeededFuture(Optional.empty());
      }
      Row wf = found.iterator().next();
      return client.preparedQuery(queries.get("WorkflowSteps")).execute(Tuple.of(id)).map(rows -> {
        List<WorkflowStatus.StepStatus> steps = new ArrayList<>(rows.size());
        for (Row row : rows) {
          Object error = row.getValue("last_error");
          steps.add(new WorkflowStatus.StepStatus(row.getLong("id"), row.getString("step"), row.getString("task"),
              row.getString("queue"), JobState.fromSql(row.getString("state")), row.getInteger("attempt"),
              row.getInteger("pending_parents"), Arrays.asList(row.getArrayOfLongs("parents")),
              error instanceof JsonObject json ? json : null, row.getValue("progress")));
        }
        return Optional.of(new WorkflowStatus(wf.getLong("id"), wf.getString("name"), Rows.instant(wf, "created_at"),
            List.copyOf(steps)));
      });
    });
  }
}
