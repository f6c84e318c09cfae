package dev.spool.config;

import dev.spool.HandlerOptions;
import dev.spool.PeriodicJob;
import dev.spool.SpoolOptions;
import dev.spool.WorkerOptions;
import dev.spool.impl.config.Binder;
import dev.spool.impl.config.ConfigFiles;
import dev.spool.impl.config.ConfigTree;
import dev.spool.impl.config.Origin;
import dev.spool.impl.config.Overrides;
import dev.spool.impl.config.Report;
import dev.spool.impl.config.Schema;
import dev.spool.impl.config.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Spool's configuration: one file ({@code spool.yaml}, or JSON) for the library and every CLI command,
 * with {@code SPOOL_*} environment variables over it and command-line flags over those. Precedence is
 * default &lt; file &lt; environment &lt; flag; every value remembers where it came from, and every
 * problem is a {@link ConfigException} whose one-line message names the key and, for the file, the line.
 *
 * <pre>{@code
 * SpoolConfig config = SpoolConfig.load(Path.of("spool.yaml"));
 * Spool spool = Spool.builder(vertx).options(config.spoolOptions()) ... ;
 * }</pre>
 *
 * <p>A variable is {@code SPOOL_} and the key path in upper snake case ({@code worker.batchSize} is
 * {@code SPOOL_WORKER_BATCH_SIZE}); entries of {@code queues}, {@code tasks} and {@code periodic} are
 * {@code SPOOL_QUEUES_<NAME>_<KEY>} and so on. See {@code spool.yaml} at the repository root for every key.
 *
 * <p>Instances are immutable; the options they hand out are copies.
 */
public final class SpoolConfig {

  private final Settings settings;
  private final ClassLoader classLoader;
  private final Binder.Built built;
  private final List<Settings.Item> items;
  private final List<String> unusedEnvironment;

  private SpoolConfig(Settings settings, ClassLoader classLoader, List<String> unusedEnvironment) {
    this.settings = settings;
    this.classLoader = classLoader;
    this.built = Binder.bind(settings, classLoader);
    this.items = settings.walk();
    this.unusedEnvironment = unusedEnvironment;
  }

  /**
   * Reads the file, applies the process environment ({@code System.getenv()}) over it.
   *
   * @param file a {@code .yaml}/{@code .yml} file (needs org.yaml:snakeyaml) or a {@code .json} one
   * @return the configuration
   * @throws ConfigException when the file cannot be read or a value cannot be used
   */
  public static SpoolConfig load(Path file) {
    return load(file, System.getenv(), Map.of(), null);
  }

  /**
   * Reads the file, then applies {@code env} and {@code flags} over it.
   *
   * @param file        the file, or null for defaults, environment and flags only
   * @param env         the variables; only {@code SPOOL_*} ones are looked at
   * @param flags       key path to text as a flag gave it, e.g. {@code "worker.concurrency" -> "50"};
   *                    named {@code --<path>} in messages
   * @param classLoader resolves the exception class names of {@code retry.retryOn}/{@code giveUpOn};
   *                    null for the thread's context class loader
   * @return the configuration
   * @throws ConfigException when the file cannot be read or a value cannot be used
   */
  public static SpoolConfig load(Path file, Map<String, String> env, Map<String, String> flags, ClassLoader classLoader) {
    return load(file, env, flags, Map.of(), classLoader);
  }

  /**
   * {@link #load(Path, Map, Map, ClassLoader)} with the names the flags had on the command line, so a
   * message says {@code flag --concurrency} rather than {@code flag --worker.concurrency}.
   *
   * @param flagNames key path to the flag's name as typed, e.g. {@code "worker.concurrency" -> "--concurrency"}
   * @param file the file, or null for defaults, environment and flags only
   * @param env the variables; only {@code SPOOL_*} ones are looked at
   * @param flags key path to text as a flag gave it
   * @param classLoader resolves the exception class names of retry policies
   * @return the configuration
   */
  public static SpoolConfig load(Path file, Map<String, String> env, Map<String, String> flags,
      Map<String, String> flagNames, ClassLoader classLoader) {
    Settings settings = new Settings();
    if (file != null) {
      Path folder = file.toAbsolutePath().getParent();
      settings.readFile(ConfigFiles.read(file), file.toString(), folder);
    }
    return build(settings, env, flags, flagNames, classLoader);
  }

  /**
   * The same keys from a JsonObject, for an application that reads its configuration itself (with
   * vertx-config, say); its values count as {@link ConfigSource#FILE} without a line. Relative
   * {@code handlerJars} stay relative to the working directory.
   *
   * @param json        the configuration in the file's shape
   * @param env         the variables to apply over it; only {@code SPOOL_*} ones are looked at
   * @param classLoader resolves exception class names; null for the thread's context class loader
   * @return the configuration
   * @throws ConfigException when a value cannot be used
   */
  public static SpoolConfig fromJson(JsonObject json, Map<String, String> env, ClassLoader classLoader) {
    Settings settings = new Settings();
    settings.readFile(ConfigTree.fromJson(json), null, null);
    return build(settings, env, Map.of(), Map.of(), classLoader);
  }

  /**
   * Only {@code worker.handlerJars} of this file, environment and flags, read before the rest: the jars
   * must be on the class path that resolves the exception names of retry policies, and a handler's own
   * exception classes live in its jar. Throws {@link ConfigException} as {@code load} does, and for a jar
   * (or folder) that does not exist, naming where it was set.
   *
   * @param file the file, or null
   * @param env the variables; only {@code SPOOL_*} ones are looked at
   * @param flags key path to text as a flag gave it
   * @param flagNames key path to the flag's name as typed
   * @return the jars, resolved against the file's folder
   */
  public static List<Path> handlerJars(Path file, Map<String, String> env, Map<String, String> flags,
      Map<String, String> flagNames) {
    Settings settings = new Settings();
    if (file != null) {
      settings.readFile(ConfigFiles.read(file), file.toString(), file.toAbsolutePath().getParent());
    }
    Overrides.applyEnv(settings, env);
    Overrides.applyFlags(settings, flags, flagNames);
    Settings.Setting jars = settings.get("worker.handlerJars");
    if (jars == null || !(jars.value() instanceof List<?> list)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Origin at = jars.itemOrigins() != null ? jars.itemOrigins().get(i) : jars.origin();
      String item = "worker.handlerJars[" + i + "]";
      try {
        Path jar = Path.of(String.valueOf(list.get(i)));
        if (!Files.exists(jar)) {
          throw at.error(item, "no such file or folder: " + jar);
        }
        out.add(jar);
      } catch (InvalidPathException e) {
        throw at.error(item, "not a path: " + list.get(i), e);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Spool's defaults: no file, no environment, no flags.
   *
   * @return the defaults
   */
  public static SpoolConfig defaults() {
    return load(null, Map.of(), Map.of(), null);
  }

  private static SpoolConfig build(Settings settings, Map<String, String> env, Map<String, String> flags,
      Map<String, String> flagNames, ClassLoader classLoader) {
    List<String> unused = Overrides.applyEnv(settings, env);
    Overrides.applyFlags(settings, flags, flagNames);
    ClassLoader loader = classLoader != null ? classLoader
        : Thread.currentThread().getContextClassLoader() != null ? Thread.currentThread().getContextClassLoader()
        : SpoolConfig.class.getClassLoader();
    return new SpoolConfig(settings, loader, unused);
  }

  /**
   * {@code database.url}: the PostgreSQL URL; null when unset (the CLI then offers an embedded database).
   *
   * @return the URL, or null
   */
  public String databaseUrl() {
    return built.databaseUrl();
  }

  /**
   * The schema, client pool, payload limit, retention, vacuum and history settings, as a copy.
   *
   * @return a copy of the Spool options
   */
  public SpoolOptions spoolOptions() {
    return new SpoolOptions(built.spoolOptions());
  }

  /**
   * The {@code worker} section with each queue's {@code queues} entry and each task's rate limit, as a copy.
   *
   * @return a copy of the worker options
   */
  public WorkerOptions workerOptions() {
    return new WorkerOptions(built.workerOptions());
  }

  /**
   * {@code worker.instances}: worker verticles {@code spool worker} deploys (2 by default).
   *
   * @return the verticle count
   */
  public int workerInstances() {
    return built.workerInstances();
  }

  /**
   * {@code worker.migrate}: whether {@code spool worker} migrates the schema before it starts (true by default).
   *
   * @return true to migrate first
   */
  public boolean migrate() {
    return built.migrate();
  }

  /**
   * {@code worker.handlerJars}: jars of handlers to load; relative ones in the file resolve against its folder.
   *
   * @return the jars
   */
  public List<Path> handlerJars() {
    return built.handlerJars();
  }

  /**
   * The timeout and retry policy of each task of {@code tasks}, by task name, as copies.
   *
   * @return the options by task name
   */
  public Map<String, HandlerOptions> taskOptions() {
    Map<String, HandlerOptions> out = new LinkedHashMap<>();
    built.taskOptions().forEach((name, options) -> out.put(name, new HandlerOptions(options)));
    return out;
  }

  /**
   * The {@code periodic} entries as jobs of JSON tasks ({@code Task.json(task)}), in file order; new ones each call.
   *
   * @return the periodic jobs
   */
  public List<PeriodicJob<JsonObject>> periodicJobs() {
    return Binder.periodicJobs(settings, classLoader);
  }

  /**
   * The {@code admin} section's effective values in the JSON shape the admin server's options read:
   * {@code host, port, token, maxFailureRate, rateWindowMs, minRunsForRate, maxOldestAvailableMs (null
   * when off), maxVacuumHorizonAgeMs (likewise), requireLeader, queueRefreshMs, dashboard, dashboardCountLimit}. {@code port} is null when
   * the admin API is off; the token is not masked.
   *
   * @return the admin settings
   */
  public JsonObject admin() {
    return built.admin().copy();
  }

  /**
   * Whether the admin API is on: {@code admin.enabled} when set, else whether {@code admin.port} is set.
   *
   * @return true when the admin API is on
   */
  public boolean adminEnabled() {
    return built.adminEnabled();
  }

  /**
   * The {@code metrics} section: {@code enabled} (Prometheus {@code /metrics} on the admin port), {@code jvm}.
   *
   * @return the metrics settings
   */
  public JsonObject metrics() {
    return built.metrics().copy();
  }

  /**
   * A problem found after loading, with a key, an entry or a section of this configuration (a task no
   * handler serves, a combination another component refuses), as a {@link ConfigException} whose one-line
   * message names where it was set, as {@code load}'s own errors do: {@code spool.yaml:10: tasks.greet: no
   * handler serves this task}. The place is where the key's value came from; for an entry or section,
   * where its first key was set (the earliest line of the file, else the variable or flag); when nothing
   * under it was set, where the nearest enclosing entry starts; no place for defaults.
   *
   * @param path    the key path, e.g. {@code admin.host}, {@code tasks.send-email} or {@code periodic[0]}
   * @param problem what is wrong, e.g. {@code no handler serves this task}
   * @return the exception, to throw or report
   */
  public ConfigException error(String path, String problem) {
    return error(path, problem, null);
  }

  /**
   * {@link #error(String, String)} with the failure that found the problem.
   *
   * @param path the key path
   * @param problem what is wrong
   * @param cause the failure that found it
   * @return the exception, to throw or report
   */
  public ConfigException error(String path, String problem, Throwable cause) {
    Origin at = settings.get(path) != null ? settings.get(path).origin() : settings.firstSetUnder(path);
    return (at != null ? at : settings.origin(path)).error(path, problem, cause);
  }

  /**
   * Every leaf key in schema order with its effective value (secrets masked) and where it came from.
   *
   * @return the entries
   */
  public List<ConfigEntry> entries() {
    return Report.entries(items);
  }

  /**
   * The {@code SPOOL_*} variables that name no key, sorted: not an error (they may be meant for another
   * version), but {@code config check} shows them, as they are often typos.
   *
   * @return the variable names
   */
  public List<String> unusedEnvironment() {
    return unusedEnvironment;
  }

  /**
   * The effective configuration as a JSON tree in the file's shape; durations as text ({@code 30s}).
   * Unmasked, it reads back ({@link #fromJson}) as the same configuration.
   *
   * @param masked whether secrets are masked as in {@link #entries()}
   * @return the configuration as JSON
   */
  public JsonObject toJson(boolean masked) {
    return Report.toJson(items, masked);
  }

  /**
   * Every key the configuration accepts, in schema order: the fixed ones, then those of an entry of
   * {@code queues} ({@code queues.*.concurrency}), {@code tasks} and {@code periodic} ({@code periodic[*].cron}).
   *
   * @return the keys
   */
  public static List<ConfigKey> keys() {
    List<ConfigKey> out = new ArrayList<>();
    addKeys(Schema.ROOT, "", out);
    return List.copyOf(out);
  }

  private static void addKeys(Schema.Group group, String prefix, List<ConfigKey> out) {
    group.children().forEach((name, shape) -> {
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      if (shape instanceof Schema.Leaf leaf) {
        out.add(new ConfigKey(path, leaf.type().name().toLowerCase(Locale.ROOT).replace('_', '-'),
            leaf.type().display(leaf.defaultValue()), leaf.secret()));
      } else if (shape instanceof Schema.Group child) {
        addKeys(child, path, out);
      } else if (shape instanceof Schema.NamedMap map) {
        addKeys(map.entry(), path + ".*", out);
      } else {
        addKeys(((Schema.ListOf) shape).entry(), path + "[*]", out);
      }
    });
  }
}
