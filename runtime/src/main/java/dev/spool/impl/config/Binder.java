package dev.spool.impl.config;

import dev.spool.HandlerOptions;
import dev.spool.PeriodicJob;
import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.RetentionOptions;
import dev.spool.RetryPolicy;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.VacuumOptions;
import dev.spool.WorkerOptions;
import dev.spool.config.ConfigException;
import dev.spool.impl.connect.ConnectUri;
import io.vertx.core.json.JsonObject;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the settings into Spool's options through their own setters, so a value is checked exactly as
 * it would be in code; a setter's refusal becomes a {@link ConfigException} at the value that was set.
 */
public final class Binder {

  /** The options a configuration builds. */
  public record Built(String databaseUrl, SpoolOptions spoolOptions, WorkerOptions workerOptions, int workerInstances,
      boolean migrate, List<Path> handlerJars, Map<String, HandlerOptions> taskOptions, JsonObject admin,
      boolean adminEnabled, JsonObject metrics) {}

  private static final Pattern ISO_DURATION = Pattern.compile("\\bPT(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?\\b");

  private final Settings settings;
  private final ClassLoader classLoader;
  private final Map<String, Settings.Item> items = new LinkedHashMap<>();

  private Binder(Settings settings, ClassLoader classLoader) {
    this.settings = settings;
    this.classLoader = classLoader;
    settings.walk().forEach(item -> items.put(item.path(), item));
  }

  /**
   * Builds the options.
   *
   * @throws ConfigException naming the first value found that cannot be used
   */
  public static Built bind(Settings settings, ClassLoader classLoader) {
    return new Binder(settings, classLoader).bind();
  }

  /**
   * Builds the {@code periodic} entries again: PeriodicJob is a mutable builder, so each caller gets its own.
   *
   * @throws ConfigException as {@link #bind} would
   */
  public static List<PeriodicJob<JsonObject>> periodicJobs(Settings settings, ClassLoader classLoader) {
    return new Periodics(new Binder(settings, classLoader)).build();
  }

  private Built bind() {
    String url = (String) value("database.url");
    if (url != null && !url.isBlank()) {
      call("database.url", () -> ConnectUri.parse(url)); // a URL that cannot work fails here, with its place
    }
    SpoolOptions spool = spoolOptions();
    WorkerOptions worker = workerOptions();
    Map<String, HandlerOptions> tasks = taskOptions(worker);
    try {
      worker.validate();
    } catch (IllegalArgumentException e) {
      throw origin("worker").error("worker", readable(e.getMessage()), e);
    }
    int instances = (Integer) value("worker.instances");
    if (instances < 1) {
      throw origin("worker.instances").error("worker.instances", "must be at least 1, got " + instances);
    }
    new Periodics(this).build(); // checked now; SpoolConfig builds them afresh for each caller
    JsonObject admin = admin();
    Boolean enabled = (Boolean) value("admin.enabled");
    boolean adminEnabled = enabled != null ? enabled : value("admin.port") != null;
    if (adminEnabled && admin.getInteger("port") == null) {
      admin.put("port", Schema.DEFAULT_ADMIN_PORT);
    }
    JsonObject metrics = new JsonObject().put("enabled", value("metrics.enabled")).put("jvm", value("metrics.jvm"));
    return new Built(url, spool, worker, instances, (Boolean) value("worker.migrate"),
        handlerJars(), tasks, admin, adminEnabled, metrics);
  }

  private SpoolOptions spoolOptions() {
    SpoolOptions spool = new SpoolOptions();
    set("database.poolSize", spool::setPoolSize);
    set("database.pipeliningLimit", spool::setPipeliningLimit);
    set("database.maxPayloadBytes", spool::setMaxPayloadBytes);
    set("database.maxResultBytes", spool::setMaxResultBytes);
    set("schema", spool::setSchema);
    RetentionOptions retention = new RetentionOptions();
    set("retention.completed", retention::setCompleted);
    set("retention.results", retention::setResults);
    set("retention.dead", retention::setDead);
    set("retention.cancelled", retention::setCancelled);
    set("retention.history", retention::setHistory);
    set("retention.pruneInterval", retention::setPruneInterval);
    set("retention.pruneBatch", retention::setPruneBatch);
    set("retention.maxBatchesPerPass", retention::setMaxBatchesPerPass);
    set("retention.keepCompleted", spool::setKeepCompleted);
    spool.setRetention(retention);
    VacuumOptions vacuum = new VacuumOptions();
    set("vacuum.enabled", vacuum::setEnabled);
    set("vacuum.checkInterval", vacuum::setCheckInterval);
    set("vacuum.idleCheckInterval", vacuum::setIdleCheckInterval);
    set("vacuum.minDeadRows", vacuum::setMinDeadRows);
    set("vacuum.deadFraction", vacuum::setDeadFraction);
    spool.setVacuum(vacuum);
    set("history", spool::setHistory);
    return spool;
  }

  private WorkerOptions workerOptions() {
    WorkerOptions w = new WorkerOptions();
    this.<List<String>>set("worker.queues", w::setQueues);
    set("worker.concurrency", w::setConcurrency);
    set("worker.batchSize", w::setBatchSize);
    set("worker.prefetch", w::setPrefetch);
    set("worker.ackFlushInterval", w::setAckFlushInterval);
    set("worker.ackBatchSize", w::setAckBatchSize);
    set("worker.pollInterval", w::setPollInterval);
    set("worker.shutdownTimeout", w::setShutdownTimeout);
    set("worker.lease", w::setLease);
    set("worker.heartbeatInterval", w::setHeartbeatInterval);
    set("worker.workerTimeout", w::setWorkerTimeout);
    set("worker.rescueInterval", w::setRescueInterval);
    set("worker.leaderTtl", w::setLeaderTtl);
    set("worker.blockingPoolSize", w::setBlockingPoolSize);
    set("worker.virtualThreads", w::setVirtualThreads);
    set("worker.stuckGrace", w::setStuckGrace);
    set("worker.maxStuckHandlers", w::setMaxStuckHandlers);
    set("worker.maxHeapAfterGc", w::setMaxHeapAfterGc);
    set("worker.schemaCheckInterval", w::setSchemaCheckInterval);
    set("database.workerConnections", w::setConnections);
    for (String name : settings.names("queues")) {
      String p = "queues." + name;
      QueueOptions q = new QueueOptions();
      set(p + ".concurrency", q::setConcurrency);
      set(p + ".prefetch", q::setPrefetch);
      set(p + ".globalConcurrency", q::setGlobalConcurrency);
      set(p + ".rateLimit", q::setRateLimit);
      this.<Boolean>set(p + ".fair", q::setFair);
      set(p + ".keyConcurrency", q::setKeyConcurrency);
      set(p + ".keyRateLimit", q::setKeyRateLimit);
      this.<Boolean>set(p + ".serial", q::setSerial);
      this.<Boolean>set(p + ".serialHoldOnRetry", q::setSerialHoldOnRetry);
      this.<JsonObject>set(p + ".keyWeights", weights -> q.setKeyWeights(weights(weights)));
      set(p + ".blockingPoolSize", q::setBlockingPoolSize);
      call(p, () -> w.setQueueOptions(name, q));
    }
    return w;
  }

  private Map<String, HandlerOptions> taskOptions(WorkerOptions worker) {
    Map<String, HandlerOptions> out = new LinkedHashMap<>();
    for (String name : settings.names("tasks")) {
      String p = "tasks." + name;
      call(p, () -> Task.json(name)); // the same rules for a task name as in code
      this.<RateLimit>set(p + ".rateLimit", rate -> worker.setTaskRateLimit(name, rate));
      HandlerOptions handler = new HandlerOptions();
      set(p + ".blocking", handler::setBlocking);
      set(p + ".softTimeout", handler::setSoftTimeout);
      set(p + ".timeout", handler::setTimeout);
      set(p + ".onStuck", handler::setOnStuck);
      // the soft limit must be below the hard one: reported at the soft limit's line (or the timeout's)
      call(isSet(p + ".softTimeout") ? p + ".softTimeout" : p + ".timeout", handler::validate);
      RetryPolicy retry = new RetryPolicy();
      set(p + ".retry.base", retry::setBase);
      set(p + ".retry.factor", retry::setFactor);
      set(p + ".retry.maxDelay", retry::setMaxDelay);
      set(p + ".retry.jitter", retry::setJitter);
      set(p + ".retry.maxAttempts", retry::setMaxAttempts);
      retry.retryOn(throwables(p + ".retry.retryOn"));
      retry.giveUpOn(throwables(p + ".retry.giveUpOn"));
      handler.setRetryPolicy(retry);
      out.put(name, handler);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private Class<? extends Throwable>[] throwables(String path) {
    List<String> names = (List<String>) value(path);
    Settings.Setting setting = settings.get(path);
    List<Class<? extends Throwable>> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Origin at = setting != null && setting.itemOrigins() != null ? setting.itemOrigins().get(i) : origin(path);
      Class<?> type;
      try {
        type = Class.forName(name, false, classLoader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw at.error(path + "[" + i + "]", "no class " + name + " on the class path", e);
      }
      if (!Throwable.class.isAssignableFrom(type)) {
        throw at.error(path + "[" + i + "]", name + " is not an exception (not a Throwable)");
      }
      out.add((Class<? extends Throwable>) type);
    }
    return out.toArray(new Class[0]);
  }

  private List<Path> handlerJars() {
    List<Path> out = new ArrayList<>();
    for (Object jar : (List<?>) value("worker.handlerJars")) {
      try {
        out.add(Path.of((String) jar));
      } catch (InvalidPathException e) {
        throw origin("worker.handlerJars").error("worker.handlerJars", "not a path: " + jar, e);
      }
    }
    return List.copyOf(out);
  }

  /** The admin section in AdminOptions' JSON shape, its ranges checked here as AdminOptions would. */
  private JsonObject admin() {
    Integer port = (Integer) value("admin.port");
    check("admin.port", port == null || (port >= 0 && port <= 65535), "must be between 0 and 65535, got " + port);
    String host = (String) value("admin.host");
    check("admin.host", host != null && !host.isBlank(), "must not be empty");
    double rate = (Double) value("admin.maxFailureRate");
    check("admin.maxFailureRate", rate >= 0 && rate <= 1, "must be between 0 and 1 (1 turns the check off), got " + rate);
    Duration window = (Duration) value("admin.rateWindow");
    check("admin.rateWindow", window.toSeconds() >= 1, "must be at least 1s, got " + Durations.format(window));
    int minRuns = (Integer) value("admin.minRunsForRate");
    check("admin.minRunsForRate", minRuns >= 1, "must be at least 1, got " + minRuns);
    Duration oldest = (Duration) value("admin.maxOldestAvailable");
    check("admin.maxOldestAvailable", oldest == null || oldest.toMillis() >= 1, "must be positive (or off), got 0s");
    Duration horizon = (Duration) value("admin.maxVacuumHorizonAge");
    check("admin.maxVacuumHorizonAge", horizon == null || horizon.toMillis() >= 1, "must be positive (or off), got 0s");
    Duration refresh = (Duration) value("admin.queueRefresh");
    check("admin.queueRefresh", refresh.toMillis() >= 1, "must be at least 1ms, got " + Durations.format(refresh));
    int countLimit = (Integer) value("admin.dashboardCountLimit");
    check("admin.dashboardCountLimit", countLimit >= 1, "must be at least 1, got " + countLimit);
    String token = (String) value("admin.token");
    @SuppressWarnings("unchecked")
    List<String> allowedHosts = (List<String>) value("admin.allowedHosts");
    return new JsonObject().put("host", host).put("port", port).put("token", token == null || token.isEmpty() ? null : token)
        .put("allowedHosts", new io.vertx.core.json.JsonArray(allowedHosts))
        .put("maxFailureRate", rate).put("rateWindowMs", window.toMillis()).put("minRunsForRate", minRuns)
        .put("maxOldestAvailableMs", oldest == null ? null : oldest.toMillis())
        .put("maxVacuumHorizonAgeMs", horizon == null ? null : horizon.toMillis())
        .put("requireLeader", value("admin.requireLeader")).put("requireServedQueues", value("admin.requireServedQueues"))
        .put("requireServedTasks", value("admin.requireServedTasks"))
        .put("queueRefreshMs", refresh.toMillis())
        .put("dashboard", value("admin.dashboard")).put("dashboardCountLimit", countLimit);
  }

  private void check(String path, boolean ok, String problem) {
    if (!ok) {
      throw origin(path).error(path, problem);
    }
  }

  /** The effective value at {@code path}: what was set, or the default. */
  Object value(String path) {
    Settings.Item item = items.get(path);
    if (item == null) {
      throw new IllegalStateException("no key " + path); // a key the schema lacks: a bug here
    }
    return item.value();
  }

  /** Whether the file has a {@code periodic} entry (or other list item) at {@code path}. */
  boolean isEntry(String path) {
    return items.containsKey(path + ".name");
  }

  /** Whether something set {@code path}. */
  boolean isSet(String path) {
    return settings.get(path) != null;
  }

  /**
   * Where to point for a problem with {@code path}: where its value came from, or when it is a default
   * (or a mapping), where the nearest enclosing entry or section starts.
   */
  Origin origin(String path) {
    return settings.origin(path);
  }

  /** Calls the setter with the value at {@code path} when something set it (else the option's own default stands). */
  @SuppressWarnings("unchecked")
  <T> void set(String path, Consumer<T> setter) {
    if (isSet(path)) {
      call(path, () -> {
        setter.accept((T) value(path));
        return null;
      });
    }
  }

  /** Runs {@code action}; its IllegalArgumentException becomes a ConfigException at {@code path}. */
  <T> T call(String path, Supplier<T> action) {
    try {
      return action.get();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw origin(path).error(path, readable(withoutKeyName(path, e.getMessage())), e);
    }
  }

  // the options print Duration.toString(), PT30S; the file says 30s
  private static String readable(String message) {
    if (message == null) {
      return "not accepted";
    }
    Matcher m = ISO_DURATION.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(Durations.format(Duration.parse(m.group()))));
    }
    return m.appendTail(out).toString();
  }

  // "batchSize must be at least 1" after the path worker.batchSize would say the key twice
  private static String withoutKeyName(String path, String message) {
    String key = path.substring(Math.max(path.lastIndexOf('.'), path.lastIndexOf(']')) + 1);
    return message != null && message.startsWith(key + " ") ? message.substring(key.length() + 1) : message;
  }

  /** {@code keyWeights}: a mapping of key to a whole number of shares. */
  private static Map<String, Integer> weights(JsonObject json) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    json.forEach(e -> {
      if (!(e.getValue() instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new IllegalArgumentException("the weight of key " + e.getKey() + " must be a whole number, got " + e.getValue());
      }
      weights.put(e.getKey(), n.intValue());
    });
    return weights;
  }
}
