package dev.spool.config;

/**
 * A configuration that cannot be used. The message is one line that names where the bad value came from,
 * the key path and the problem, e.g. {@code spool.yaml:12: worker.batchSize: must be at least 1, got -3}
 * or {@code env SPOOL_WORKER_CONCURRENCY: worker.concurrency: expected an integer, got 'lots'}, so that
 * {@code spool config check} can print it as it is.
 */
public class ConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The key path, or null. */
  private final String path;
  /** The file's line, or null. */
  private final Integer line;
  /** The file's name, or null. */
  private final String file;
  /** The kind of source, or null. */
  private final ConfigSource source;

  /**
   * Creates the exception.
   *
   * @param message the whole one-line message, location included
   * @param path    the key path, or null when the problem is not one key's (a file that does not parse)
   * @param line    the line in the file (from 1), or null when the value did not come from a file line
   * @param file    the file as it was named, or null when the value did not come from a file
   */
  public ConfigException(String message, String path, Integer line, String file) {
    this(message, path, line, file, null);
  }

  /**
   * Creates the exception with the failure that caused it (a parser's, a setter's).
   *
   * @param message the whole one-line message, location included
   * @param path the key path, or null when the problem is not one key's
   * @param line the line in the file (from 1), or null
   * @param file the file as it was named, or null
   * @param cause the failure behind it
   */
  public ConfigException(String message, String path, Integer line, String file, Throwable cause) {
    this(message, path, line, file, file != null ? ConfigSource.FILE : null, cause);
  }

  /**
   * Creates the exception, saying what kind of source the bad value came from.
   *
   * @param source the kind of source of the value: {@link ConfigSource#FLAG} makes it a usage error of
   *               the command that took the flag; null when the problem is no one value's
   * @param message the whole one-line message, location included
   * @param path the key path, or null when the problem is not one key's
   * @param line the line in the file (from 1), or null
   * @param file the file as it was named, or null
   * @param cause the failure behind it, or null
   */
  public ConfigException(String message, String path, Integer line, String file, ConfigSource source, Throwable cause) {
    super(message, cause);
    this.path = path;
    this.line = line;
    this.file = file;
    this.source = source;
  }

  /**
   * The kind of source of the bad value (a flag, a variable, the file, a default); null when not one value's.
   *
   * @return the source, or null
   */
  public ConfigSource source() {
    return source;
  }

  /**
   * The key path, e.g. {@code worker.batchSize}; null when the problem is the file as a whole.
   *
   * @return the key path, or null
   */
  public String path() {
    return path;
  }

  /**
   * The line in the file, from 1; null when the value came from elsewhere or the file has no lines (JSON).
   *
   * @return the line, or null
   */
  public Integer line() {
    return line;
  }

  /**
   * The file as it was named; null when the value came from the environment, a flag or a JsonObject.
   *
   * @return the file's name, or null
   */
  public String file() {
    return file;
  }
}
