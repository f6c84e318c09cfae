package dev.spool.test;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A job enqueued and not yet run, as {@link SpoolTester#allEnqueued} and the assertions see it.
 *
 * @param args its arguments as JSON; null when they are not JSON and no registered task's codec could
 *     read them
 * @param state {@code available}, or {@code waiting} for a workflow step whose parents have not finished
 * @param parents the ids of the jobs it waits on (a workflow step's), in id order
 * @param scheduled true when its run_at is in the (test) future
 */
public record EnqueuedJob(long id, String task, String queue, JsonObject args, int priority, Instant runAt,
    String state, String key, String uniqueKey, int attempt, int maxAttempts, Long workflowId, String step,
    List<Long> parents, boolean scheduled) {

  /**
   * One line for a failure message: id, task, queue and arguments.
   *
   * @return the line
   */
  public String describe() {
    return "#" + id + " " + task + " (queue " + queue + ") args " + (args == null ? "<not JSON>" : args.encode())
        + (scheduled ? " scheduled at " + runAt : "");
  }
}
