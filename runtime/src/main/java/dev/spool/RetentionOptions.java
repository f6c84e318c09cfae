package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * How long finished jobs stay in the table, per final state, and how the leader prunes them.
 *
 * <ul>
 *   <li>{@code completed}: {@link Duration#ZERO} (the default) deletes a job the moment it completes,
 *       the fastest way; a positive duration keeps it in state {@code completed} that long; null keeps it.
 *       Kept jobs leave the jobs table as they complete, for the kept history ({@code jobs_done}), partitioned
 *       by finish time: the leader drops a partition whole once all its jobs are past this window, and deletes
 *       row by row only in the partition that straddles it.
 *   <li>{@code results}: a completed job that has a result, dependents or was awaited is kept (state
 *       {@code completed}, with its result) at least this long (1 day by default), even when completed jobs
 *       are otherwise deleted at once; null keeps them. They too leave the jobs table as they complete, for the
 *       kept history (workflow steps excepted: they stay where their workflow is read); a partition holding one is
 *       dropped once past this window too. With zero (and completed jobs not kept) such a job stays in the jobs
 *       table until the next prune.
 *   <li>{@code dead}, {@code cancelled}: kept this long after they ended (7 days by default); null keeps them.
 *   <li>{@code history}: events of the job history (when it is on) are kept this long (7 days by
 *       default); null keeps them.
 *   <li>{@code pruneInterval}: how often the leader deletes what is past its window.
 *   <li>{@code pruneBatch}, {@code maxBatchesPerPass}: rows per DELETE and DELETEs per state in one pass, so
 *       a pass never holds many locks or runs long; a backlog goes over several passes.
 * </ul>
 *
 * <pre>{@code
 * new SpoolOptions().setRetention(new RetentionOptions()
 *     .setCompleted(Duration.ofHours(1)).setDead(Duration.ofDays(7)).setCancelled(Duration.ofDays(1)));
 * }</pre>
 */
public class RetentionOptions {

  /** The default of {@link #setCompleted}. */
  public static final Duration DEFAULT_COMPLETED = Duration.ZERO;
  /** The default of {@link #setResults}. */
  public static final Duration DEFAULT_RESULTS = Duration.ofDays(1);
  /** The default of {@link #setDead}. */
  public static final Duration DEFAULT_DEAD = Duration.ofDays(7);
  /** The default of {@link #setCancelled}. */
  public static final Duration DEFAULT_CANCELLED = Duration.ofDays(7);
  /** The default of {@link #setHistory}. */
  public static final Duration DEFAULT_HISTORY = Duration.ofDays(7);
  /** The default of {@link #setPruneInterval}. */
  public static final Duration DEFAULT_PRUNE_INTERVAL = Duration.ofSeconds(10);
  /** The default of {@link #setPruneBatch}. */
  public static final int DEFAULT_PRUNE_BATCH = 1000;
  /** The default of {@link #setMaxBatchesPerPass}. */
  public static final int DEFAULT_MAX_BATCHES_PER_PASS = 10;

  private Duration completed = DEFAULT_COMPLETED;
  private Duration results = DEFAULT_RESULTS;
  private Duration dead = DEFAULT_DEAD;
  private Duration cancelled = DEFAULT_CANCELLED;
  private Duration history = DEFAULT_HISTORY;
  private Duration pruneInterval = DEFAULT_PRUNE_INTERVAL;
  private int pruneBatch = DEFAULT_PRUNE_BATCH;
  private int maxBatchesPerPass = DEFAULT_MAX_BATCHES_PER_PASS;

  /** Options with every setting at its default. */
  public RetentionOptions() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the options to copy
   */
  public RetentionOptions(RetentionOptions other) {
    this.completed = other.completed;
    this.results = other.results;
    this.dead = other.dead;
    this.cancelled = other.cancelled;
    this.history = other.history;
    this.pruneInterval = other.pruneInterval;
    this.pruneBatch = other.pruneBatch;
    this.maxBatchesPerPass = other.maxBatchesPerPass;
  }

  /**
   * Reads the fields of {@link #toJson()}: durations in ms, a null or absent-but-named one keeps forever.
   *
   * @param json the options as {@link #toJson()} writes them
   */
  public RetentionOptions(JsonObject json) {
    setCompleted(keep(json, "completedMs", DEFAULT_COMPLETED));
    setResults(keep(json, "resultsMs", DEFAULT_RESULTS));
    setDead(keep(json, "deadMs", DEFAULT_DEAD));
    setCancelled(keep(json, "cancelledMs", DEFAULT_CANCELLED));
    setHistory(keep(json, "historyMs", DEFAULT_HISTORY));
    setPruneInterval(Duration.ofMillis(json.getLong("pruneIntervalMs", DEFAULT_PRUNE_INTERVAL.toMillis())));
    setPruneBatch(json.getInteger("pruneBatch", DEFAULT_PRUNE_BATCH));
    setMaxBatchesPerPass(json.getInteger("maxBatchesPerPass", DEFAULT_MAX_BATCHES_PER_PASS));
  }

  private static Duration keep(JsonObject json, String key, Duration fallback) {
    if (!json.containsKey(key)) {
      return fallback;
    }
    Long ms = json.getLong(key);
    return ms == null ? null : Duration.ofMillis(ms);
  }

  /** {@return these options as JSON, which {@link #RetentionOptions(JsonObject)} reads back} */
  public JsonObject toJson() {
    return new JsonObject()
        .put("completedMs", completed == null ? null : completed.toMillis())
        .put("resultsMs", results == null ? null : results.toMillis())
        .put("deadMs", dead == null ? null : dead.toMillis())
        .put("cancelledMs", cancelled == null ? null : cancelled.toMillis())
        .put("historyMs", history == null ? null : history.toMillis())
        .put("pruneIntervalMs", pruneInterval.toMillis())
        .put("pruneBatch", pruneBatch)
        .put("maxBatchesPerPass", maxBatchesPerPass);
  }

  /** {@return the {@code results} setting} See {@link #setResults}. */
  public Duration getResults() {
    return results;
  }

  /**
   * How long completed jobs with a result (or dependents, or an awaiter) are kept; null keeps them.
   *
   * @param results how long completed jobs with a result (or dependents, or an awaiter) are kept; null keeps them.
   * @return these options
   */
  public RetentionOptions setResults(Duration results) {
    if (results != null && results.isNegative()) {
      throw new IllegalArgumentException("results retention must not be negative, got " + results);
    }
    this.results = results;
    return this;
  }

  /** {@return the {@code completed} setting} See {@link #setCompleted}. */
  public Duration getCompleted() {
    return completed;
  }

  /**
   * ZERO: delete at once (default); positive: keep that long; null: keep forever.
   *
   * @param completed ZERO: delete at once (default); positive: keep that long; null: keep forever.
   * @return these options
   */
  public RetentionOptions setCompleted(Duration completed) {
    this.completed = window("completed", completed);
    return this;
  }

  /** {@return the {@code dead} setting} See {@link #setDead}. */
  public Duration getDead() {
    return dead;
  }

  /**
   * How long dead jobs are kept; null keeps them forever.
   *
   * @param dead how long dead jobs are kept; null keeps them forever.
   * @return these options
   */
  public RetentionOptions setDead(Duration dead) {
    this.dead = window("dead", dead);
    return this;
  }

  /** {@return the {@code cancelled} setting} See {@link #setCancelled}. */
  public Duration getCancelled() {
    return cancelled;
  }

  /**
   * How long cancelled jobs are kept; null keeps them forever.
   *
   * @param cancelled how long cancelled jobs are kept; null keeps them forever.
   * @return these options
   */
  public RetentionOptions setCancelled(Duration cancelled) {
    this.cancelled = window("cancelled", cancelled);
    return this;
  }

  /** {@return the {@code history} setting} See {@link #setHistory}. */
  public Duration getHistory() {
    return history;
  }

  /**
   * How long job history events are kept; null keeps them forever.
   *
   * @param history how long job history events are kept; null keeps them forever.
   * @return these options
   */
  public RetentionOptions setHistory(Duration history) {
    this.history = window("history", history);
    return this;
  }

  /** {@return the {@code pruneInterval} setting} See {@link #setPruneInterval}. */
  public Duration getPruneInterval() {
    return pruneInterval;
  }

  /**
   * How often the leader deletes what is past its window; at least 1 ms.
   *
   * @param pruneInterval the interval between prune passes
   * @return these options
   */
  public RetentionOptions setPruneInterval(Duration pruneInterval) {
    if (pruneInterval == null || pruneInterval.toMillis() < 1) {
      throw new IllegalArgumentException("pruneInterval must be at least 1 ms, got " + pruneInterval);
    }
    this.pruneInterval = pruneInterval;
    return this;
  }

  /** {@return the {@code pruneBatch} setting} See {@link #setPruneBatch}. */
  public int getPruneBatch() {
    return pruneBatch;
  }

  /**
   * Rows per DELETE statement of a prune pass, so a pass never holds many locks; at least 1.
   *
   * @param pruneBatch rows per statement
   * @return these options
   */
  public RetentionOptions setPruneBatch(int pruneBatch) {
    if (pruneBatch < 1) {
      throw new IllegalArgumentException("pruneBatch must be at least 1, got " + pruneBatch);
    }
    this.pruneBatch = pruneBatch;
    return this;
  }

  /** {@return the {@code maxBatchesPerPass} setting} See {@link #setMaxBatchesPerPass}. */
  public int getMaxBatchesPerPass() {
    return maxBatchesPerPass;
  }

  /**
   * DELETE statements per state in one prune pass, so a pass never runs long (a backlog goes over several
   * passes); at least 1.
   *
   * @param maxBatchesPerPass statements per state and pass
   * @return these options
   */
  public RetentionOptions setMaxBatchesPerPass(int maxBatchesPerPass) {
    if (maxBatchesPerPass < 1) {
      throw new IllegalArgumentException("maxBatchesPerPass must be at least 1, got " + maxBatchesPerPass);
    }
    this.maxBatchesPerPass = maxBatchesPerPass;
    return this;
  }

  /**
   * True when completed jobs are kept as rows (for a while or forever) rather than deleted at once.
   *
   * @return true when completed jobs are kept
   */
  public boolean keepsCompleted() {
    return completed == null || !completed.isZero();
  }

  private static Duration window(String what, Duration value) {
    if (value != null && value.isNegative()) {
      throw new IllegalArgumentException(what + " retention must be zero or positive (or null for forever), got " + value);
    }
    return value;
  }
}
