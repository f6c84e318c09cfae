package dev.spool.cli;

import dev.spool.config.ConfigException;
import dev.spool.config.ConfigSource;
import dev.spool.config.SpoolConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} of every command that talks to a database: the file (or {@code $SPOOL_CONFIG}),
 * then {@code SPOOL_*} variables, then the command's own flags, which it adds with {@link #flag}.
 */
final class ConfigOption {

  /** The variable that names the file when {@code --config} is not given. */
  static final String ENV = "SPOOL_CONFIG";

  @Option(names = "--config", paramLabel = "FILE",
      description = "configuration file, YAML or JSON (default: $SPOOL_CONFIG); SPOOL_* variables and flags override it")
  Path file;

  private final Map<String, String> flags = new LinkedHashMap<>();
  private final Map<String, String> flagNames = new LinkedHashMap<>();

  /** Records a flag the user gave ({@code value} not null) as the value of the key {@code path}. */
  ConfigOption flag(String path, Object value, String name) {
    if (value != null) {
      flags.put(path, String.valueOf(value));
      flagNames.put(path, name);
    }
    return this;
  }

  /** The file to read, or null; throws, naming --config or the variable, when it is named but missing. */
  Path file() {
    Path chosen = file;
    if (chosen == null) {
      String env = System.getenv(ENV);
      chosen = env == null || env.isBlank() ? null : Path.of(env);
    }
    if (chosen != null && !Files.isRegularFile(chosen)) {
      boolean flag = file != null;
      throw new ConfigException((flag ? "flag --config: " : "env " + ENV + ": ") + chosen + ": no such file", null,
          null, null, flag ? ConfigSource.FLAG : ConfigSource.ENV, null);
    }
    return chosen;
  }

  /** The jars of handlers the configuration names ({@code worker.handlerJars}), read before the rest. */
  List<Path> handlerJars() {
    return SpoolConfig.handlerJars(file(), System.getenv(), flags, flagNames);
  }

  /** The effective configuration; exception class names resolve through {@code loader}. */
  SpoolConfig load(ClassLoader loader) {
    return SpoolConfig.load(file(), System.getenv(), flags, flagNames, loader);
  }
}
