package dev.spool;

import java.util.Map;

/**
 * An enqueued workflow: its id (for {@link JobClient#cancelWorkflow}, {@code GET /api/workflows/{id}}) and
 * the job id of each step.
 *
 * @param id    the workflow id
 * @param steps step name to job id, in the order the steps were enqueued
 */
public record WorkflowRun(long id, Map<String, Long> steps) {

  /**
   * The job id of a step; throws when the workflow has no such step.
   *
   * @param step the step's name
   * @return the step's job id
   */
  public long id(String step) {
    Long id = steps.get(step);
    if (id == null) {
      throw new IllegalArgumentException("no step " + step + " in workflow " + this.id);
    }
    return id;
  }
}
