package dev.spool;

/** A job's stored arguments could not be decoded by its task's codec; the job goes to {@code dead}. */
public class UndecodablePayloadException extends GiveUpException {

  /**
   * The arguments of a job could not be decoded.
   *
   * @param message what could not be decoded
   * @param cause the codec's failure
   */
  public UndecodablePayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
