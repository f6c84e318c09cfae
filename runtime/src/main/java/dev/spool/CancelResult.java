package dev.spool;

/** The answer to {@link JobClient#cancel}. */
public enum CancelResult {
  /** The job had not started: it is cancelled now and will not run. */
  CANCELLED,
  /**
   * The job is running: its worker has been told (the handler sees {@link JobContext#cancellation()}), and
   * unless the run succeeds anyway the job ends {@code cancelled}. A handler that ignores the signal is
   * cut off at its timeout.
   */
  CANCEL_REQUESTED,
  /** The job had already finished (completed, dead or cancelled); nothing changed. */
  ALREADY_FINISHED,
  /** No job has this id (it may have completed and been deleted). */
  NOT_FOUND
}
