package dev.spool;

/**
 * Due jobs that no live worker can claim ({@link JobAdmin#unserved}): of a queue no live worker serves, or
 * of a task none of the queue's live workers handles. Such jobs wait forever unless a worker comes.
 *
 * @param queue       the queue (not paused: a paused queue's jobs wait by design)
 * @param task        the task of those jobs
 * @param queueServed whether some live worker serves the queue (then only this task lacks a handler)
 * @param jobs        how many of the queue's first due jobs (in claim order, a bounded sample) are of it
 */
public record Unserved(String queue, String task, boolean queueServed, long jobs) {

  /**
   * A sentence for people: the dashboard's warning and a {@code /ready} reason.
   *
   * @return the sentence
   */
  public String message() {
    return queueServed
        ? "no live worker of queue " + queue + " handles task " + task + " (" + jobs + " due jobs wait)"
        : "no live worker serves queue " + queue + " (" + jobs + " due jobs of task " + task + " wait)";
  }
}
