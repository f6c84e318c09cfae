package dev.spool.spring.impl;

/**
 * A {@code spool.*} property (or the database Spool was to take from {@code spring.datasource.*}) that
 * cannot be used; turned into a startup failure report by {@code SpoolFailureAnalyzer}.
 */
public class SpoolPropertiesException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final String action;

  /**
   * Creates the exception.
   *
   * @param message  one line: where the value came from, the property and the problem
   * @param property the property, e.g. {@code spool.worker.concurrency}; null when none is to blame
   * @param action   what to do about it
   * @param cause    the model's own failure, or null
   */
  public SpoolPropertiesException(String message, String property, String action, Throwable cause) {
    super(message, cause);
    this.property = property;
    this.action = action;
  }

  /** The property to blame, or null. */
  public String property() {
    return property;
  }

  /** What to do about it, for the failure report. */
  public String action() {
    return action;
  }
}
