package dev.spool.impl.config;

import static dev.spool.impl.config.ValueType.BOOLEAN;
import static dev.spool.impl.config.ValueType.CATCH_UP;
import static dev.spool.impl.config.ValueType.DOUBLE;
import static dev.spool.impl.config.ValueType.DURATION;
import static dev.spool.impl.config.ValueType.DURATION_OR_FOREVER;
import static dev.spool.impl.config.ValueType.DURATION_OR_OFF;
import static dev.spool.impl.config.ValueType.INT;
import static dev.spool.impl.config.ValueType.LIST;
import static dev.spool.impl.config.ValueType.LONG;
import static dev.spool.impl.config.ValueType.OBJECT;
import static dev.spool.impl.config.ValueType.ON_STUCK;
import static dev.spool.impl.config.ValueType.PATHS;
import static dev.spool.impl.config.ValueType.RATE;
import static dev.spool.impl.config.ValueType.STRING;
import static dev.spool.impl.config.ValueType.ZONE;

import dev.spool.EnqueueOptions;
import dev.spool.HandlerOptions;
import dev.spool.PeriodicJob;
import dev.spool.RetentionOptions;
import dev.spool.RetryPolicy;
import dev.spool.SpoolOptions;
import dev.spool.VacuumOptions;
import dev.spool.WorkerOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keys of the configuration file: their nesting, types and defaults. The defaults are the options
 * classes' own constants, so a key left out behaves exactly like an option left unset in code.
 *
 * <p>The file is a tree of {@link Group groups} of named keys; {@code queues} and {@code tasks} are
 * {@link NamedMap maps} whose keys are names the user picks, {@code periodic} a {@link ListOf list}.
 */
public final class Schema {

  /** The shape of a key's value. */
  public sealed interface Shape permits Leaf, Group, NamedMap, ListOf {}

  /**
   * A key with a value.
   *
   * @param type         how its text is read
   * @param defaultValue its value when nothing sets it (read type, e.g. a Duration), or null
   * @param secret       true when its value must never be shown as it is
   */
  public record Leaf(ValueType type, Object defaultValue, boolean secret) implements Shape {}

  /** A mapping of fixed key names, in the order {@code config show} lists them. */
  public record Group(Map<String, Shape> children) implements Shape {}

  /** A mapping of names the user picks (queues, tasks), each with the keys of {@code entry}. */
  public record NamedMap(Group entry) implements Shape {}

  /** A list of mappings, each with the keys of {@code entry}. */
  public record ListOf(Group entry) implements Shape {}

  /** The admin API's port when it is turned on with {@code admin.enabled} but given no port. */
  public static final int DEFAULT_ADMIN_PORT = 7317;
  /** Worker verticles deployed by {@code spool worker}. */
  public static final int DEFAULT_WORKER_INSTANCES = 2;

  /** The keys of one entry of {@code queues}. */
  public static final Group QUEUE = group(
      "concurrency", leaf(INT, null),
      "prefetch", leaf(INT, null),
      "globalConcurrency", leaf(INT, null),
      "rateLimit", leaf(RATE, null),
      "fair", leaf(BOOLEAN, false),
      "keyConcurrency", leaf(INT, null),
      "keyRateLimit", leaf(RATE, null),
      "serial", leaf(BOOLEAN, false),
      "serialHoldOnRetry", leaf(BOOLEAN, true),
      "keyWeights", leaf(OBJECT, null),
      "blockingPoolSize", leaf(INT, null));

  /** The keys of one entry of {@code tasks}. */
  public static final Group TASK = group(
      "blocking", leaf(BOOLEAN, HandlerOptions.DEFAULT_BLOCKING),
      "softTimeout", leaf(DURATION_OR_OFF, HandlerOptions.DEFAULT_SOFT_TIMEOUT),
      "timeout", leaf(DURATION, HandlerOptions.DEFAULT_TIMEOUT),
      "onStuck", leaf(ON_STUCK, HandlerOptions.DEFAULT_ON_STUCK),
      "rateLimit", leaf(RATE, null),
      "retry", group(
          "base", leaf(DURATION, RetryPolicy.DEFAULT_BASE),
          "factor", leaf(DOUBLE, RetryPolicy.DEFAULT_FACTOR),
          "maxDelay", leaf(DURATION, RetryPolicy.DEFAULT_MAX_DELAY),
          "jitter", leaf(DOUBLE, RetryPolicy.DEFAULT_JITTER),
          "maxAttempts", leaf(INT, null),
          "retryOn", leaf(LIST, List.of()),
          "giveUpOn", leaf(LIST, List.of())));

  /** The keys of one entry of {@code periodic}. */
  public static final Group PERIODIC = group(
      "name", leaf(STRING, null),
      "cron", leaf(STRING, null),
      "every", leaf(DURATION, null),
      "zone", leaf(ZONE, ZoneId.of("UTC")),
      "task", leaf(STRING, null),
      "args", leaf(OBJECT, new JsonObject()),
      "queue", leaf(STRING, EnqueueOptions.DEFAULT_QUEUE),
      "priority", leaf(INT, EnqueueOptions.DEFAULT_PRIORITY),
      "maxAttempts", leaf(INT, EnqueueOptions.DEFAULT_MAX_ATTEMPTS),
      "catchUp", leaf(CATCH_UP, PeriodicJob.DEFAULT_CATCH_UP),
      "catchUpWindow", leaf(DURATION, PeriodicJob.DEFAULT_CATCH_UP_WINDOW),
      "maxCatchUp", leaf(INT, PeriodicJob.DEFAULT_MAX_CATCH_UP),
      "runOnStart", leaf(BOOLEAN, false));

  /** The whole file. */
  public static final Group ROOT = group(
      "database", group(
          "url", new Leaf(STRING, null, true),
          "poolSize", leaf(INT, SpoolOptions.DEFAULT_POOL_SIZE),
          "workerConnections", leaf(INT, WorkerOptions.DEFAULT_CONNECTIONS),
          "pipeliningLimit", leaf(INT, SpoolOptions.DEFAULT_PIPELINING_LIMIT),
          "maxPayloadBytes", leaf(INT, SpoolOptions.DEFAULT_MAX_PAYLOAD_BYTES),
          "maxResultBytes", leaf(INT, SpoolOptions.DEFAULT_MAX_RESULT_BYTES)),
      "schema", leaf(STRING, SpoolOptions.DEFAULT_SCHEMA),
      "worker", group(
          "queues", leaf(LIST, WorkerOptions.DEFAULT_QUEUES),
          "instances", leaf(INT, DEFAULT_WORKER_INSTANCES),
          "concurrency", leaf(INT, WorkerOptions.DEFAULT_CONCURRENCY),
          "batchSize", leaf(INT, WorkerOptions.DEFAULT_BATCH_SIZE),
          "prefetch", leaf(INT, WorkerOptions.DEFAULT_PREFETCH),
          "ackFlushInterval", leaf(DURATION, WorkerOptions.DEFAULT_ACK_FLUSH_INTERVAL),
          "ackBatchSize", leaf(INT, WorkerOptions.DEFAULT_ACK_BATCH_SIZE),
          "pollInterval", leaf(DURATION, WorkerOptions.DEFAULT_POLL_INTERVAL),
          "shutdownTimeout", leaf(DURATION, WorkerOptions.DEFAULT_SHUTDOWN_TIMEOUT),
          "lease", leaf(DURATION, WorkerOptions.DEFAULT_LEASE),
          "heartbeatInterval", leaf(DURATION, WorkerOptions.DEFAULT_HEARTBEAT_INTERVAL),
          "workerTimeout", leaf(DURATION, WorkerOptions.DEFAULT_WORKER_TIMEOUT),
          "rescueInterval", leaf(DURATION, WorkerOptions.DEFAULT_RESCUE_INTERVAL),
          "leaderTtl", leaf(DURATION, WorkerOptions.DEFAULT_LEADER_TTL),
          "blockingPoolSize", leaf(INT, WorkerOptions.DEFAULT_BLOCKING_POOL_SIZE),
          "virtualThreads", leaf(BOOLEAN, WorkerOptions.DEFAULT_VIRTUAL_THREADS),
          "stuckGrace", leaf(DURATION, WorkerOptions.DEFAULT_STUCK_GRACE),
          "maxStuckHandlers", leaf(INT, WorkerOptions.DEFAULT_MAX_STUCK_HANDLERS),
          "maxHeapAfterGc", leaf(DOUBLE, WorkerOptions.DEFAULT_MAX_HEAP_AFTER_GC),
          "schemaCheckInterval", leaf(DURATION, WorkerOptions.DEFAULT_SCHEMA_CHECK_INTERVAL),
          "handlerJars", leaf(PATHS, List.of()),
          "migrate", leaf(BOOLEAN, true)),
      "queues", new NamedMap(QUEUE),
      "tasks", new NamedMap(TASK),
      "periodic", new ListOf(PERIODIC),
      "retention", group(
          "completed", leaf(DURATION_OR_FOREVER, RetentionOptions.DEFAULT_COMPLETED),
          "results", leaf(DURATION_OR_FOREVER, RetentionOptions.DEFAULT_RESULTS),
          "dead", leaf(DURATION_OR_FOREVER, RetentionOptions.DEFAULT_DEAD),
          "cancelled", leaf(DURATION_OR_FOREVER, RetentionOptions.DEFAULT_CANCELLED),
          "history", leaf(DURATION_OR_FOREVER, RetentionOptions.DEFAULT_HISTORY),
          "pruneInterval", leaf(DURATION, RetentionOptions.DEFAULT_PRUNE_INTERVAL),
          "pruneBatch", leaf(INT, RetentionOptions.DEFAULT_PRUNE_BATCH),
          "maxBatchesPerPass", leaf(INT, RetentionOptions.DEFAULT_MAX_BATCHES_PER_PASS),
          "keepCompleted", leaf(BOOLEAN, SpoolOptions.DEFAULT_KEEP_COMPLETED)),
      "vacuum", group(
          "enabled", leaf(BOOLEAN, VacuumOptions.DEFAULT_ENABLED),
          "checkInterval", leaf(DURATION, VacuumOptions.DEFAULT_CHECK_INTERVAL),
          "idleCheckInterval", leaf(DURATION, VacuumOptions.DEFAULT_IDLE_CHECK_INTERVAL),
          "minDeadRows", leaf(LONG, VacuumOptions.DEFAULT_MIN_DEAD_ROWS),
          "deadFraction", leaf(DOUBLE, VacuumOptions.DEFAULT_DEAD_FRACTION)),
      "history", leaf(BOOLEAN, null),
      // the runtime cannot see AdminOptions (it lives with the admin server), so its defaults are repeated here
      "admin", group(
          "enabled", leaf(BOOLEAN, null),
          "host", leaf(STRING, "127.0.0.1"),
          "port", leaf(INT, null),
          "token", new Leaf(STRING, null, true),
          "allowedHosts", leaf(LIST, List.of()),
          "maxFailureRate", leaf(DOUBLE, 0.5),
          "rateWindow", leaf(DURATION, Duration.ofMinutes(1)),
          "minRunsForRate", leaf(INT, 20),
          "maxOldestAvailable", leaf(DURATION_OR_OFF, Duration.ofMinutes(5)),
          "maxVacuumHorizonAge", leaf(DURATION_OR_OFF, null),
          "requireLeader", leaf(BOOLEAN, true),
          "requireServedQueues", leaf(BOOLEAN, true),
          "requireServedTasks", leaf(BOOLEAN, false),
          "queueRefresh", leaf(DURATION, Duration.ofSeconds(10)),
          "dashboard", leaf(BOOLEAN, true),
          "dashboardCountLimit", leaf(INT, 10_000)),
      "metrics", group(
          "enabled", leaf(BOOLEAN, true),
          "jvm", leaf(BOOLEAN, true)));

  private static final Map<String, Leaf> FIXED = Collections.unmodifiableMap(leaves(ROOT, ""));

  private Schema() {}

  /** The keys outside {@code queues}, {@code tasks} and {@code periodic}, by path, in schema order. */
  public static Map<String, Leaf> fixedLeaves() {
    return FIXED;
  }

  /**
   * The leaves of a group by their path relative to it ({@code retry.maxAttempts}), in schema order;
   * maps and lists inside it are left out.
   */
  public static Map<String, Leaf> leaves(Group group, String prefix) {
    Map<String, Leaf> out = new LinkedHashMap<>();
    group.children().forEach((name, shape) -> {
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      if (shape instanceof Leaf leaf) {
        out.put(path, leaf);
      } else if (shape instanceof Group g) {
        out.putAll(leaves(g, path));
      }
    });
    return out;
  }

  /** {@code SPOOL_} and the key path in upper snake case: {@code worker.batchSize} is {@code SPOOL_WORKER_BATCH_SIZE}. */
  public static String envName(String path) {
    return "SPOOL_" + upperSnake(path);
  }

  /**
   * A path or name in upper snake case: words of camelCase split, {@code .} and {@code -} become
   * {@code _}, so {@code send-email} and {@code send_email} both read {@code SEND_EMAIL}.
   */
  public static String upperSnake(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(text.charAt(i - 1))) {
        out.append('_');
      }
      out.append(c == '.' || c == '-' ? '_' : c);
    }
    return out.toString().toUpperCase(Locale.ROOT);
  }

  private static Leaf leaf(ValueType type, Object defaultValue) {
    return new Leaf(type, defaultValue, false);
  }

  private static Group group(Object... namesAndShapes) {
    Map<String, Shape> children = new LinkedHashMap<>();
    for (int i = 0; i < namesAndShapes.length; i += 2) {
      children.put((String) namesAndShapes[i], (Shape) namesAndShapes[i + 1]);
    }
    return new Group(Collections.unmodifiableMap(children));
  }
}
