package dev.spool;

/**
 * Thrown (or failed with) by a handler that knows retrying cannot help, such as a request the remote
 * side rejects as invalid: the job goes to {@code dead} at once, keeping this error.
 */
public class GiveUpException extends RuntimeException {

  public GiveUpException(String message) {
    super(message);
  }

  public GiveUpException(String message, Throwable cause) {
    super(message, cause);
  }
}
