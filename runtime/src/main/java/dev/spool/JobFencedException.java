package dev.spool;

/**
 * The outcome of {@link JobContext#completeInTransaction}: the run no longer held its job when its
 * transaction came to complete it (the job was rescued after its worker looked dead, its lease ran out, it
 * timed out and was retried, or it was completed some other way), so the transaction was rolled back and
 * none of its writes happened. The job belongs to another run now; a handler has nothing to do but return
 * this failure, and the worker writes no outcome for the run (it counts as a late ack).
 */
public class JobFencedException extends RuntimeException {

  /**
   * The run's completing transaction found its job held by another run.
   *
   * @param message which job and run
   */
  public JobFencedException(String message) {
    super(message);
  }
}
