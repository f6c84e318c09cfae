package dev.spool;

import java.util.concurrent.TimeoutException;

/** The failure recorded when a run takes longer than its timeout; retried like any other failure. */
public class JobTimeoutException extends TimeoutException {

  public JobTimeoutException(String message) {
    super(message);
  }
}
