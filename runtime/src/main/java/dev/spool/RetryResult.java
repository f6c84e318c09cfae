package dev.spool;

/** The answer to {@link JobAdmin#retry}. */
public enum RetryResult {
  /** The job was dead or cancelled; it is available again and runs at once. */
  RETRIED,
  /** The job is not dead or cancelled (it is waiting, running or completed); nothing changed. */
  NOT_RETRYABLE,
  /** Another job that may still run holds the job's unique key; nothing changed. */
  UNIQUE_KEY_HELD,
  /** No job has this id. */
  NOT_FOUND
}
