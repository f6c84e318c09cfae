package dev.spool.impl.maintenance;

import dev.spool.RetentionOptions;
import dev.spool.impl.Service;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs on the leader only: every prune interval, deletes finished jobs past their retention window
 * (completed, dead, cancelled, each by its own window; a state kept forever is left alone; of the kept completed
 * jobs in {@code jobs_done}, each by its own window too, only those of the partitions the {@link DonePartitioner}
 * does not drop whole yet), in DELETEs of
 * at most {@code pruneBatch} rows and at most {@code maxBatchesPerPass} of them per state, so a pass holds
 * few locks and a large backlog is worked off over several passes. Ages are measured on the database's
 * clock ({@code finished_at} against {@code now()}), the one that wrote them.
 */
public final class Pruner implements Service {

  private static final System.Logger LOG = System.getLogger(Pruner.class.getName());

  /** A prune statement: its window, and the parameters after its window and batch (PruneDone's). */
  private record Target(String state, String sql, double keepMs, List<Object> more) {}

  private final Ticker ticker;
  private final SqlClient client;
  private final RetentionOptions options;
  private final List<Target> targets = new ArrayList<>();
  private boolean running;
  private long pruned;

  public Pruner(Vertx vertx, SqlClient client, Queries queries, RetentionOptions options) {
    this.ticker = new Ticker(vertx);
    this.client = client;
    this.options = new RetentionOptions(options);
    // completed jobs kept for their result or as workflow steps go by the results window; others (kept
    // because completed jobs are, or because they were awaited) by the completed window
    add("completed", queries.get("PruneCompleted"), keptWindow(this.options));
    add("results", queries.get("PruneResults"), resultsWindow(this.options));
    // the same jobs kept in jobs_done (V017, V018), each by its own window too, in the partitions the
    // DonePartitioner does not drop whole yet (each statement reads the other window to know which)
    addDone("kept completed", queries.get("PruneDone"), false);
    addDone("kept results", queries.get("PruneDone"), true);
    add("dead", queries.get("PruneDead"), this.options.getDead());
    add("cancelled", queries.get("PruneCancelled"), this.options.getCancelled());
    // events exist only while history is on; with it off this finds nothing, cheaply, through the index on at
    add("history events", queries.get("PruneJobEvents"), this.options.getHistory());
    if (hasWork()) {
      // edges whose child is gone (no window: an edge is useless once its child was pruned)
      add("dependency edges", queries.get("PruneDeps"), Duration.ZERO);
    }
  }

  /**
   * How long a completed job without a result, dependents or workflow is kept (in {@code jobs_done}, or in
   * {@code jobs} when a runtime of an older schema or a missing partition left it there): the completed window when
   * completed jobs are kept, else the results window (the job was kept because it was awaited); null when kept for
   * ever.
   */
  public static Duration keptWindow(RetentionOptions options) {
    return options.keepsCompleted() ? options.getCompleted() : options.getResults();
  }

  /**
   * How long a completed job with a result (or dependents, or an awaiter) or a workflow is kept, in {@code jobs} or in
   * {@code jobs_done}: the results window, and no less than the completed window when completed jobs are kept (a
   * job kept by both goes when past both); null when either keeps them for ever. Never shorter than
   * {@link #keptWindow}: a partition of {@code jobs_done} that holds such jobs is dropped past this window.
   */
  public static Duration resultsWindow(RetentionOptions options) {
    Duration results = options.getResults();
    if (!options.keepsCompleted()) {
      return results;
    }
    Duration completed = options.getCompleted();
    if (completed == null || results == null) {
      return null;
    }
    return completed.compareTo(results) >= 0 ? completed : results;
  }

  private void add(String state, String sql, Duration keep) {
    if (keep != null) {
      targets.add(new Target(state, sql, keep.toMillis(), List.of()));
    }
  }

  /** PruneDone of the rows with a result (or a workflow), or of the others: each by its window, reading both. */
  private void addDone(String state, String sql, boolean withResults) {
    Duration kept = keptWindow(options);
    Duration results = resultsWindow(options);
    Duration keep = withResults ? results : kept;
    if (keep != null) {
      // kept is never null here: it is null only when completed jobs are kept for ever, and results then too
      targets.add(new Target(state, sql, keep.toMillis(), java.util.Arrays.asList(
          (double) kept.toMillis(), results == null ? null : (double) results.toMillis(), withResults)));
    }
  }

  /** True when some state is ever pruned (otherwise starting does nothing). */
  public boolean hasWork() {
    return !targets.isEmpty();
  }

  @Override
  public Future<Void> start() {
    if (hasWork()) {
      ticker.start(options.getPruneInterval().toMillis(), this::runOnce);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    return ticker.stop();
  }

  /** Rows (jobs and history events) deleted by this pruner so far. */
  public long pruned() {
    return pruned;
  }

  /** One pass over every state; completes with the jobs deleted. Passes never overlap. */
  public Future<Integer> runOnce() {
    if (running) {
      return Future.succeededFuture(0);
    }
    running = true;
    Future<Integer> chain = Future.succeededFuture(0);
    for (Target target : targets) {
      chain = chain.compose(sofar -> prune(target, 0).map(n -> sofar + n));
    }
    return chain.onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.log(System.Logger.Level.WARNING, "prune pass failed: {0}", ar.cause().toString());
      } else {
        pruned += ar.result();
      }
    });
  }

  private Future<Integer> prune(Target target, int batches) {
    int batch = options.getPruneBatch();
    Tuple params = Tuple.of(target.keepMs(), batch);
    target.more().forEach(params::addValue);
    return client.preparedQuery(target.sql()).execute(params).compose(rows -> {
      int n = rows.rowCount();
      if (n == batch && batches + 1 < options.getMaxBatchesPerPass()) {
        return prune(target, batches + 1).map(more -> n + more);
      }
      return Future.succeededFuture(n);
    });
  }
}
