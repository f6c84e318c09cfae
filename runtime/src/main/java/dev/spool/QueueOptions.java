package dev.spool;

import io.vertx.core.json.JsonObject;

/**
 * Settings of one queue that override a worker's defaults ({@link WorkerOptions#setQueueOptions}):
 *
 * <ul>
 *   <li>{@code concurrency}: handlers of this queue running at once on one worker verticle.
 *   <li>{@code prefetch}: jobs of this queue claimed ahead of free handler slots on one worker; a queue
 *       with a cluster-wide limit defaults to 0, so that claimed means started.
 *   <li>{@code globalConcurrency}: jobs of this queue running at once across all workers.
 *   <li>{@code rateLimit}: job starts of this queue per window across all workers.
 *   <li>{@code blockingPoolSize}: threads of a blocking pool of this queue's own (a named Vert.x
 *       {@code WorkerExecutor}, {@code spool-blocking-<queue>}), so its blocking handlers neither wait for
 *       nor starve those of other queues; unset, they share the worker's pool.
 * </ul>
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
  private Integer blockingPoolSize;

  public QueueOptions() {}

  public QueueOptions(QueueOptions other) {
    this.concurrency = other.concurrency;
    this.prefetch = other.prefetch;
    this.globalConcurrency = other.globalConcurrency;
    this.rateLimit = other.rateLimit;
    this.blockingPoolSize = other.blockingPoolSize;
  }

  public QueueOptions(JsonObject json) {
    setConcurrency(json.getInteger("concurrency"));
    setPrefetch(json.getInteger("prefetch"));
    setGlobalConcurrency(json.getInteger("globalConcurrency"));
    JsonObject rate = json.getJsonObject("rateLimit");
    setRateLimit(rate == null ? null : RateLimit.fromJson(rate));
    setBlockingPoolSize(json.getInteger("blockingPoolSize"));
  }

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
    if (blockingPoolSize != null) {
      json.put("blockingPoolSize", blockingPoolSize);
    }
    return json;
  }

  public Integer getConcurrency() {
    return concurrency;
  }

  /** Handlers of this queue running at once per worker verticle; null for the worker's concurrency. */
  public QueueOptions setConcurrency(Integer concurrency) {
    if (concurrency != null && concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    this.concurrency = concurrency;
    return this;
  }

  public Integer getPrefetch() {
    return prefetch;
  }

  /** Jobs claimed ahead of free slots per worker; null for the worker's prefetch (0 for limited queues). */
  public QueueOptions setPrefetch(Integer prefetch) {
    if (prefetch != null && prefetch < 0) {
      throw new IllegalArgumentException("prefetch must be zero or positive, got " + prefetch);
    }
    this.prefetch = prefetch;
    return this;
  }

  public Integer getGlobalConcurrency() {
    return globalConcurrency;
  }

  /** Jobs of this queue running at once across all workers; null for no such limit. */
  public QueueOptions setGlobalConcurrency(Integer globalConcurrency) {
    if (globalConcurrency != null && globalConcurrency < 1) {
      throw new IllegalArgumentException("globalConcurrency must be at least 1, got " + globalConcurrency);
    }
    this.globalConcurrency = globalConcurrency;
    return this;
  }

  public RateLimit getRateLimit() {
    return rateLimit;
  }

  /** Job starts of this queue per window across all workers; null for no rate limit. */
  public QueueOptions setRateLimit(RateLimit rateLimit) {
    this.rateLimit = rateLimit;
    return this;
  }

  public Integer getBlockingPoolSize() {
    return blockingPoolSize;
  }

  /** Threads of this queue's own blocking pool; null to share the worker's ({@link WorkerOptions#setBlockingPoolSize}). */
  public QueueOptions setBlockingPoolSize(Integer blockingPoolSize) {
    if (blockingPoolSize != null && blockingPoolSize < 1) {
      throw new IllegalArgumentException("blockingPoolSize must be at least 1, got " + blockingPoolSize);
    }
    this.blockingPoolSize = blockingPoolSize;
    return this;
  }

  /** True when the queue has a limit that only the database can enforce. */
  public boolean hasClusterLimits() {
    return globalConcurrency != null || rateLimit != null;
  }
}
