package dev.spool.loadtest;

import static dev.spool.loadtest.Blocking.await;

import dev.spool.EnqueueOptions;
import dev.spool.JobRequest;
import dev.spool.Spool;
import dev.spool.Workflow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@code chaos --workflows}: what is enqueued instead of plain jobs (many small chords and chains of the
 * recording task, so kills land between parents and children) and what is checked at the end: every
 * workflow completed, no step started before its parents completed, no callback ran twice, nothing lost.
 */
final class ChaosWorkflows {

  /** Workflow statements in flight at once while enqueueing. */
  static final int ENQUEUE_IN_FLIGHT = 50;

  private ChaosWorkflows() {}

  /** Steps of one chord and one chain: a pair of workflows. */
  static int stepsPerPair(ChaosCommand settings) {
    return settings.chordSize + 1 + settings.chainLength;
  }

  /** Enqueues pairs (a chord, a chain) until about {@code settings.jobs} steps; returns how many steps. */
  static int enqueue(Spool spool, ChaosCommand settings) {
    int pairs = Math.max(1, settings.jobs / stepsPerPair(settings));
    JsonObject args = new JsonObject().put("ms", settings.jobMs);
    List<Future<?>> inFlight = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      inFlight.add(spool.client().enqueueWorkflow(Workflow.chord("chord-" + i, requests(settings.chordSize, args),
          new JobRequest<>(ChaosWorker.RECORD, args, new EnqueueOptions()))));
      inFlight.add(spool.client().enqueueWorkflow(Workflow.chain("chain-" + i, requests(settings.chainLength, args))));
      if (inFlight.size() >= ENQUEUE_IN_FLIGHT) {
        await(Future.all(inFlight));
        inFlight.clear();
      }
    }
    await(Future.all(inFlight));
    return pairs * stepsPerPair(settings);
  }

  private static List<JobRequest<?>> requests(int n, JsonObject args) {
    List<JobRequest<?>> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(new JobRequest<>(ChaosWorker.RECORD, args, new EnqueueOptions()));
    }
    return jobs;
  }

  /** The fields of the JSON line, from the run log and the kept rows; {@code held}: every id a killed worker held. */
  static JsonObject outcome(Spool spool, Checks checks, Collection<Long> held) {
    Row row = await(spool.pool().preparedQuery(checks.sql("ChaosWorkflowOutcome"))
        .execute(Tuple.of((Object) held.toArray(Long[]::new)))).iterator().next();
    return new JsonObject()
        .put("workflows", row.getLong("workflows"))
        .put("workflows_completed", row.getLong("workflows_completed"))
        .put("jobs", row.getLong("steps"))
        .put("lost", row.getLong("lost"))
        .put("duplicates", row.getLong("duplicates"))
        .put("steps_before_parents", row.getLong("steps_before_parents"))
        .put("callbacks_run_more_than_once", row.getLong("callbacks_run_more_than_once"))
        .put("callbacks_run_more_than_once_unexplained", row.getLong("callbacks_run_more_than_once_unexplained"));
  }
}
