package dev.spool;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A workflow's steps and their states, as {@link JobClient#workflow}, {@code GET /api/workflows/{id}} and
 * {@code workflows show} report them.
 *
 * @param id        the workflow id
 * @param name      its name
 * @param createdAt when it was enqueued
 * @param steps     its steps still stored, in id order
 */
public record WorkflowStatus(long id, String name, Instant createdAt, List<StepStatus> steps) {

  /** One step. {@code parents} are job ids; {@code pendingParents} counts those it still waits for. */
  public record StepStatus(long id, String step, String task, String queue, JobState state, int attempt,
      Integer pendingParents, List<Long> parents, JsonObject error, Object progress) {

    /** {@return the step as the admin API shows it} */
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("step", step).put("task", task).put("queue", queue)
          .put("state", state.sqlName()).put("attempt", attempt).put("pending_parents", pendingParents)
          .put("parents", new JsonArray(List.copyOf(parents))).put("error", error).put("progress", progress);
    }
  }

  /**
   * True when no step can run any more (every one completed, dead or cancelled).
   *
   * @return true when finished
   */
  public boolean isFinished() {
    return steps.stream().allMatch(s -> s.state().isFinal());
  }

  /**
   * Steps per state.
   *
   * @param state a state
   * @return how many steps are in it
   */
  public long count(JobState state) {
    return steps.stream().filter(s -> s.state() == state).count();
  }

  /** {@return the workflow as the admin API shows it, with its steps and their counts per state} */
  public JsonObject toJson() {
    JsonObject counts = new JsonObject();
    for (JobState state : JobState.values()) {
      long n = count(state);
      if (n > 0) {
        counts.put(state.sqlName(), n);
      }
    }
    return new JsonObject().put("id", id).put("name", name).put("created_at", createdAt.toString())
        .put("finished", isFinished()).put("counts", counts)
        .put("steps", new JsonArray(steps.stream().map(StepStatus::toJson).toList()));
  }
}
