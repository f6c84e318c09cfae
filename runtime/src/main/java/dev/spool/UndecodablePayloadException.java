package dev.spool;

/** A job's stored arguments could not be decoded by its task's codec; the job goes to {@code dead}. */
public class UndecodablePayloadException extends GiveUpException {

  public UndecodablePayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
