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

  /** Jobs claimed from the database. */
  long claimed();

  /** Runs whose handler snoozed its job ({@link Snooze}). */
  long snoozed();

  /** Runs that succeeded (outcomes decided; written shortly after). */
  long completed();

  /** Runs that failed and were re-deferred. */
  long retried();

  /** Runs after which the job went to {@code dead}. */
  long dead();

  /** Prefetched jobs handed back unstarted. */
  long released();

  /**
   * Outcomes that changed nothing because the run was no longer the job's current one (rescued and
   * handed to another worker, or cancelled) — the acks that "cannot overwrite".
   */
  long lateAcks();

  /** Jobs the rescuer (on this node, while leader) took back from dead workers or expired leases. */
  long rescued();

  /** Runs that passed their soft time limit. */
  long softTimeouts();

  /**
   * Runs whose job carried a traceparent (see docs/operations/tracing.md) that could not be read: they ran without a
   * parent span. Counted in this JVM, across its Spools; 0 without OpenTelemetry's API.
   */
  default long malformedTraceparents() {
    return 0;
  }

  /**
   * The runs of this node's workers that are stuck now (see {@link StuckRun}), longest past its limit
   * first.
   */
  List<StuckRun> stuckRuns();

  /** The totals as JSON, for logs and the admin API, with the count of stuck runs. */
  default JsonObject toJson() {
    return new JsonObject().put("claimed", claimed()).put("completed", completed()).put("retried", retried())
        .put("dead", dead()).put("released", released()).put("lateAcks", lateAcks()).put("rescued", rescued())
        .put("softTimeouts", softTimeouts()).put("stuckHandlers", stuckRuns().size())
        .put("malformedTraceparents", malformedTraceparents());
  }

  /** The stuck runs as a JSON array of {@link StuckRun#toJson()}. */
  default JsonArray stuckRunsJson() {
    JsonArray out = new JsonArray();
    stuckRuns().forEach(r -> out.add(r.toJson()));
    return out;
  }
}
