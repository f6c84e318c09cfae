package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Which pending jobs a bulk action ({@link JobAdmin#cancelPending}, {@link JobAdmin#deletePending},
 * {@link JobAdmin#movePending}) takes: of a queue, of a task, only due ({@link JobState#AVAILABLE}) or only
 * due later ({@link JobState#SCHEDULED}), created before an instant; each when set. Running and finished jobs
 * are never taken. A filter that sets none of them takes every pending job, so it must say so with
 * {@link #setAll(boolean) all}: an empty filter without it is refused.
 */
public class BulkFilter {

  private String queue;
  private String task;
  private JobState state;
  private Instant createdBefore;
  private boolean all;

  /** A filter with no condition yet, which {@link #validate} refuses unless {@link #setAll} says all. */
  public BulkFilter() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the filter to copy
   */
  public BulkFilter(BulkFilter other) {
    this.queue = other.queue;
    this.task = other.task;
    this.state = other.state;
    this.createdBefore = other.createdBefore;
    this.all = other.all;
  }

  /**
   * Reads {@code queue, task, state ("available" or "scheduled"), createdBefore (ISO-8601), all}.
   *
   * @param json the filter as {@link #toJson()} writes it
   */
  public BulkFilter(JsonObject json) {
    setQueue(json.getString("queue"));
    setTask(json.getString("task"));
    setState(json.getString("state") == null ? null : JobState.fromSql(json.getString("state")));
    setCreatedBefore(json.getValue("createdBefore") == null ? null : json.getInstant("createdBefore"));
    setAll(json.getBoolean("all", false));
  }

  /** {@return this filter as JSON, which {@link #BulkFilter(JsonObject)} reads back} */
  public JsonObject toJson() {
    return new JsonObject().put("queue", queue).put("task", task).put("state", state == null ? null : state.sqlName())
        .put("createdBefore", createdBefore == null ? null : createdBefore.toString()).put("all", all);
  }

  /** {@return the {@code queue} setting} See {@link #setQueue}. */
  public String getQueue() {
    return queue;
  }

  /**
   * Only jobs of this queue; null for any queue.
   *
   * @param queue a queue name, or null
   * @return this bulk filter, for chaining
   */
  public BulkFilter setQueue(String queue) {
    this.queue = queue == null ? null : Names.check("queue", queue);
    return this;
  }

  /** {@return the {@code task} setting} See {@link #setTask}. */
  public String getTask() {
    return task;
  }

  /**
   * Only jobs of this task; null for any task.
   *
   * @param task a task name, or null
   * @return this bulk filter, for chaining
   */
  public BulkFilter setTask(String task) {
    this.task = task == null ? null : Names.check("task", task);
    return this;
  }

  /** {@return the {@code state} setting} See {@link #setState}. */
  public JobState getState() {
    return state;
  }

  /**
   * {@link JobState#AVAILABLE} (due now), {@link JobState#SCHEDULED} (due later) or null for both.
   *
   * @param state {@link JobState#AVAILABLE} (due now), {@link JobState#SCHEDULED} (due later) or null for both.
   * @return this bulk filter, for chaining
   */
  public BulkFilter setState(JobState state) {
    if (state != null && state != JobState.AVAILABLE && state != JobState.SCHEDULED) {
      throw new IllegalArgumentException("a bulk action takes pending jobs: state must be available or scheduled, got "
          + state.sqlName());
    }
    this.state = state;
    return this;
  }

  /** {@return the {@code createdBefore} setting} See {@link #setCreatedBefore}. */
  public Instant getCreatedBefore() {
    return createdBefore;
  }

  /**
   * Only jobs enqueued before this instant; null for any time.
   *
   * @param createdBefore the bound, exclusive, or null
   * @return this bulk filter, for chaining
   */
  public BulkFilter setCreatedBefore(Instant createdBefore) {
    this.createdBefore = createdBefore;
    return this;
  }

  /** {@return the {@code all} setting} See {@link #setAll}. */
  public boolean isAll() {
    return all;
  }

  /**
   * Confirms that a filter without any condition means every pending job.
   *
   * @param all true to let a filter without any condition take every pending job
   * @return this bulk filter, for chaining
   */
  public BulkFilter setAll(boolean all) {
    this.all = all;
    return this;
  }

  /**
   * Whether no condition is set.
   *
   * @return true when no condition is set
   */
  public boolean isEmpty() {
    return queue == null && task == null && state == null && createdBefore == null;
  }

  /**
   * Checks the filter as a whole.
   *
   * @throws IllegalArgumentException when it has no condition and does not say {@code all}
   * @return this filter, when valid
   */
  public BulkFilter validate() {
    if (isEmpty() && !all) {
      throw new IllegalArgumentException("a bulk action with no filter takes every pending job: give a queue, task, "
          + "state or created-before, or say all");
    }
    return this;
  }
}
