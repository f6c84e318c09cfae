package dev.spool;

import java.time.Duration;

/** {@link JobClient#await} gave up: the job had not finished within the timeout (it goes on regardless). */
public final class AwaitTimeoutException extends RuntimeException {

  private final long id;

  public AwaitTimeoutException(long id, Duration timeout) {
    super("job " + id + " did not finish within " + timeout.toMillis() + " ms");
    this.id = id;
  }

  public long id() {
    return id;
  }
}
