package dev.spool.admin;

import dev.spool.Job;
import dev.spool.JobEvent;
import dev.spool.JobExplanation;
import dev.spool.Unserved;
import dev.spool.WorkerStatus;
import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.QueueKeys;
import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.WorkflowStatus;
import dev.spool.QueueActivity;
import dev.spool.QueueSummary;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the admin API and the CLI's {@code --json}: snake_case, times in ISO-8601 UTC. */
public final class JobJson {

  /** In listings, arguments larger than this are left out (their size is always given). */
  public static final int LIST_ARGS_LIMIT = 4096;

  private JobJson() {}

  /**
   * A job in full: arguments as JSON when they are JSON, else base64.
   *
   * @param job the job
   * @return the job as the admin API shows it
   */
  public static JsonObject job(Job job) {
    return job(job, Integer.MAX_VALUE);
  }

  /**
   * A job with its arguments when they are at most {@code argsLimit} bytes.
   *
   * @param job the job
   * @param argsLimit the largest arguments shown, in bytes
   * @return the job as the admin API shows it
   */
  public static JsonObject job(Job job, int argsLimit) {
    JsonObject json = new JsonObject()
        .put("id", job.id())
        .put("queue", job.queue())
        .put("task", job.task())
        .put("state", reportedState(job).sqlName())
        .put("priority", job.priority())
        .put("attempt", job.attempt())
        .put("max_attempts", job.maxAttempts())
        .put("run_at", time(job.runAt()))
        .put("created_at", time(job.createdAt()))
        .put("attempted_at", time(job.attemptedAt()))
        .put("finished_at", time(job.finishedAt()))
        .put("cancel_requested_at", time(job.cancelRequestedAt()))
        .put("timeout_ms", job.timeoutMs())
        .put("soft_timeout_ms", job.softTimeoutMs())
        .put("lease_owner", job.leaseOwner())
        .put("lease_expires_at", time(job.leaseExpiresAt()))
        .put("unique_key", job.uniqueKey())
        .put("key", job.key())
        .put("last_error", job.lastError())
        .put("args_bytes", job.args().length);
    if (job.args().length <= argsLimit) {
      putArgs(json, job.args());
    }
    return json;
  }

  /**
   * Jobs as a listing shows them: each as {@link #job(Job, int)} with arguments up to {@link #LIST_ARGS_LIMIT} bytes.
   *
   * @param jobs the jobs
   * @return the jobs as a JSON array
   */
  public static JsonArray jobs(List<Job> jobs) {
    JsonArray array = new JsonArray();
    jobs.forEach(job -> array.add(job(job, LIST_ARGS_LIMIT)));
    return array;
  }

  /**
   * Available jobs due later are reported as scheduled, as everywhere else.
   *
   * @param job the job
   * @return its state as reported
   */
  public static JobState reportedState(Job job) {
    return job.state() == JobState.AVAILABLE && job.runAt() != null && job.runAt().isAfter(Instant.now())
        ? JobState.SCHEDULED : job.state();
  }

  /**
   * One history event: {@code {from, to, attempt, error, at}}.
   *
   * @param event the event
   * @return the event as JSON
   */
  public static JsonObject event(JobEvent event) {
    return new JsonObject().put("from", event.fromState()).put("to", event.toState()).put("attempt", event.attempt())
        .put("error", event.error()).put("at", time(event.at()));
  }

  /**
   * History events, each as {@link #event(JobEvent)}.
   *
   * @param events the events
   * @return the events as a JSON array
   */
  public static JsonArray events(List<JobEvent> events) {
    JsonArray array = new JsonArray();
    events.forEach(e -> array.add(event(e)));
    return array;
  }

  /**
   * Jobs per state, every state present (0 when none).
   *
   * @param counts counts by state
   * @return the counts by state name
   */
  public static JsonObject counts(Map<JobState, Long> counts) {
    JsonObject json = new JsonObject();
    for (JobState state : JobState.values()) {
      json.put(state.sqlName(), counts.getOrDefault(state, 0L));
    }
    return json;
  }

  /**
   * A queue: {@code {name, paused, paused_at, counts, oldest_available_seconds}}.
   *
   * @param queue the queue's summary
   * @return the queue as JSON
   */
  public static JsonObject queue(QueueSummary queue) {
    return new JsonObject().put("name", queue.name()).put("paused", queue.paused())
        .put("paused_at", time(queue.pausedAt())).put("counts", counts(queue.counts()))
        .put("oldest_available_seconds", queue.oldestAvailableSeconds() == null ? null
            : Math.round(queue.oldestAvailableSeconds() * 10) / 10.0);
  }

  /**
   * Queues, each as {@link #queue(QueueSummary)}.
   *
   * @param queues the queues' summaries
   * @return the queues as a JSON array
   */
  public static JsonArray queues(List<QueueSummary> queues) {
    JsonArray array = new JsonArray();
    queues.forEach(q -> array.add(queue(q)));
    return array;
  }

  /**
   * A queue as the dashboard shows it; counts equal to the limit mean "at least".
   *
   * @param queues the queues' activity
   * @return the queues as a JSON array
   */
  public static JsonArray activity(List<QueueActivity> queues) {
    JsonArray array = new JsonArray();
    for (QueueActivity q : queues) {
      array.add(new JsonObject().put("name", q.name()).put("paused", q.paused()).put("paused_at", time(q.pausedAt()))
          .put("available", q.available()).put("scheduled", q.scheduled()).put("running", q.running())
          .put("dead", q.dead())
          .put("next_wait_seconds", q.nextWaitSeconds() == null ? null : Math.round(q.nextWaitSeconds() * 10) / 10.0)
          .put("workers", q.workers()).put("finished_per_s", q.finishedPerSecond())
          .put("failed_per_s", q.failedPerSecond()).put("lag_ms_avg", q.lagMillisAvg()).put("lag_ms_max", q.lagMillisMax()));
    }
    return array;
  }

  /**
   * Why a job is not running: {@code {id, state, at, reasons: [{code, message, figures}]}}, codes in snake_case.
   *
   * @param explanation the explanation
   * @return the explanation as JSON
   */
  public static JsonObject explanation(JobExplanation explanation) {
    JsonArray reasons = new JsonArray();
    for (JobExplanation.Reason r : explanation.reasons()) {
      reasons.add(new JsonObject().put("code", r.code().name().toLowerCase(java.util.Locale.ROOT))
          .put("message", r.message()).put("figures", r.figures()));
    }
    return new JsonObject().put("id", explanation.id()).put("state", explanation.state().sqlName())
        .put("at", time(explanation.at())).put("reasons", reasons);
  }

  /**
   * Due jobs no live worker can claim: {@code [{queue, task, queue_served, jobs, message}]}.
   *
   * @param unserved the unserved tasks
   * @return them as a JSON array
   */
  public static JsonArray unserved(List<Unserved> unserved) {
    JsonArray array = new JsonArray();
    unserved.forEach(u -> array.add(new JsonObject().put("queue", u.queue()).put("task", u.task())
        .put("queue_served", u.queueServed()).put("jobs", u.jobs()).put("message", u.message())));
    return array;
  }

  /**
   * Registered workers: {@code [{id, queues, tasks, started_at, heartbeat_at, heartbeat_age_seconds, active,
   * reserved, running_ids, leader}]}; active jobs run their handler, reserved ones wait in the prefetch buffer.
   *
   * @param workers the workers
   * @param now the instant heartbeat ages are measured to
   * @return the workers as a JSON array
   */
  public static JsonArray workers(List<WorkerStatus> workers, Instant now) {
    JsonArray array = new JsonArray();
    for (WorkerStatus w : workers) {
      array.add(new JsonObject().put("id", w.id()).put("queues", new JsonArray(w.queues()))
          .put("tasks", w.tasks() == null ? null : new JsonArray(w.tasks()))
          .put("started_at", String.valueOf(w.startedAt())).put("heartbeat_at", String.valueOf(w.heartbeatAt()))
          .put("heartbeat_age_seconds", Math.round(java.time.Duration.between(w.heartbeatAt(), now).toMillis() / 100.0) / 10.0)
          .put("active", w.active()).put("reserved", w.reserved()).put("running_ids", new JsonArray(w.runningIds()))
          .put("leader", w.leader()));
    }
    return array;
  }

  /** The step {@link dev.spool.Workflow#chord} names its callback: the workflow views show it apart. */
  public static final String CALLBACK_STEP = "callback";

  /**
   * A workflow with each step's {@code children} (its dependents among the stored steps) and {@code result}
   * (from {@code results}, null for a step without one), and {@code callback}: the id of its callback step,
   * or null when it has none.
   *
   * @param workflow the workflow's status
   * @param results its steps' results
   * @return the workflow as JSON
   */
  public static JsonObject workflow(WorkflowStatus workflow, List<JobResult> results) {
    Map<Long, List<Long>> children = new java.util.HashMap<>();
    for (WorkflowStatus.StepStatus step : workflow.steps()) {
      step.parents().forEach(parent -> children.computeIfAbsent(parent, p -> new java.util.ArrayList<>()).add(step.id()));
    }
    Map<Long, JobResult> byId = new java.util.HashMap<>();
    results.forEach(r -> byId.put(r.id(), r));
    JsonObject json = workflow.toJson();
    Long callback = null;
    for (Object s : json.getJsonArray("steps")) {
      JsonObject step = (JsonObject) s;
      long id = step.getLong("id");
      step.put("children", new JsonArray(children.getOrDefault(id, List.of())));
      JobResult result = byId.get(id);
      JobResult.putResult(step, result == null ? null : result.bytes());
      if (CALLBACK_STEP.equals(step.getString("step"))) {
        callback = id;
      }
    }
    return json.put("callback", callback);
  }

  /**
   * The keys of a keyed queue: {@code {queue, keys_with_work, limits, busiest: [{key, available, running,
   * recent_starts, oldest_wait_seconds, weight}]}}. {@code limits} ({@code fair, serial, key_concurrency,
   * key_rate_limit: {count, per_ms}, key_weights}) and each {@code weight} are this node's settings of the
   * queue, null when it has none: the database does not keep them.
   *
   * @param keys the queue's keys
   * @param settings the queue's settings on this node, or null
   * @return the keys as JSON
   */
  public static JsonObject keys(QueueKeys keys, QueueOptions settings) {
    Map<String, Integer> weights = settings == null ? Map.of() : settings.getKeyWeights();
    JsonArray busiest = new JsonArray();
    for (QueueKeys.Key k : keys.busiest()) {
      busiest.add(new JsonObject().put("key", k.key()).put("available", k.available()).put("running", k.running())
          .put("recent_starts", k.recentStarts())
          .put("oldest_wait_seconds", k.oldestWait() == null ? null : k.oldestWait().toMillis() / 1000.0)
          .put("weight", settings == null ? null : weights.getOrDefault(k.key(), 1)));
    }
    JsonObject limits = null;
    if (settings != null) {
      RateLimit rate = settings.getKeyRateLimit();
      limits = new JsonObject().put("fair", settings.isFair()).put("serial", settings.isSerial())
          .put("key_concurrency", settings.getKeyConcurrency())
          .put("key_rate_limit", rate == null ? null : new JsonObject().put("count", rate.count()).put("per_ms", rate.per().toMillis()))
          .put("key_weights", new JsonObject(new java.util.TreeMap<String, Object>(weights)));
    }
    return new JsonObject().put("queue", keys.queue()).put("keys_with_work", keys.keysWithWork()).put("limits", limits)
        .put("busiest", busiest);
  }

  /**
   * Jobs per state over all queues.
   *
   * @param queues the queues' summaries
   * @return the counts by state name
   */
  public static JsonObject totals(Collection<QueueSummary> queues) {
    Map<JobState, Long> totals = new EnumMap<>(JobState.class);
    queues.forEach(q -> q.counts().forEach((state, n) -> totals.merge(state, n, Long::sum)));
    return counts(totals);
  }

  private static void putArgs(JsonObject json, byte[] args) {
    try {
      json.put("args", Json.decodeValue(Buffer.buffer(args)));
    } catch (DecodeException e) {
      json.put("args_base64", Base64.getEncoder().encodeToString(args));
    }
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
