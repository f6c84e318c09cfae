package dev.spool;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Running totals of what this Spool's workers did since it was built, shared by all its worker
 * verticles ({@link Spool#stats()}). Cheap enough for the hot path (one striped add per event); read for
 * tests, logs and metrics.
 */
public interface SpoolStats {

  /**
   * Jobs claimed from the database.
   *
   * @return the count since the Spool was built
   */
  long claimed();

  /**
   * Runs whose handler snoozed its job ({@link Snooze}).
   *
   * @return the count since the Spool was built
   */
  long snoozed();

  /**
   * Runs that succeeded (outcomes decided; written shortly after).
   *
   * @return the count since the Spool was built
   */
  long completed();

  /**
   * Runs that failed and were re-deferred.
   *
   * @return the count since the Spool was built
   */
  long retried();

  /**
   * Runs after which the job went to {@code dead}.
   *
   * @return the count since the Spool was built
   */
  long dead();

  /**
   * Prefetched jobs handed back unstarted.
   *
   * @return the count since the Spool was built
   */
  long released();

  /**
   * Outcomes that changed nothing because the run was no longer the job's current one (rescued and
   * handed to another worker, or cancelled) — the acks that "cannot overwrite".
   *
   * @return the count since the Spool was built
   */
  long lateAcks();

  /**
   * Jobs the rescuer (on this node, while leader) took back from dead workers or expired leases.
   *
   * @return the count since the Spool was built
   */
  long rescued();

  /**
   * Runs that passed their soft time limit.
   *
   * @return the count since the Spool was built
   */
  long softTimeouts();

  /**
   * Claims that read their queue from per-priority floors past the jobs already claimed, rather than from the
   * queue's head: most plain claims, once a worker's first head scan has landed. While a long transaction
   * holds back vacuum, only these stay cheap (docs/operations/vacuum-horizon.md).
   *
   * @return the count since the Spool was built
   */
  default long claimsFromFloors() {
    return 0;
  }

  /**
   * Head scans: reads of a queue from its head, beside the claims, that find the jobs below the floors and
   * set them.
   *
   * @return the count since the Spool was built
   */
  default long headScans() {
    return 0;
  }

  /**
   * Runs whose job carried a traceparent (see docs/operations/tracing.md) that could not be read: they ran without a
   * parent span. Counted in this JVM, across its Spools; 0 without OpenTelemetry's API.
   *
   * @return the count in this JVM
   */
  default long malformedTraceparents() {
    return 0;
  }

  /**
   * The runs of this node's workers that are stuck now (see {@link StuckRun}), longest past its limit
   * first.
   *
   * @return the stuck runs, possibly none
   */
  List<StuckRun> stuckRuns();

  /**
   * The totals as JSON, for logs and the admin API, with the count of stuck runs.
   *
   * @return the counters and {@code stuck_runs}
   */
  default JsonObject toJson() {
    return new JsonObject().put("claimed", claimed()).put("completed", completed()).put("retried", retried())
        .put("dead", dead()).put("released", released()).put("lateAcks", lateAcks()).put("rescued", rescued())
        .put("softTimeouts", softTimeouts()).put("stuckHandlers", stuckRuns().size())
        .put("malformedTraceparents", malformedTraceparents());
  }

  /**
   * The stuck runs as a JSON array of {@link StuckRun#toJson()}.
   *
   * @return the stuck runs as JSON
   */
  default JsonArray stuckRunsJson() {
    JsonArray out = new JsonArray();
    stuckRuns().forEach(r -> out.add(r.toJson()));
    return out;
  }
}
