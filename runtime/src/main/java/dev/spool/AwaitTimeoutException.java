package dev.spool;

import java.time.Duration;

/** {@link JobClient#await} gave up: the job had not finished within the timeout (it goes on regardless). */
public final class AwaitTimeoutException extends RuntimeException {

  /** The id of the job awaited. */
  private final long id;

  /**
   * The await of job {@code id} gave up after {@code timeout}.
   *
   * @param id the job awaited
   * @param timeout how long it waited
   */
  public AwaitTimeoutException(long id, Duration timeout) {
    super("job " + id + " did not finish within " + timeout.toMillis() + " ms");
    this.id = id;
  }

  /** {@return the id of the job awaited} */
  public long id() {
    return id;
  }
}
