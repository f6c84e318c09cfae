package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.JobRequest;
import dev.spool.JobState;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The runs behind {@link WorkflowCommand}. Each phase has a fresh schema and fresh workers, and its clock
 * starts when the workers are deployed, like {@link Drain}: the workflow is enqueued (one statement)
 * before, and timed apart. Completed rows are kept in every phase, so the parents' acks can be read back
 * from the table and the plain drain pays for keeping its rows too.
 */
final class WorkflowBench {

  /** Every step but the callback; its handler only counts. */
  static final Task<JsonObject> STEP = Task.json("loadtest.step");
  /** The chord's callback: reads its parents' tally, as a real callback would, and counts. */
  static final Task<JsonObject> CALLBACK = Task.json("loadtest.callback");

  /** What a workflow phase measured. */
  private record Phase(double enqueueSeconds, double seconds, long lost, long duplicates, boolean timedOut,
      long callbackSawCompleted, Double callbackLagMs) {}

  private final WorkflowCommand settings;
  private final Progress progress;

  WorkflowBench(WorkflowCommand settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /** The plain drain of N jobs (after the warm-up), then the chord of N parents and its callback. */
  JsonObject fanIn(String uri) throws InterruptedException {
    int n = settings.size();
    progress.line("plain drain of %,d jobs first, for the ratio", n);
    JsonObject plain = new Drain(settings.plainDrain(uri, n, settings.warmupJobs), progress).run(uri);
    List<JobRequest<?>> parents = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      parents.add(new JobRequest<>(STEP, new JsonObject().put("i", i), new EnqueueOptions()));
    }
    Workflow chord = Workflow.chord("fan-in", parents,
        new JobRequest<>(CALLBACK, new JsonObject(), new EnqueueOptions()));
    Phase phase = run(uri, chord, "callback", n + 1);

    long jobsPerS = Math.round((n + 1) / phase.seconds());
    double ratio = jobsPerS / (double) plain.getLong("drain_jobs_per_s");
    double plainWithEnqueue = n / (n / (double) plain.getLong("enqueue_jobs_per_s") + plain.getDouble("drain_seconds"));
    double withEnqueue = (n + 1) / (phase.enqueueSeconds() + phase.seconds());
    JsonObject result = new JsonObject()
        .put("command", "workflow")
        .put("shape", "fan-in")
        .put("parents", n)
        .put("jobs", n + 1)
        .put("jobs_per_s", jobsPerS)
        .put("seconds", round3(phase.seconds()))
        .put("callback_after_last_ack_ms", phase.callbackLagMs() == null ? null : round3(phase.callbackLagMs()))
        .put("plain_jobs_per_s", plain.getLong("drain_jobs_per_s"))
        .put("ratio_to_plain", round3(ratio))
        .put("enqueue_s", round3(phase.enqueueSeconds()))
        .put("plain_enqueue_jobs_per_s", plain.getLong("enqueue_jobs_per_s"))
        .put("ratio_to_plain_with_enqueue", round3(withEnqueue / plainWithEnqueue))
        .put("callback_saw_completed", phase.callbackSawCompleted())
        .put("target_met", phase.callbackLagMs() != null && phase.callbackLagMs() <= WorkflowCommand.CALLBACK_LAG_TARGET_MS
            && ratio >= WorkflowCommand.RATIO_TARGET)
        .put("lost", phase.lost() + plain.getLong("lost"))
        .put("duplicates", phase.duplicates() + plain.getLong("duplicates"))
        .put("timed_out", phase.timedOut() || plain.getBoolean("timed_out"))
        .put("warmup_jobs", settings.warmupJobs);
    settings.workers.toJson().forEach(e -> result.put(e.getKey(), e.getValue()));
    progress.line("%s", result.encode());
    return result;
  }

  /** A chain of N steps (after an unreported plain drain to warm up). */
  JsonObject chain(String uri) throws InterruptedException {
    int n = settings.size();
    if (settings.warmupJobs > 0) {
      progress.line("warm-up: %,d plain jobs, not reported", settings.warmupJobs);
      new Drain(settings.plainDrain(uri, settings.warmupJobs, 0), progress).run(uri);
    }
    List<JobRequest<?>> steps = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      steps.add(new JobRequest<>(STEP, new JsonObject().put("i", i), new EnqueueOptions()));
    }
    Phase phase = run(uri, Workflow.chain("chain", steps), String.valueOf(n), n);
    double stepsPerS = n / phase.seconds();
    JsonObject result = new JsonObject()
        .put("command", "workflow")
        .put("shape", "chain")
        .put("steps", n)
        .put("steps_per_s", Math.round(stepsPerS))
        .put("seconds", round3(phase.seconds()))
        .put("ms_per_step", round3(phase.seconds() * 1000 / n))
        .put("enqueue_s", round3(phase.enqueueSeconds()))
        .put("target_met", stepsPerS >= WorkflowCommand.CHAIN_STEPS_PER_S_TARGET)
        .put("lost", phase.lost())
        .put("duplicates", phase.duplicates())
        .put("timed_out", phase.timedOut())
        .put("warmup_jobs", settings.warmupJobs);
    settings.workers.toJson().forEach(e -> result.put(e.getKey(), e.getValue()));
    progress.line("%s", result.encode());
    return result;
  }

  private Phase run(String uri, Workflow workflow, String lastStep, int jobs) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    try {
      Spool spool = Spool.builder(vertx).connectingTo(uri)
          .options(new SpoolOptions().setSchema(settings.schema).setKeepCompleted(true)).build();
      try {
        return run(spool, workflow, lastStep, jobs);
      } finally {
        Blocking.await(spool.close());
      }
    } finally {
      Blocking.await(vertx.close());
    }
  }

  private Phase run(Spool spool, Workflow workflow, String lastStep, int jobs) throws InterruptedException {
    Checks checks = new Checks(spool);
    Blocking.await(checks.resetSchema());
    progress.line("schema %s ready; enqueueing workflow %s of %,d steps", settings.schema, workflow.name(), jobs);
    long enqueueStart = System.nanoTime();
    WorkflowRun run = Blocking.await(spool.client().enqueueWorkflow(workflow));
    double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
    progress.line("enqueued in %.2f s; running with %s", enqueueSeconds, settings.workers.describe());

    Ledger ledger = new Ledger(run.steps().values().stream().mapToLong(Long::longValue).toArray());
    AtomicLong sawCompleted = new AtomicLong(-1);
    JobHandlers handlers = new JobHandlers()
        .register(STEP, (args, ctx) -> {
          ledger.executed(ctx.id());
          return Future.succeededFuture();
        })
        .register(CALLBACK, (args, ctx) -> {
          ledger.executed(ctx.id());
          return ctx.parentStates().map(states -> {
            sawCompleted.set(states.getOrDefault(JobState.COMPLETED, 0L));
            return null;
          });
        });
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(settings.timeoutSeconds);
    Future<String> deployment = spool.deployWorkers(settings.workers.toWorkerOptions(), handlers, settings.workers.workers);
    boolean timedOut = !awaitExecuted(ledger, deployment, start, deadline);
    long[] counts = Blocking.await(checks.countJobs());
    while (!timedOut && counts[0] > 0 && System.nanoTime() < deadline) {
      Blocking.sleep(Drain.ACK_POLL_MS);
      counts = Blocking.await(checks.countJobs());
    }
    timedOut |= counts[0] > 0;
    double seconds = (System.nanoTime() - start) / 1e9;
    if (deployment.succeeded()) {
      Blocking.await(spool.vertx().undeploy(deployment.result()));
    }
    Double lagMs = null;
    if (lastStep.equals("callback") && !timedOut) {
      Number lag = (Number) Blocking.await(spool.pool().preparedQuery(checks.sql("CallbackLag"))
          .execute(Tuple.of(run.id(), run.id("callback")))).iterator().next().getValue("lag_ms");
      lagMs = lag == null ? null : lag.doubleValue();
    }
    long lost = ledger.lost(Blocking.await(checks.openJobIds()));
    progress.line("%,d steps in %.2f s: %,.0f steps/s; lost %d, duplicates %d%s", jobs, seconds, jobs / seconds, lost,
        ledger.duplicates(), lagMs == null ? "" : String.format("; callback %.1f ms after the last ack", lagMs));
    return new Phase(enqueueSeconds, seconds, lost, ledger.duplicates(), timedOut, sawCompleted.get(), lagMs);
  }

  /** Waits for every step to have run once, with a progress line a second; false on timeout. */
  private boolean awaitExecuted(Ledger ledger, Future<String> deployment, long start, long deadline)
      throws InterruptedException {
    long last = 0;
    long lastNanos = start;
    while (!ledger.awaitAllExecuted(Drain.PROGRESS_INTERVAL_MS)) {
      if (deployment.failed()) {
        throw new IllegalStateException("could not deploy the workers: " + deployment.cause(), deployment.cause());
      }
      long now = System.nanoTime();
      long executed = ledger.executedCount();
      progress.line("%,10d of %,d run  %,9.0f steps/s", executed, ledger.expectedCount(),
          (executed - last) / ((now - lastNanos) / 1e9));
      last = executed;
      lastNanos = now;
      if (now > deadline) {
        return false;
      }
    }
    return true;
  }

  static double round3(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
