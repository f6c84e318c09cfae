package dev.spool;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a {@link WorkerVerticle} claims, runs and acks jobs. Every figure applies per verticle instance
 * and, where it says so, per queue.
 *
 * <ul>
 *   <li>{@code concurrency}: handlers running at once, per queue. Async handlers are cheap, so this can be high.
 *   <li>{@code batchSize}: most jobs one claim statement takes. Bigger batches mean fewer round trips
 *       and more jobs held by one worker at a time.
 *   <li>{@code prefetch}: jobs claimed ahead of free handler slots, per queue, so a handler never waits
 *       for a round trip; they hold a lease while they wait.
 *   <li>{@code ackFlushInterval} / {@code ackBatchSize}: outcomes are written when this much time has
 *       passed since the first unwritten one, or when this many are waiting, whichever comes first.
 *   <li>{@code pollInterval}: how often an idle queue is checked when no notification arrives; wake-ups
 *       come from LISTEN/NOTIFY, so this is only a fallback.
 *   <li>{@code queueOptions}: per queue, its own concurrency and prefetch on this worker, and limits that
 *       hold across all workers (running jobs, starts per window): see {@link QueueOptions}.
 *   <li>{@code taskRateLimits}: per task, starts per window across all workers, wherever it is claimed.
 *   <li>{@code blockingPoolSize}: threads of the pool blocking handlers run on (a named Vert.x
 *       {@code WorkerExecutor}, {@code spool-blocking}, shared by the worker verticles of one Vert.x
 *       instance; a queue can have its own, {@link QueueOptions#setBlockingPoolSize}). Jobs beyond it wait
 *       for a thread, their time limits not yet running.
 *   <li>{@code virtualThreads}: run blocking handlers on virtual threads instead (Java 21 or newer), one
 *       per running job; {@code concurrency} then bounds them.
 *   <li>{@code stuckGrace}: how long after its hard limit a handler that has not returned counts as stuck.
 *   <li>{@code maxStuckHandlers}, {@code maxHeapAfterGc}: recycling. When this many handlers of the
 *       process are stuck at once, or the heap in use after the last garbage collection exceeds this
 *       fraction of the maximum heap, the workers stop claiming, hand back what they prefetched, finish
 *       what runs, and the process reports itself not ready ({@link Spool#recycling()}), for its supervisor
 *       to restart it. 0 turns each off (the default).
 *   <li>{@code schemaCheckInterval}: how often the worker reads the schema's version; one whose schema a newer
 *       release migrated beyond its compatibility window stops claiming (see {@link SchemaVersionException}).
 * </ul>
 */
public class WorkerOptions {

  /** The default of {@link #setQueues}. */
  public static final List<String> DEFAULT_QUEUES = List.of(EnqueueOptions.DEFAULT_QUEUE);
  /** The default of {@link #setConcurrency}. */
  public static final int DEFAULT_CONCURRENCY = 100;
  /** The default of {@link #setBatchSize}. */
  public static final int DEFAULT_BATCH_SIZE = 500;
  /** The default of {@link #setPrefetch}. */
  public static final int DEFAULT_PREFETCH = 1000;
  /** The default of {@link #setPollInterval}. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
  /** The default of {@link #setAckFlushInterval}. */
  public static final Duration DEFAULT_ACK_FLUSH_INTERVAL = Duration.ofMillis(5);
  /** The default of {@link #setAckBatchSize}. */
  public static final int DEFAULT_ACK_BATCH_SIZE = 1000;
  /** The default of {@link #setLease}. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  /** The default of {@link #setHeartbeatInterval}. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  /** The default of {@link #setWorkerTimeout}. */
  public static final Duration DEFAULT_WORKER_TIMEOUT = Duration.ofSeconds(5);
  /** The default of {@link #setRescueInterval}. */
  public static final Duration DEFAULT_RESCUE_INTERVAL = Duration.ofSeconds(1);
  /** The default of {@link #setLeaderTtl}. */
  public static final Duration DEFAULT_LEADER_TTL = Duration.ofSeconds(5);
  /** The default of {@link #setShutdownTimeout}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  /** The default of {@link #setConnections}. */
  public static final int DEFAULT_CONNECTIONS = 1;
  /** Vert.x's own default worker pool size. */
  public static final int DEFAULT_BLOCKING_POOL_SIZE = 20;
  /** The default of {@link #setVirtualThreads}. */
  public static final boolean DEFAULT_VIRTUAL_THREADS = false;
  /** The default of {@link #setStuckGrace}. */
  public static final Duration DEFAULT_STUCK_GRACE = Duration.ofSeconds(5);
  /** Off: stuck handlers never recycle the process. */
  public static final int DEFAULT_MAX_STUCK_HANDLERS = 0;
  /** Off: the heap never recycles the process. */
  public static final double DEFAULT_MAX_HEAP_AFTER_GC = 0;
  /** The default of {@link #setSchemaCheckInterval}. */
  public static final Duration DEFAULT_SCHEMA_CHECK_INTERVAL = Duration.ofSeconds(10);

  private List<String> queues = DEFAULT_QUEUES;
  private int concurrency = DEFAULT_CONCURRENCY;
  private int batchSize = DEFAULT_BATCH_SIZE;
  private int prefetch = DEFAULT_PREFETCH;
  private Duration pollInterval = DEFAULT_POLL_INTERVAL;
  private Duration ackFlushInterval = DEFAULT_ACK_FLUSH_INTERVAL;
  private int ackBatchSize = DEFAULT_ACK_BATCH_SIZE;
  private Duration lease = DEFAULT_LEASE;
  private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  private int connections = DEFAULT_CONNECTIONS;
  private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
  private Duration workerTimeout = DEFAULT_WORKER_TIMEOUT;
  private Duration rescueInterval = DEFAULT_RESCUE_INTERVAL;
  private Duration leaderTtl = DEFAULT_LEADER_TTL;
  private Map<String, QueueOptions> queueOptions = Map.of();
  private Map<String, RateLimit> taskRateLimits = Map.of();
  private int blockingPoolSize = DEFAULT_BLOCKING_POOL_SIZE;
  private boolean virtualThreads = DEFAULT_VIRTUAL_THREADS;
  private Duration stuckGrace = DEFAULT_STUCK_GRACE;
  private int maxStuckHandlers = DEFAULT_MAX_STUCK_HANDLERS;
  private double maxHeapAfterGc = DEFAULT_MAX_HEAP_AFTER_GC;
  private Duration schemaCheckInterval = DEFAULT_SCHEMA_CHECK_INTERVAL;

  /** Options with every setting at its default. */
  public WorkerOptions() {}

  /**
   * A copy of {@code other}, for changing one setting without touching the original.
   *
   * @param other the options to copy
   */
  public WorkerOptions(WorkerOptions other) {
    this.queues = other.queues;
    this.concurrency = other.concurrency;
    this.batchSize = other.batchSize;
    this.prefetch = other.prefetch;
    this.pollInterval = other.pollInterval;
    this.ackFlushInterval = other.ackFlushInterval;
    this.ackBatchSize = other.ackBatchSize;
    this.lease = other.lease;
    this.shutdownTimeout = other.shutdownTimeout;
    this.connections = other.connections;
    this.heartbeatInterval = other.heartbeatInterval;
    this.workerTimeout = other.workerTimeout;
    this.rescueInterval = other.rescueInterval;
    this.leaderTtl = other.leaderTtl;
    this.queueOptions = other.queueOptions;
    this.taskRateLimits = other.taskRateLimits;
    this.blockingPoolSize = other.blockingPoolSize;
    this.virtualThreads = other.virtualThreads;
    this.stuckGrace = other.stuckGrace;
    this.maxStuckHandlers = other.maxStuckHandlers;
    this.maxHeapAfterGc = other.maxHeapAfterGc;
    this.schemaCheckInterval = other.schemaCheckInterval;
  }

  /**
   * Reads the fields of {@link #toJson()}; absent fields keep their defaults.
   *
   * @param json the options as {@link #toJson()} writes them (durations in milliseconds)
   */
  public WorkerOptions(JsonObject json) {
    JsonArray q = json.getJsonArray("queues");
    if (q != null) {
      setQueues(q.stream().map(String::valueOf).toList());
    }
    setConcurrency(json.getInteger("concurrency", DEFAULT_CONCURRENCY));
    setBatchSize(json.getInteger("batchSize", DEFAULT_BATCH_SIZE));
    setPrefetch(json.getInteger("prefetch", DEFAULT_PREFETCH));
    setPollInterval(Duration.ofMillis(json.getLong("pollIntervalMs", DEFAULT_POLL_INTERVAL.toMillis())));
    setAckFlushInterval(Duration.ofMillis(json.getLong("ackFlushIntervalMs", DEFAULT_ACK_FLUSH_INTERVAL.toMillis())));
    setAckBatchSize(json.getInteger("ackBatchSize", DEFAULT_ACK_BATCH_SIZE));
    setLease(Duration.ofMillis(json.getLong("leaseMs", DEFAULT_LEASE.toMillis())));
    setShutdownTimeout(Duration.ofMillis(json.getLong("shutdownTimeoutMs", DEFAULT_SHUTDOWN_TIMEOUT.toMillis())));
    setConnections(json.getInteger("connections", DEFAULT_CONNECTIONS));
    setHeartbeatInterval(Duration.ofMillis(json.getLong("heartbeatIntervalMs", DEFAULT_HEARTBEAT_INTERVAL.toMillis())));
    setWorkerTimeout(Duration.ofMillis(json.getLong("workerTimeoutMs", DEFAULT_WORKER_TIMEOUT.toMillis())));
    setRescueInterval(Duration.ofMillis(json.getLong("rescueIntervalMs", DEFAULT_RESCUE_INTERVAL.toMillis())));
    setLeaderTtl(Duration.ofMillis(json.getLong("leaderTtlMs", DEFAULT_LEADER_TTL.toMillis())));
    json.getJsonObject("queueOptions", new JsonObject()).forEach(e ->
        setQueueOptions(e.getKey(), new QueueOptions((JsonObject) e.getValue())));
    json.getJsonObject("taskRateLimits", new JsonObject()).forEach(e ->
        setTaskRateLimit(e.getKey(), RateLimit.fromJson((JsonObject) e.getValue())));
    setBlockingPoolSize(json.getInteger("blockingPoolSize", DEFAULT_BLOCKING_POOL_SIZE));
    setVirtualThreads(json.getBoolean("virtualThreads", DEFAULT_VIRTUAL_THREADS));
    setStuckGrace(Duration.ofMillis(json.getLong("stuckGraceMs", DEFAULT_STUCK_GRACE.toMillis())));
    setMaxStuckHandlers(json.getInteger("maxStuckHandlers", DEFAULT_MAX_STUCK_HANDLERS));
    setMaxHeapAfterGc(json.getDouble("maxHeapAfterGc", DEFAULT_MAX_HEAP_AFTER_GC));
    setSchemaCheckInterval(Duration.ofMillis(json.getLong("schemaCheckIntervalMs", DEFAULT_SCHEMA_CHECK_INTERVAL.toMillis())));
  }

  /** {@return these options as JSON, which {@link #WorkerOptions(JsonObject)} reads back} */
  public JsonObject toJson() {
    return new JsonObject()
        .put("queues", new JsonArray(queues))
        .put("concurrency", concurrency)
        .put("batchSize", batchSize)
        .put("prefetch", prefetch)
        .put("pollIntervalMs", pollInterval.toMillis())
        .put("ackFlushIntervalMs", ackFlushInterval.toMillis())
        .put("ackBatchSize", ackBatchSize)
        .put("leaseMs", lease.toMillis())
        .put("shutdownTimeoutMs", shutdownTimeout.toMillis())
        .put("connections", connections)
        .put("heartbeatIntervalMs", heartbeatInterval.toMillis())
        .put("workerTimeoutMs", workerTimeout.toMillis())
        .put("rescueIntervalMs", rescueInterval.toMillis())
        .put("leaderTtlMs", leaderTtl.toMillis())
        .put("queueOptions", jsonOf(queueOptions, QueueOptions::toJson))
        .put("taskRateLimits", jsonOf(taskRateLimits, RateLimit::toJson))
        .put("blockingPoolSize", blockingPoolSize)
        .put("virtualThreads", virtualThreads)
        .put("stuckGraceMs", stuckGrace.toMillis())
        .put("maxStuckHandlers", maxStuckHandlers)
        .put("maxHeapAfterGc", maxHeapAfterGc)
        .put("schemaCheckIntervalMs", schemaCheckInterval.toMillis());
  }

  private static <V> JsonObject jsonOf(Map<String, V> map, java.util.function.Function<V, JsonObject> toJson) {
    JsonObject json = new JsonObject();
    new java.util.TreeMap<>(map).forEach((k, v) -> json.put(k, toJson.apply(v)));
    return json;
  }

  /** {@return the {@code queues} setting} See {@link #setQueues}. */
  public List<String> getQueues() {
    return queues;
  }

  /**
   * The queues this worker claims from; at least one.
   *
   * @param queues the queues this worker claims from; at least one.
   * @return these options
   */
  public WorkerOptions setQueues(List<String> queues) {
    if (queues == null || queues.isEmpty()) {
      throw new IllegalArgumentException("a worker needs at least one queue");
    }
    queues.forEach(q -> new EnqueueOptions().setQueue(q));
    this.queues = List.copyOf(queues);
    return this;
  }

  /**
   * The queues this worker claims from, by name; at least one.
   *
   * @param queues the queue names
   * @return these options
   */
  public WorkerOptions setQueues(String... queues) {
    return setQueues(List.of(queues));
  }

  /** {@return the {@code concurrency} setting} See {@link #setConcurrency}. */
  public int getConcurrency() {
    return concurrency;
  }

  /**
   * Handlers running at once per queue on this verticle; at least 1. Async handlers are cheap, so this can be high.
   *
   * @param concurrency the most handlers of one queue running at once
   * @return these options
   */
  public WorkerOptions setConcurrency(int concurrency) {
    this.concurrency = positive("concurrency", concurrency);
    return this;
  }

  /** {@return the {@code batchSize} setting} See {@link #setBatchSize}. */
  public int getBatchSize() {
    return batchSize;
  }

  /**
   * The most jobs one claim statement takes; at least 1. Bigger batches mean fewer round trips and more jobs
   * held by one worker at a time.
   *
   * @param batchSize jobs per claim statement
   * @return these options
   */
  public WorkerOptions setBatchSize(int batchSize) {
    this.batchSize = positive("batchSize", batchSize);
    return this;
  }

  /** {@return the {@code prefetch} setting} See {@link #setPrefetch}. */
  public int getPrefetch() {
    return prefetch;
  }

  /**
   * Jobs held ready beyond the running ones; 0 claims only for free slots.
   *
   * @param prefetch jobs held ready beyond the running ones; 0 claims only for free slots.
   * @return these options
   */
  public WorkerOptions setPrefetch(int prefetch) {
    if (prefetch < 0) {
      throw new IllegalArgumentException("prefetch must be zero or positive, got " + prefetch);
    }
    this.prefetch = prefetch;
    return this;
  }

  /** {@return the {@code pollInterval} setting} See {@link #setPollInterval}. */
  public Duration getPollInterval() {
    return pollInterval;
  }

  /**
   * How often an idle queue is checked when no notification arrives (at least 1 ms); wake-ups come from
   * LISTEN/NOTIFY, so this is only a fallback.
   *
   * @param pollInterval the fallback poll interval
   * @return these options
   */
  public WorkerOptions setPollInterval(Duration pollInterval) {
    this.pollInterval = atLeastOneMilli("pollInterval", pollInterval);
    return this;
  }

  /** {@return the {@code ackFlushInterval} setting} See {@link #setAckFlushInterval}. */
  public Duration getAckFlushInterval() {
    return ackFlushInterval;
  }

  /**
   * The longest an outcome waits before the outcomes waiting are written (at least 1 ms); they are also written
   * once {@link #setAckBatchSize ackBatchSize} of them wait, whichever comes first.
   *
   * @param ackFlushInterval the most time between a job's outcome and its write
   * @return these options
   */
  public WorkerOptions setAckFlushInterval(Duration ackFlushInterval) {
    this.ackFlushInterval = atLeastOneMilli("ackFlushInterval", ackFlushInterval);
    return this;
  }

  /** {@return the {@code ackBatchSize} setting} See {@link #setAckBatchSize}. */
  public int getAckBatchSize() {
    return ackBatchSize;
  }

  /**
   * How many waiting outcomes are written at once without waiting for {@link #setAckFlushInterval the flush
   * interval}; at least 1.
   *
   * @param ackBatchSize outcomes per write
   * @return these options
   */
  public WorkerOptions setAckBatchSize(int ackBatchSize) {
    this.ackBatchSize = positive("ackBatchSize", ackBatchSize);
    return this;
  }

  /** {@return the {@code lease} setting} See {@link #setLease}. */
  public Duration getLease() {
    return lease;
  }

  /**
   * How long a claim holds a job before another worker may take it over.
   *
   * @param lease how long a claim holds a job before another worker may take it over.
   * @return these options
   */
  public WorkerOptions setLease(Duration lease) {
    this.lease = atLeastOneMilli("lease", lease);
    return this;
  }

  /** {@return the {@code shutdownTimeout} setting} See {@link #setShutdownTimeout}. */
  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * How long undeploying waits for running handlers before it stops anyway.
   *
   * @param shutdownTimeout how long undeploying waits for running handlers before it stops anyway.
   * @return these options
   */
  public WorkerOptions setShutdownTimeout(Duration shutdownTimeout) {
    if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
      throw new IllegalArgumentException("shutdownTimeout must be zero or positive, got " + shutdownTimeout);
    }
    this.shutdownTimeout = shutdownTimeout;
    return this;
  }

  /** {@return the {@code connections} setting} See {@link #setConnections}. */
  public int getConnections() {
    return connections;
  }

  /**
   * Database connections of this verticle; statements are pipelined on them.
   *
   * @param connections database connections of this verticle; statements are pipelined on them.
   * @return these options
   */
  public WorkerOptions setConnections(int connections) {
    this.connections = positive("connections", connections);
    return this;
  }

  /** {@return the {@code schemaCheckInterval} setting} See {@link #setSchemaCheckInterval}. */
  public Duration getSchemaCheckInterval() {
    return schemaCheckInterval;
  }

  /**
   * How often a worker reads the schema's version while it runs (10 s). A worker whose schema has been
   * migrated beyond the compatibility window of its release stops claiming at the next check, finishes what
   * runs and says why (see {@link SchemaVersionException}); one of a release the newer migrations declare
   * compatible goes on.
   *
   * @param schemaCheckInterval how often a worker reads the schema's version while it runs (10 s).
   * @return these options
   */
  public WorkerOptions setSchemaCheckInterval(Duration schemaCheckInterval) {
    this.schemaCheckInterval = atLeastOneMilli("schemaCheckInterval", schemaCheckInterval);
    return this;
  }

  /** {@return the {@code heartbeatInterval} setting} See {@link #setHeartbeatInterval}. */
  public Duration getHeartbeatInterval() {
    return heartbeatInterval;
  }

  /**
   * How often the worker says it is alive and extends the leases of its long-running jobs.
   *
   * @param heartbeatInterval how often the worker says it is alive and extends the leases of its long-running jobs.
   * @return these options
   */
  public WorkerOptions setHeartbeatInterval(Duration heartbeatInterval) {
    this.heartbeatInterval = atLeastOneMilli("heartbeatInterval", heartbeatInterval);
    return this;
  }

  /** {@return the {@code workerTimeout} setting} See {@link #setWorkerTimeout}. */
  public Duration getWorkerTimeout() {
    return workerTimeout;
  }

  /**
   * How long after its last heartbeat a worker counts as dead and its jobs are rescued. Together with
   * the rescue interval this bounds how soon a killed worker's jobs run again.
   *
   * @param workerTimeout how long after its last heartbeat a worker counts as dead and its jobs are rescued.
   * @return these options
   */
  public WorkerOptions setWorkerTimeout(Duration workerTimeout) {
    this.workerTimeout = atLeastOneMilli("workerTimeout", workerTimeout);
    return this;
  }

  /** {@return the {@code rescueInterval} setting} See {@link #setRescueInterval}. */
  public Duration getRescueInterval() {
    return rescueInterval;
  }

  /**
   * How often the leader looks for jobs of dead workers and expired leases.
   *
   * @param rescueInterval how often the leader looks for jobs of dead workers and expired leases.
   * @return these options
   */
  public WorkerOptions setRescueInterval(Duration rescueInterval) {
    this.rescueInterval = atLeastOneMilli("rescueInterval", rescueInterval);
    return this;
  }

  /** {@return the {@code leaderTtl} setting} See {@link #setLeaderTtl}. */
  public Duration getLeaderTtl() {
    return leaderTtl;
  }

  /**
   * How long leadership lasts without renewal (renewed every heartbeat interval).
   *
   * @param leaderTtl how long leadership lasts without renewal (renewed every heartbeat interval).
   * @return these options
   */
  public WorkerOptions setLeaderTtl(Duration leaderTtl) {
    this.leaderTtl = atLeastOneMilli("leaderTtl", leaderTtl);
    return this;
  }

  /**
   * Overrides for one queue's settings on this worker (see {@link QueueOptions}); null removes them.
   *
   * @param queue the queue's name
   * @param options its overrides, copied; null removes them
   * @return these options
   */
  public WorkerOptions setQueueOptions(String queue, QueueOptions options) {
    new EnqueueOptions().setQueue(queue); // the same rules as for enqueue
    Map<String, QueueOptions> copy = new LinkedHashMap<>(queueOptions);
    if (options == null) {
      copy.remove(queue);
    } else {
      copy.put(queue, new QueueOptions(options));
    }
    this.queueOptions = Map.copyOf(copy);
    return this;
  }

  /**
   * The overrides of one queue, or null.
   *
   * @param queue the queue's name
   * @return the overrides set with {@link #setQueueOptions}, or null when there are none
   */
  public QueueOptions getQueueOptions(String queue) {
    QueueOptions options = queueOptions.get(queue);
    return options == null ? null : new QueueOptions(options);
  }

  /**
   * Limits the starts of one task across all workers, in whatever queue; null removes the limit.
   *
   * @param task the task's name
   * @param limit starts per window across all workers; null removes the limit
   * @return these options
   */
  public WorkerOptions setTaskRateLimit(String task, RateLimit limit) {
    if (task == null || task.isEmpty()) {
      throw new IllegalArgumentException("a task name is required");
    }
    Map<String, RateLimit> copy = new LinkedHashMap<>(taskRateLimits);
    if (limit == null) {
      copy.remove(task);
    } else {
      copy.put(task, limit);
    }
    this.taskRateLimits = Map.copyOf(copy);
    return this;
  }

  /** {@return the rate limits of tasks set with {@link #setTaskRateLimit}, by task name} */
  public Map<String, RateLimit> getTaskRateLimits() {
    return taskRateLimits;
  }

  /** {@return the {@code blockingPoolSize} setting} See {@link #setBlockingPoolSize}. */
  public int getBlockingPoolSize() {
    return blockingPoolSize;
  }

  /**
   * Threads of the pool blocking handlers run on, per Vert.x instance; at least 1.
   *
   * @param blockingPoolSize threads of the pool blocking handlers run on, per Vert.x instance; at least 1.
   * @return these options
   */
  public WorkerOptions setBlockingPoolSize(int blockingPoolSize) {
    this.blockingPoolSize = positive("blockingPoolSize", blockingPoolSize);
    return this;
  }

  /** {@return the {@code virtualThreads} setting} See {@link #setVirtualThreads}. */
  public boolean isVirtualThreads() {
    return virtualThreads;
  }

  /**
   * Runs blocking handlers on virtual threads (Vert.x's virtual-thread support) rather than the pool.
   *
   * @throws IllegalArgumentException on a Java runtime older than 21, which has none
   * @param virtualThreads true to run blocking handlers on virtual threads rather than the pool (Java 21 or newer)
   * @return these options
   */
  public WorkerOptions setVirtualThreads(boolean virtualThreads) {
    if (virtualThreads && Runtime.version().feature() < 21) {
      throw new IllegalArgumentException("virtualThreads needs Java 21 or newer, and this is Java "
          + Runtime.version() + ": run on a newer JDK, or leave it off and size blockingPoolSize");
    }
    this.virtualThreads = virtualThreads;
    return this;
  }

  /** {@return the {@code stuckGrace} setting} See {@link #setStuckGrace}. */
  public Duration getStuckGrace() {
    return stuckGrace;
  }

  /**
   * How long a handler may take to return after its hard limit (when it was told to stop, and interrupted if
   * it blocks) before it counts as stuck.
   *
   * @param stuckGrace how long a handler may take to return after its hard limit (when it was told to stop, and interrupted if it blocks) before it counts as stuck.
   * @return these options
   */
  public WorkerOptions setStuckGrace(Duration stuckGrace) {
    this.stuckGrace = atLeastOneMilli("stuckGrace", stuckGrace);
    return this;
  }

  /** {@return the {@code maxStuckHandlers} setting} See {@link #setMaxStuckHandlers}. */
  public int getMaxStuckHandlers() {
    return maxStuckHandlers;
  }

  /**
   * Recycles the process when this many of its handlers are stuck at once; 0 (the default) never does.
   *
   * @param maxStuckHandlers recycles the process when this many of its handlers are stuck at once; 0 (the default) never does.
   * @return these options
   */
  public WorkerOptions setMaxStuckHandlers(int maxStuckHandlers) {
    if (maxStuckHandlers < 0) {
      throw new IllegalArgumentException("maxStuckHandlers must be zero (off) or positive, got " + maxStuckHandlers);
    }
    this.maxStuckHandlers = maxStuckHandlers;
    return this;
  }

  /** {@return the {@code maxHeapAfterGc} setting} See {@link #setMaxHeapAfterGc}. */
  public double getMaxHeapAfterGc() {
    return maxHeapAfterGc;
  }

  /**
   * Recycles the process when the heap in use after the latest garbage collection exceeds this fraction of
   * the maximum heap ({@code -Xmx}): memory that collections no longer free, a leak; 0 (the default) never does.
   *
   * @param maxHeapAfterGc recycles the process when the heap in use after the latest garbage collection exceeds this fraction of the maximum heap ({@code -Xmx}): memory that collections no longer free, a leak; 0 (the default) never does.
   * @return these options
   */
  public WorkerOptions setMaxHeapAfterGc(double maxHeapAfterGc) {
    if (!(maxHeapAfterGc >= 0 && maxHeapAfterGc <= 1)) {
      throw new IllegalArgumentException("maxHeapAfterGc must be a fraction of the maximum heap between 0 (off) and 1, got "
          + maxHeapAfterGc);
    }
    this.maxHeapAfterGc = maxHeapAfterGc;
    return this;
  }

  /**
   * True when a recycling limit is set.
   *
   * @return true when {@code maxStuckHandlers} or {@code maxHeapAfterGc} is above 0
   */
  public boolean recycles() {
    return maxStuckHandlers > 0 || maxHeapAfterGc > 0;
  }

  /**
   * These options as they apply to one queue: its concurrency and prefetch overrides in place of the
   * worker's (a queue with cluster-wide limits prefetches nothing unless told otherwise).
   *
   * @param queue the queue's name
   * @return a copy of these options with that queue's overrides applied
   */
  public WorkerOptions forQueue(String queue) {
    QueueOptions q = queueOptions.get(queue);
    boolean limited = (q != null && q.hasClusterLimits()) || !taskRateLimits.isEmpty();
    if (q == null && !limited) {
      return this;
    }
    WorkerOptions effective = new WorkerOptions(this);
    if (q != null && q.getConcurrency() != null) {
      effective.concurrency = q.getConcurrency();
    }
    if (q != null && q.getPrefetch() != null) {
      effective.prefetch = q.getPrefetch();
    } else if (limited) {
      effective.prefetch = 0;
    }
    return effective;
  }

  /**
   * Checks the options that only make sense together; called when a worker is created.
   *
   * @return these options, when they are consistent
   * @throws IllegalArgumentException naming the settings that contradict each other
   */
  public WorkerOptions validate() {
    if (lease.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("lease (" + lease + ") must be at least twice the heartbeat interval");
    }
    if (workerTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("workerTimeout (" + workerTimeout + ") must be at least twice the heartbeat interval");
    }
    if (leaderTtl.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("leaderTtl (" + leaderTtl + ") must be at least twice the heartbeat interval");
    }
    return this;
  }

  private static int positive(String what, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + value);
    }
    return value;
  }

  private static Duration atLeastOneMilli(String what, Duration value) {
    if (value == null || value.toMillis() < 1) {
      throw new IllegalArgumentException(what + " must be at least 1 ms, got " + value);
    }
    return value;
  }
}
