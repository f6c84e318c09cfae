package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * A run whose handler has not returned by its hard limit plus the worker's grace period
 * ({@link WorkerOptions#setStuckGrace}): a handler that ignores its cancellation and, if blocking, its
 * interrupt. Listed by {@link SpoolStats#stuckRuns()} while it lasts, on the node that runs it.
 *
 * @param id the job's id
 * @param queue the job's queue
 * @param task the job's task
 * @param attempt the run's attempt number
 * @param worker the worker (lease owner) running it
 * @param running how long the handler has been running
 * @param pastLimit how long past its hard limit
 * @param held true when the worker keeps the job until the handler returns ({@link HandlerOptions.OnStuck#HOLD});
 *     false when the job was given back for retry at its hard limit ({@link HandlerOptions.OnStuck#RELEASE})
 */
public record StuckRun(long id, String queue, String task, int attempt, String worker, Duration running,
    Duration pastLimit, boolean held) {

  /**
   * As JSON: {@code {"id", "queue", "task", "attempt", "worker", "running_seconds", "past_limit_seconds", "held"}}.
   *
   * @return the run as JSON
   */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("queue", queue).put("task", task).put("attempt", attempt)
        .put("worker", worker).put("running_seconds", seconds(running)).put("past_limit_seconds", seconds(pastLimit))
        .put("held", held);
  }

  private static double seconds(Duration d) {
    return Math.round(d.toMillis() / 100.0) / 10.0;
  }
}
