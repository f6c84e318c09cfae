package dev.spool.test;

import java.util.List;

/** The runs of one {@link SpoolTester#drain}, in the order they ran. */
public record DrainResult(List<JobOutcome> outcomes) {

  /**
   * Runs that completed.
   *
   * @return the count
   */
  public long completed() {
    return count(JobOutcome.Kind.COMPLETED);
  }

  /**
   * Runs that failed and will be retried.
   *
   * @return the count
   */
  public long retried() {
    return count(JobOutcome.Kind.RETRIED);
  }

  /**
   * Runs whose job is now dead.
   *
   * @return the count
   */
  public long dead() {
    return count(JobOutcome.Kind.DEAD);
  }

  /**
   * Runs that snoozed.
   *
   * @return the count
   */
  public long snoozed() {
    return count(JobOutcome.Kind.SNOOZED);
  }

  /**
   * The runs of one task.
   *
   * @param task the task's name
   * @return its runs, in order
   */
  public List<JobOutcome> of(String task) {
    return outcomes.stream().filter(o -> o.task().equals(task)).toList();
  }

  /**
   * The results of the completed runs, in order (nulls for runs that kept none).
   *
   * @return the results
   */
  public List<Object> results() {
    return outcomes.stream().filter(JobOutcome::isCompleted).map(JobOutcome::result).toList();
  }

  private long count(JobOutcome.Kind kind) {
    return outcomes.stream().filter(o -> o.kind() == kind).count();
  }

  @Override
  public String toString() {
    return completed() + " completed, " + retried() + " retried, " + dead() + " dead, " + snoozed() + " snoozed";
  }
}
