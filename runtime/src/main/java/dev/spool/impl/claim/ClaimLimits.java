package dev.spool.impl.claim;

import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.WorkerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster-wide limits of one queue's claims: its concurrency across all workers, its rate limit and
 * the rate limits of the tasks this worker claims in it, or its per-key limits. Only queues that have
 * some use a claim of their own ({@code ClaimJobsLimited}, or {@code ClaimJobsKeyed} for keyed queues); the
 * others keep the plain one.
 */
public final class ClaimLimits {

  /** How soon a queue at its cluster-wide concurrency limit is tried again (jobs may end on other nodes). */
  public static final long DEFAULT_RECHECK_MS = 100;

  private final Integer concurrency;
  private final String[] keys;
  private final Integer[] limits;
  private final Double[] windowsMs;
  private final String[] keyTasks;
  private final double recheckMs;
  private final QueueOptions keyed;

  private ClaimLimits(QueueOptions keyed, Integer concurrency, String[] keys, Integer[] limits, Double[] windowsMs, String[] keyTasks,
      double recheckMs) {
    this.concurrency = concurrency;
    this.keys = keys;
    this.limits = limits;
    this.windowsMs = windowsMs;
    this.keyTasks = keyTasks;
    this.recheckMs = recheckMs;
    this.keyed = keyed;
  }

  /** The limits of {@code queue} for a worker claiming {@code tasks}, or null when it has none. */
  public static ClaimLimits of(WorkerOptions options, String queue, Set<String> tasks) {
    QueueOptions q = options.getQueueOptions(queue);
    Map<String, RateLimit> taskLimits = new TreeMap<>(options.getTaskRateLimits());
    taskLimits.keySet().retainAll(tasks);
    if ((q == null || !q.hasClusterLimits()) && taskLimits.isEmpty()) {
      return null;
    }
    if (q != null && q.isKeyed()) {
      if (q.getRateLimit() != null || !taskLimits.isEmpty()) {
        throw new IllegalArgumentException("queue " + queue + " is keyed (fair, per-key limits or serial): it takes "
            + "globalConcurrency, keyConcurrency and keyRateLimit, but not a queue rateLimit or task rate limits "
            + taskLimits.keySet());
      }
      return new ClaimLimits(new QueueOptions(q), null, null, null, null, null, DEFAULT_RECHECK_MS);
    }
    // Keys in sorted order, so that workers lock them in the same order. The queue's own key is always
    // there: it serialises the claims of the queue even when only its concurrency is limited.
    TreeMap<String, Object[]> rows = new TreeMap<>();
    RateLimit queueRate = q == null ? null : q.getRateLimit();
    rows.put("queue:" + queue, new Object[] {queueRate, null});
    taskLimits.forEach((task, limit) -> rows.put("task:" + task, new Object[] {limit, task}));
    List<String> keys = new ArrayList<>();
    List<Integer> limits = new ArrayList<>();
    List<Double> windows = new ArrayList<>();
    List<String> keyTasks = new ArrayList<>();
    rows.forEach((key, row) -> {
      RateLimit limit = (RateLimit) row[0];
      keys.add(key);
      limits.add(limit == null ? null : limit.count());
      windows.add(limit == null ? null : (double) limit.per().toMillis());
      keyTasks.add((String) row[1]);
    });
    return new ClaimLimits(null, q == null ? null : q.getGlobalConcurrency(), keys.toArray(String[]::new),
        limits.toArray(Integer[]::new), windows.toArray(Double[]::new), keyTasks.toArray(String[]::new),
        DEFAULT_RECHECK_MS);
  }

  /** The name of the claim statement: {@code ClaimJobsKeyed} for keyed queues, else {@code ClaimJobsLimited}. */
  public String statement() {
    return keyed != null ? "ClaimJobsKeyed" : "ClaimJobsLimited";
  }

  /**
   * A worker's cluster-wide limits as it registers them (see V009), so explain can read them from the
   * database: {@code {"queue:<q>": {"rate", "window_ms", "concurrency"}, "task:<t>": {"rate", "window_ms"}}}.
   */
  public static JsonObject describe(WorkerOptions options, Set<String> tasks) {
    JsonObject out = new JsonObject();
    for (String queue : options.getQueues()) {
      QueueOptions q = options.getQueueOptions(queue);
      if (q == null || !q.hasClusterLimits()) {
        continue;
      }
      JsonObject limit = new JsonObject().put("concurrency", q.getGlobalConcurrency());
      if (q.getRateLimit() != null) {
        limit.put("rate", q.getRateLimit().count()).put("window_ms", q.getRateLimit().per().toMillis());
      }
      out.put("queue:" + queue, limit);
    }
    options.getTaskRateLimits().forEach((task, limit) -> {
      if (tasks.contains(task)) {
        out.put("task:" + task, new JsonObject().put("rate", limit.count()).put("window_ms", limit.per().toMillis()));
      }
    });
    return out;
  }

  /** True for a keyed queue ({@code ClaimJobsKeyed}, from floors {@code ClaimJobsKeyedFrom}); false for {@code ClaimJobsLimited}. */
  public boolean isKeyed() {
    return keyed != null;
  }

  /** The parameters of {@link #statement()}, reading the queue from its head. */
  public Tuple params(String queue, String[] tasks, int batch, String owner, double leaseMs) {
    if (keyed != null) {
      return keyedLimits(queue, tasks, batch, owner, leaseMs)
          .addValue(keyed.isSerial()).addValue(keyed.isSerialHoldOnRetry())
          .addValue(keyed.getKeyWeights().keySet().toArray(String[]::new))
          .addValue(keyed.getKeyWeights().values().toArray(Integer[]::new))
          .addValue(recheckMs);
    }
    return params(queue, tasks, batch, owner, leaseMs, null, null);
  }

  /**
   * The parameters of {@code ClaimJobsLimited} reading each of {@code priorities} from its floor in {@code floors}
   * ({@link ClaimFrontier}), or from the head when they are null; not for a keyed queue.
   */
  public Tuple params(String queue, String[] tasks, int batch, String owner, double leaseMs, Short[] priorities,
      OffsetDateTime[] floors) {
    if (keyed != null) {
      throw new IllegalStateException("a keyed queue claims through ClaimJobsKeyed or ClaimJobsKeyedFrom, not ClaimJobsLimited");
    }
    return Tuple.tuple().addValue(queue).addValue(tasks).addValue(batch).addValue(owner).addValue(leaseMs)
        .addValue(concurrency).addValue(keys).addValue(limits).addValue(windowsMs).addValue(keyTasks)
        .addValue(recheckMs).addValue(priorities).addValue(floors);
  }

  /**
   * What a claim of {@code ClaimJobsLimited} that asked for {@code batch} jobs and took {@code taken} tells the
   * frontier ({@link ClaimFrontier#claimed}'s batch), {@code cutShort} when it returned a wait row (a limit
   * stopped it); 0: nothing, no floor may move. The frontier raises floors on the belief that the claim took
   * every due job it could see below them, which a limit breaks:
   * <ul>
   *   <li>no wait row: no limit bound the claim (a limit filled exactly returns one), so it is a plain claim;
   *   <li>a wait row and task rate limits: a limited task's jobs may have been left below the jobs taken of
   *   other tasks, or taken none at all, so no floor may move;
   *   <li>a wait row and only the queue's limits: the claim took the first {@code taken} due jobs in claim order,
   *   as a full batch of that size does, and the frontier's full-batch rule holds (unless it took none: then it
   *   saw nothing, and says nothing).
   * </ul>
   */
  int frontierBatch(int batch, int taken, boolean cutShort) {
    if (!cutShort) {
      return batch;
    }
    for (String task : keyTasks) {
      if (task != null) {
        return 0;
      }
    }
    return taken;
  }

  /** True for a serial queue: its head scans name each key's first open job. */
  boolean serial() {
    return keyed != null && keyed.isSerial();
  }

  /** The parameters of {@code ClaimJobsKeyedFrom}: those of {@link #params} for a keyed queue, and the floors. */
  Tuple keyedParamsFrom(String queue, String[] tasks, int batch, String owner, double leaseMs, KeyFrontier floors) {
    return keyedLimits(queue, tasks, batch, owner, leaseMs)
        .addValue(keyed.getKeyWeights().keySet().toArray(String[]::new))
        .addValue(keyed.getKeyWeights().values().toArray(Integer[]::new))
        .addValue(recheckMs).addValue(floors.priorities()).addValue(floors.keys()).addValue(floors.keyFloors())
        .addValue(floors.bucketFloors()).addValue(floors.marginMs())
        .addValue(keyed.isSerial()).addValue(keyed.isSerialHoldOnRetry()).addValue(floors.keyIdFloors());
  }

  /** The first parameters of both keyed claims: the claim's, then the queue's and its keys' limits. */
  private Tuple keyedLimits(String queue, String[] tasks, int batch, String owner, double leaseMs) {
    RateLimit rate = keyed.getKeyRateLimit();
    return Tuple.tuple().addValue(queue).addValue(tasks).addValue(batch).addValue(owner).addValue(leaseMs)
        .addValue(keyed.getGlobalConcurrency()).addValue(keyed.getKeyConcurrency())
        .addValue(rate == null ? null : rate.count()).addValue(rate == null ? null : (double) rate.per().toMillis());
  }
}
