package dev.spool;

/**
 * Thrown (or failed with) by a handler that knows retrying cannot help, such as a request the remote
 * side rejects as invalid: the job goes to {@code dead} at once, keeping this error.
 */
public class GiveUpException extends RuntimeException {

  /**
   * Gives up with this message.
   *
   * @param message why retrying cannot help
   */
  public GiveUpException(String message) {
    super(message);
  }

  /**
   * Gives up with this message and cause.
   *
   * @param message why retrying cannot help
   * @param cause the failure behind it
   */
  public GiveUpException(String message, Throwable cause) {
    super(message, cause);
  }
}
