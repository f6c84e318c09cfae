package dev.spool.impl.config;

import dev.spool.config.ConfigException;
import dev.spool.config.ConfigSource;

/**
 * Where a value came from, precisely enough to point at it: a file and line, a variable, a flag.
 *
 * @param source the kind of source
 * @param file   the file as named (FILE), or null for a JsonObject
 * @param line   the line in the file, or null
 * @param name   the variable or flag name (ENV, FLAG)
 */
public record Origin(ConfigSource source, String file, Integer line, String name) {

  /** No source: a default. */
  public static final Origin DEFAULT = new Origin(ConfigSource.DEFAULT, null, null, null);

  /** A place in a file; {@code file} null for a JsonObject, {@code line} null when there are no lines. */
  public static Origin file(String file, Integer line) {
    return new Origin(ConfigSource.FILE, file, line, null);
  }

  /** An environment variable. */
  public static Origin env(String variable) {
    return new Origin(ConfigSource.ENV, null, null, variable);
  }

  /** A command-line flag, named as the user typed it. */
  public static Origin flag(String flag) {
    return new Origin(ConfigSource.FLAG, null, null, flag);
  }

  /** The same file at another line (for the items of a list, the keys of a mapping). */
  public Origin atLine(Integer otherLine) {
    return source == ConfigSource.FILE && otherLine != null ? new Origin(source, file, otherLine, name) : this;
  }

  /** {@code spool.yaml:12}, the variable's or the flag's name; null for a default or a JsonObject. */
  public String detail() {
    return switch (source) {
      case DEFAULT -> null;
      case FILE -> file == null ? (line == null ? null : "line " + line) : line == null ? file : file + ":" + line;
      case ENV, FLAG -> name;
    };
  }

  /** The failure of the value at {@code path} from here, as one line: {@code spool.yaml:12: worker.batchSize: ...}. */
  public ConfigException error(String path, String problem) {
    return error(path, problem, null);
  }

  /** {@link #error(String, String)} with the failure that caused it. */
  public ConfigException error(String path, String problem, Throwable cause) {
    String where = switch (source) {
      case DEFAULT -> "";
      case FILE -> detail() == null ? "" : detail() + ": ";
      case ENV -> "env " + name + ": ";
      case FLAG -> "flag " + name + ": ";
    };
    String message = where + (path == null ? "" : path + ": ") + problem;
    return new ConfigException(message, path, line, file, source, cause);
  }
}
