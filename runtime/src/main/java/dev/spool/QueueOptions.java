package dev.spool;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Settings of one queue that override a worker's defaults ({@link WorkerOptions#setQueueOptions}):
 *
 * <ul>
 *   <li>{@code concurrency}: handlers of this queue running at once on one worker verticle.
 *   <li>{@code prefetch}: jobs of this queue claimed ahead of free handler slots on one worker; a queue
 *       with a cluster-wide limit defaults to 0, so that claimed means started.
 *   <li>{@code globalConcurrency}: jobs of this queue running at once across all workers.
 *   <li>{@code rateLimit}: job starts of this queue per window across all workers.
 *   <li>{@code fair}: serve the queue's keys ({@link EnqueueOptions#setKey}) in round robin, each taking
 *       its share of every claim (times its weight in {@code keyWeights}), so a key with a backlog of a
 *       million jobs does not delay a key with ten. Within a key, the usual order.
 *   <li>{@code keyConcurrency}: jobs of one key running at once across all workers.
 *   <li>{@code keyRateLimit}: job starts of one key per window across all workers.
 *   <li>{@code serial}: a key's jobs run one at a time, in enqueue (id) order; a job waiting for its retry
 *       holds its key's place unless {@code serialHoldOnRetry} is false; a dead job frees the key.
 *   <li>{@code blockingPoolSize}: threads of a blocking pool of this queue's own (a named Vert.x
 *       {@code WorkerExecutor}, {@code spool-blocking-<queue>}), so its blocking handlers neither wait for
 *       nor starve those of other queues; unset, they share the worker's pool.
 * </ul>
 * A queue with any of the last four is keyed: its keys are served in round robin by a claim of its own
 * ({@code ClaimJobsKeyed}), whatever {@code fair} says; jobs without a key share one bucket, served after
 * the keys. A keyed queue takes {@code globalConcurrency} but not a queue or task rate limit.
 *
 * Unset fields (null) take the worker's defaults; the cluster-wide limits are enforced in the database
 * by the claim, with the figures of the claiming worker, so give every worker of the queue the same ones.
 * Queues without cluster-wide limits keep the plain, fastest claim.
 */
public class QueueOptions {

  private Integer concurrency;
  private Integer prefetch;
  private Integer globalConcurrency;
  private RateLimit rateLimit;
  private boolean fair;
  private Integer keyConcurrency;
  private RateLimit keyRateLimit;
  private boolean serial;
  private boolean serialHoldOnRetry = true;
  private Map<String, Integer> keyWeights = Map.of();
  private Integer blockingPoolSize;

  /** Options with every setting at its default. */
  public QueueOptions() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the options to copy
   */
  public QueueOptions(QueueOptions other) {
    this.concurrency = other.concurrency;
    this.prefetch = other.prefetch;
    this.globalConcurrency = other.globalConcurrency;
    this.rateLimit = other.rateLimit;
    this.fair = other.fair;
    this.keyConcurrency = other.keyConcurrency;
    this.keyRateLimit = other.keyRateLimit;
    this.serial = other.serial;
    this.serialHoldOnRetry = other.serialHoldOnRetry;
    this.keyWeights = other.keyWeights;
    this.blockingPoolSize = other.blockingPoolSize;
  }

  /**
   * Reads the fields of {@link #toJson()}; absent ones stay null (the worker's setting, or no limit).
   *
   * @param json the options as {@link #toJson()} writes them
   */
  public QueueOptions(JsonObject json) {
    setConcurrency(json.getInteger("concurrency"));
    setPrefetch(json.getInteger("prefetch"));
    setGlobalConcurrency(json.getInteger("globalConcurrency"));
    JsonObject rate = json.getJsonObject("rateLimit");
    setRateLimit(rate == null ? null : RateLimit.fromJson(rate));
    setFair(json.getBoolean("fair", false));
    setKeyConcurrency(json.getInteger("keyConcurrency"));
    JsonObject keyRate = json.getJsonObject("keyRateLimit");
    setKeyRateLimit(keyRate == null ? null : RateLimit.fromJson(keyRate));
    setSerial(json.getBoolean("serial", false));
    setSerialHoldOnRetry(json.getBoolean("serialHoldOnRetry", true));
    Map<String, Integer> weights = new java.util.TreeMap<>();
    json.getJsonObject("keyWeights", new JsonObject()).forEach(e -> weights.put(e.getKey(), ((Number) e.getValue()).intValue()));
    setKeyWeights(weights);
    setBlockingPoolSize(json.getInteger("blockingPoolSize"));
  }

  /** {@return these options as JSON, which {@link #QueueOptions(JsonObject)} reads back} */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (concurrency != null) {
      json.put("concurrency", concurrency);
    }
    if (prefetch != null) {
      json.put("prefetch", prefetch);
    }
    if (globalConcurrency != null) {
      json.put("globalConcurrency", globalConcurrency);
    }
    if (rateLimit != null) {
      json.put("rateLimit", rateLimit.toJson());
    }
    if (isKeyed()) {
      json.put("fair", fair).put("serial", serial).put("serialHoldOnRetry", serialHoldOnRetry)
          .put("keyConcurrency", keyConcurrency).put("keyRateLimit", keyRateLimit == null ? null : keyRateLimit.toJson())
          .put("keyWeights", new JsonObject(new java.util.TreeMap<String, Object>(keyWeights)));
    }
    if (blockingPoolSize != null) {
      json.put("blockingPoolSize", blockingPoolSize);
    }
    return json;
  }

  /** {@return the {@code concurrency} setting} See {@link #setConcurrency}. */
  public Integer getConcurrency() {
    return concurrency;
  }

  /**
   * Handlers of this queue running at once per worker verticle; null for the worker's concurrency.
   *
   * @param concurrency handlers of this queue running at once per worker verticle; null for the worker's concurrency.
   * @return these options
   */
  public QueueOptions setConcurrency(Integer concurrency) {
    if (concurrency != null && concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    this.concurrency = concurrency;
    return this;
  }

  /** {@return the {@code prefetch} setting} See {@link #setPrefetch}. */
  public Integer getPrefetch() {
    return prefetch;
  }

  /**
   * Jobs claimed ahead of free slots per worker; null for the worker's prefetch (0 for limited queues).
   *
   * @param prefetch jobs claimed ahead of free slots per worker; null for the worker's prefetch (0 for limited queues).
   * @return these options
   */
  public QueueOptions setPrefetch(Integer prefetch) {
    if (prefetch != null && prefetch < 0) {
      throw new IllegalArgumentException("prefetch must be zero or positive, got " + prefetch);
    }
    this.prefetch = prefetch;
    return this;
  }

  /** {@return the {@code globalConcurrency} setting} See {@link #setGlobalConcurrency}. */
  public Integer getGlobalConcurrency() {
    return globalConcurrency;
  }

  /**
   * Jobs of this queue running at once across all workers; null for no such limit.
   *
   * @param globalConcurrency jobs of this queue running at once across all workers; null for no such limit.
   * @return these options
   */
  public QueueOptions setGlobalConcurrency(Integer globalConcurrency) {
    if (globalConcurrency != null && globalConcurrency < 1) {
      throw new IllegalArgumentException("globalConcurrency must be at least 1, got " + globalConcurrency);
    }
    this.globalConcurrency = globalConcurrency;
    return this;
  }

  /** {@return the {@code rateLimit} setting} See {@link #setRateLimit}. */
  public RateLimit getRateLimit() {
    return rateLimit;
  }

  /**
   * Job starts of this queue per window across all workers; null for no rate limit.
   *
   * @param rateLimit job starts of this queue per window across all workers; null for no rate limit.
   * @return these options
   */
  public QueueOptions setRateLimit(RateLimit rateLimit) {
    this.rateLimit = rateLimit;
    return this;
  }

  /** {@return the {@code fair} setting} See {@link #setFair}. */
  public boolean isFair() {
    return fair;
  }

  /**
   * Serves the queue's keys in round robin (see the class comment).
   *
   * @param fair true to serve the queue's keys in round robin
   * @return these options
   */
  public QueueOptions setFair(boolean fair) {
    this.fair = fair;
    return this;
  }

  /** {@return the {@code keyConcurrency} setting} See {@link #setKeyConcurrency}. */
  public Integer getKeyConcurrency() {
    return keyConcurrency;
  }

  /**
   * Jobs of one key running at once across all workers; null for no such limit.
   *
   * @param keyConcurrency jobs of one key running at once across all workers; null for no such limit.
   * @return these options
   */
  public QueueOptions setKeyConcurrency(Integer keyConcurrency) {
    if (keyConcurrency != null && keyConcurrency < 1) {
      throw new IllegalArgumentException("keyConcurrency must be at least 1, got " + keyConcurrency);
    }
    this.keyConcurrency = keyConcurrency;
    return this;
  }

  /** {@return the {@code keyRateLimit} setting} See {@link #setKeyRateLimit}. */
  public RateLimit getKeyRateLimit() {
    return keyRateLimit;
  }

  /**
   * Job starts of one key per window across all workers; null for no such limit.
   *
   * @param keyRateLimit job starts of one key per window across all workers; null for no such limit.
   * @return these options
   */
  public QueueOptions setKeyRateLimit(RateLimit keyRateLimit) {
    this.keyRateLimit = keyRateLimit;
    return this;
  }

  /** {@return the {@code serial} setting} See {@link #setSerial}. */
  public boolean isSerial() {
    return serial;
  }

  /**
   * Runs each key's jobs one at a time, in enqueue order.
   *
   * @param serial true to run each key's jobs one at a time, in enqueue order
   * @return these options
   */
  public QueueOptions setSerial(boolean serial) {
    this.serial = serial;
    return this;
  }

  /** {@return the {@code serialHoldOnRetry} setting} See {@link #setSerialHoldOnRetry}. */
  public boolean isSerialHoldOnRetry() {
    return serialHoldOnRetry;
  }

  /**
   * With {@code serial}: true (the default) keeps a key's next job waiting while the job before it waits
   * for a retry; false lets the next job overtake it.
   *
   * @param serialHoldOnRetry with {@code serial}: true (the default) keeps a key's next job waiting while the job before it waits for a retry; false lets the next job overtake it.
   * @return these options
   */
  public QueueOptions setSerialHoldOnRetry(boolean serialHoldOnRetry) {
    this.serialHoldOnRetry = serialHoldOnRetry;
    return this;
  }

  /** {@return the {@code keyWeights} setting} See {@link #setKeyWeights}. */
  public Map<String, Integer> getKeyWeights() {
    return keyWeights;
  }

  /**
   * Shares of keys other than 1 in a keyed queue's round robin (a key of weight 3 takes three shares).
   *
   * @param keyWeights weights by key, each at least 1, not null; keys not in it weigh 1
   * @return these options
   */
  public QueueOptions setKeyWeights(Map<String, Integer> keyWeights) {
    Map<String, Integer> copy = new java.util.TreeMap<>();
    keyWeights.forEach((key, weight) -> {
      new EnqueueOptions().setKey(key);
      if (weight == null || weight < 1) {
        throw new IllegalArgumentException("the weight of key " + key + " must be at least 1, got " + weight);
      }
      copy.put(key, weight);
    });
    this.keyWeights = Map.copyOf(copy);
    return this;
  }

  /**
   * True when the queue is served key by key (fair, a per-key limit, or serial).
   *
   * @return true when keyed
   */
  public boolean isKeyed() {
    return fair || serial || keyConcurrency != null || keyRateLimit != null;
  }

  /** {@return the {@code blockingPoolSize} setting} See {@link #setBlockingPoolSize}. */
  public Integer getBlockingPoolSize() {
    return blockingPoolSize;
  }

  /**
   * Threads of this queue's own blocking pool; null to share the worker's ({@link WorkerOptions#setBlockingPoolSize}).
   *
   * @param blockingPoolSize threads of this queue's own blocking pool; null to share the worker's ({@link WorkerOptions#setBlockingPoolSize}).
   * @return these options
   */
  public QueueOptions setBlockingPoolSize(Integer blockingPoolSize) {
    if (blockingPoolSize != null && blockingPoolSize < 1) {
      throw new IllegalArgumentException("blockingPoolSize must be at least 1, got " + blockingPoolSize);
    }
    this.blockingPoolSize = blockingPoolSize;
    return this;
  }

  /**
   * True when the queue has a limit that only the database can enforce.
   *
   * @return true when such a limit is set
   */
  public boolean hasClusterLimits() {
    return globalConcurrency != null || rateLimit != null || isKeyed();
  }
}
