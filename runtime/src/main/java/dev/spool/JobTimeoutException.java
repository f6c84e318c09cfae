package dev.spool;

import java.util.concurrent.TimeoutException;

/** The failure recorded when a run takes longer than its timeout; retried like any other failure. */
public class JobTimeoutException extends TimeoutException {

  /**
   * The run of a job outlived its hard limit.
   *
   * @param message which job, and the limit it outlived
   */
  public JobTimeoutException(String message) {
    super(message);
  }
}
