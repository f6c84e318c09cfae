package dev.spool.admin.impl;

import dev.spool.admin.JobJson;
import dev.spool.BulkFilter;
import dev.spool.Job;
import dev.spool.JobAdmin;
import dev.spool.JobQuery;
import dev.spool.JobState;
import dev.spool.QueueActivity;
import dev.spool.QueueSummary;
import dev.spool.Spool;
import dev.spool.Unserved;
import dev.spool.WorkflowStatus;
import dev.spool.admin.AdminOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The routes of the admin API. Every answer is JSON but {@code /metrics}; every refusal is
 * {@code {"error": "...", "status": N}}: 400 for bad input, 401 without the token, 404 for an unknown id
 * or route, 405 for a wrong method, 409 when the job's state does not allow the action. A 500 means a
 * fault in Spool or the database, never a caller's mistake.
 */
public final class AdminRoutes {

  private static final System.Logger LOG = System.getLogger(AdminRoutes.class.getName());
  private static final String JSON = "application/json; charset=utf-8";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final Set<String> JOB_FILTERS = Set.of("state", "queue", "task", "key", "limit", "before", "depth");
  private static final Set<String> DEAD_FILTERS = Set.of("queue", "task", "limit", "before", "depth");
  /** Workers that heartbeated this recently count as live on the dashboard. */
  private static final Duration LIVE_WITHIN = Duration.ofSeconds(5);
  private static final Set<String> BULK_FILTERS = Set.of("queue", "task", "all");
  private static final Set<String> PENDING_FILTERS = Set.of("queue", "task", "state", "created_before", "all", "dry_run");
  private static final Set<String> MOVE_FILTERS = Set.of("queue", "task", "state", "created_before", "all", "dry_run", "to");

  private final Spool spool;
  private final JobAdmin admin;
  private final PrometheusMeterRegistry prometheus;
  private final RateWindow rates;
  private final Readiness readiness;
  private final byte[] token;
  private final AdminOptions options;
  private final RequestGuard guard;

  /**
   * @param prometheus the registry {@code /metrics} scrapes, or null (then {@code /metrics} answers 404)
   */
  public AdminRoutes(Spool spool, JobAdmin admin, AdminOptions options, PrometheusMeterRegistry prometheus) {
    this.spool = spool;
    this.admin = admin;
    this.prometheus = prometheus;
    this.rates = new RateWindow(spool.stats(), options.getRateWindow().toNanos());
    this.readiness = new Readiness(spool, admin, options, rates);
    this.options = options;
    this.guard = new RequestGuard(options);
    this.token = options.getToken() == null ? null : ("Bearer " + options.getToken()).getBytes(StandardCharsets.UTF_8);
  }

  /** Answers a request Vert.x could not parse (too long a URI, broken HTTP) in the API's JSON shape. */
  public static void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
    RequestGuard.invalidRequest(request);
  }

  /** From now on {@code /ready} says this node is stopping (see {@code AdminVerticle#stopping}). */
  public void stopping() {
    readiness.stopping();
  }

  /** Samples this node's counters for the rates; the verticle calls it once a second. */
  public void sample() {
    rates.sample(System.nanoTime());
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(guard::handle);
    router.get("/health").handler(ctx -> send(ctx, 200, new JsonObject().put("status", "up")));
    if (options.isDashboard()) {
      // the page and its assets hold no data: they load without the token and ask for it on a 401
      DashboardAssets assets = new DashboardAssets();
      router.get("/").handler(ctx -> assets.serve(ctx, "index.html"));
      router.get("/assets/:name").handler(ctx -> assets.serve(ctx, ctx.pathParam("name")));
    }
    // the document holds no data and describes the token itself: clients read it before they have one
    ApiDocument document = new ApiDocument();
    router.get("/api/openapi.json").handler(document::serve);
    router.route().handler(this::authorize);
    router.get("/ready").handler(ctx -> respond(ctx, readiness.check().map(answer ->
        new Reply(answer.ready() ? 200 : 503, answer.toJson()))));
    router.get("/metrics").handler(this::metrics);
    router.get("/api/stats").handler(ctx -> respond(ctx, stats(ctx)));
    router.get("/api/dashboard").handler(ctx -> respond(ctx, dashboard(ctx)));
    router.get("/api/jobs").handler(ctx -> respond(ctx, listJobs(ctx)));
    router.post("/api/jobs/bulk/:action").handler(ctx -> respond(ctx, bulkPending(ctx, ctx.pathParam("action"), null)));
    router.post("/api/queues/:queue/purge").handler(ctx -> respond(ctx, bulkPending(ctx, "delete", ctx.pathParam("queue"))));
    router.get("/api/jobs/:id").handler(ctx -> respond(ctx, showJob(ctx)));
    router.get("/api/jobs/:id/explain").handler(ctx -> respond(ctx, id(ctx).compose(id -> admin.explain(id)
        .compose(found -> found.isEmpty() ? Future.failedFuture(notFound(id))
            : Future.succeededFuture(new Reply(200, JobJson.explanation(found.get())))))));
    router.delete("/api/jobs/:id").handler(ctx -> respond(ctx, cancelJob(ctx)));
    router.post("/api/jobs/:id/retry").handler(ctx -> respond(ctx, retryJob(ctx)));
    router.get("/api/workflows/:id").handler(ctx -> respond(ctx, workflowId(ctx).compose(this::showWorkflow)));
    router.delete("/api/workflows/:id").handler(ctx -> respond(ctx, workflowId(ctx).compose(id -> admin.cancelWorkflow(id)
        .map(n -> new Reply(200, new JsonObject().put("id", id).put("cancelled", n))))));
    router.get("/api/dead").handler(ctx -> respond(ctx, listDead(ctx)));
    router.post("/api/dead/retry").handler(ctx -> respond(ctx, bulk(ctx, false, admin::retryDead, "retried")));
    router.delete("/api/dead").handler(ctx -> respond(ctx, bulk(ctx, true, admin::purgeDead, "purged")));
    router.get("/api/queues").handler(ctx -> respond(ctx, noParams(ctx).compose(v -> admin.queues())
        .map(queues -> new Reply(200, new JsonObject().put("queues", JobJson.queues(queues))))));
    router.get("/api/workers").handler(ctx -> respond(ctx, noParams(ctx).compose(v -> admin.workers())
        .map(workers -> new Reply(200, new JsonObject().put("workers", JobJson.workers(workers, Instant.now()))))));
    router.get("/api/queues/:queue/keys").handler(ctx -> respond(ctx, queueKeys(ctx)));
    router.post("/api/queues/:queue/pause").handler(ctx -> respond(ctx, queueCommand(ctx, true)));
    router.post("/api/queues/:queue/resume").handler(ctx -> respond(ctx, queueCommand(ctx, false)));
    router.errorHandler(404, ctx -> error(ctx, 404, "no route " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, 405, "method " + ctx.request().method() + " not allowed on "
        + ctx.request().path()));
    // what vertx-web itself refuses (no or a malformed Host, an unreadable path) in the same shape
    for (int status : new int[] {400, 406, 413, 414, 415, 431, 501}) {
      router.errorHandler(status, ctx -> error(ctx, status, ctx.failure() != null && ctx.failure().getMessage() != null
          ? ctx.failure().getMessage() : "bad request (" + status + ")"));
    }
    router.errorHandler(500, ctx -> {
      LOG.log(System.Logger.Level.ERROR, "admin API: " + ctx.request().path(), ctx.failure());
      error(ctx, 500, "internal error: " + ctx.failure());
    });
    return router;
  }

  // ---- routes ----

  private void authorize(RoutingContext ctx) {
    if (token != null) {
      String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      if (header == null || !MessageDigest.isEqual(token, header.getBytes(StandardCharsets.UTF_8))) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        error(ctx, 401, header == null ? "this API needs Authorization: Bearer <token>" : "wrong token");
        return;
      }
    }
    ctx.next();
  }

  private void metrics(RoutingContext ctx) {
    if (prometheus == null) {
      error(ctx, 404, "metrics are not enabled on this node");
      return;
    }
    // a scrape of a few hundred series: short enough for the event loop
    ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(prometheus.scrape());
  }

  private Future<Reply> stats(RoutingContext ctx) {
    return noParams(ctx).compose(v -> admin.queues()).map(queues -> {
      JsonObject byQueue = new JsonObject();
      for (QueueSummary q : queues) {
        byQueue.put(q.name(), JobJson.counts(q.counts()).put("paused", q.paused())
            .put("oldest_available_seconds", JobJson.queue(q).getValue("oldest_available_seconds")));
      }
      return new Reply(200, new JsonObject()
          .put("queues", byQueue)
          .put("totals", JobJson.totals(queues))
          .put("node", spool.stats().toJson().put("id", spool.nodeId())
              .put("recycling", spool.recycleReason().orElse(null)))
          .put("stuck", spool.stats().stuckRunsJson())
          .put("rates", rates.toJson(System.nanoTime())));
    });
  }

  /** All the overview polls: queues with counts, throughput and lag; the table's size; this node. */
  private Future<Reply> dashboard(RoutingContext ctx) {
    return noParams(ctx).compose(v -> Future.all(admin.activity(options.getDashboardCountLimit(), LIVE_WITHIN),
        admin.estimatedJobs(), admin.newestJobId(), admin.unserved(LIVE_WITHIN))).map(all -> {
          List<QueueActivity> queues = all.resultAt(0);
          List<Unserved> unserved = all.resultAt(3);
          JsonArray withWarnings = JobJson.activity(queues);
          for (Object q : withWarnings) {
            JsonObject queue = (JsonObject) q;
            queue.put("warnings", new JsonArray(unserved.stream().filter(u -> u.queue().equals(queue.getString("name")))
                .map(Unserved::message).toList()));
          }
          return new Reply(200, new JsonObject()
              .put("queues", withWarnings)
              .put("unserved", JobJson.unserved(unserved))
              .put("count_limit", options.getDashboardCountLimit())
              .put("estimated_jobs", (Long) all.resultAt(1))
              .put("newest_id", (Long) all.resultAt(2))
              .put("node", spool.nodeId())
              .put("stuck", spool.stats().stuckRunsJson())
              .put("recycling", spool.recycleReason().orElse(null))
              .put("at", Instant.now().toString()));
        });
  }

  private Future<Reply> listJobs(RoutingContext ctx) {
    return Future.<JobQuery>future(p -> p.complete(query(ctx, JOB_FILTERS).setState(state(ctx))))
        .compose(this::bounded)
        .compose(query -> admin.list(query).map(jobs -> new Reply(200, page(query, jobs))));
  }

  private Future<Reply> listDead(RoutingContext ctx) {
    return Future.<JobQuery>future(p -> p.complete(query(ctx, DEAD_FILTERS).setState(JobState.DEAD)))
        .compose(this::bounded)
        .compose(query -> admin.list(query).map(jobs -> new Reply(200, page(query, jobs))));
  }

  /** A search with a depth and no start starts above the newest job, so its range is known. */
  private Future<JobQuery> bounded(JobQuery query) {
    if (query.getDepth() == null || query.getBeforeId() != null) {
      return Future.succeededFuture(query);
    }
    return admin.newestJobId().map(newest -> query.setBeforeId(newest + 1));
  }

  /**
   * A page and where the next one starts: below its last job when it is full; below the range searched
   * when a {@code depth} bounded it (null once that reaches the first id).
   */
  private static JsonObject page(JobQuery query, List<Job> jobs) {
    Long next;
    if (jobs.size() >= query.getLimit()) {
      next = jobs.get(jobs.size() - 1).id();
    } else if (query.getDepth() != null) {
      long floor = query.getBeforeId() - query.getDepth();
      next = floor > 1 ? floor : null;
    } else {
      next = null;
    }
    JsonObject json = new JsonObject().put("jobs", JobJson.jobs(jobs)).put("next_before", next);
    if (query.getDepth() != null) {
      json.put("searched_from", query.getBeforeId() - 1).put("searched_to", Math.max(1, query.getBeforeId() - query.getDepth()));
    }
    return json;
  }

  private Future<Reply> showJob(RoutingContext ctx) {
    return id(ctx).compose(id -> Future.all(admin.find(id), admin.historyEnabled(), admin.outcome(id)).compose(both -> {
      Optional<Job> job = both.resultAt(0);
      if (job.isEmpty()) {
        return Future.failedFuture(notFound(id));
      }
      JsonObject json = JobJson.job(job.get());
      Optional<JsonObject> outcome = both.resultAt(2);
      // result, progress and the links of a workflow step: parents, children, workflow_id, step
      outcome.ifPresent(o -> o.forEach(e -> {
        if (!json.containsKey(e.getKey()) || e.getKey().equals("result")) {
          json.put(e.getKey(), e.getValue());
        }
      }));
      if (!(Boolean) both.resultAt(1)) {
        return Future.succeededFuture(new Reply(200, json.put("history_enabled", false)));
      }
      return admin.history(id).map(events -> new Reply(200,
          json.put("history_enabled", true).put("history", JobJson.events(events))));
    }));
  }

  /** A workflow's steps with their states, parents, children and results, and its callback. */
  private Future<Reply> showWorkflow(long id) {
    return admin.workflow(id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiError.notFound("no workflow " + id));
      }
      // only completed steps have results; one statement reads them all
      List<Long> completed = found.get().steps().stream().filter(s -> s.state() == JobState.COMPLETED)
          .map(WorkflowStatus.StepStatus::id).toList();
      return admin.results(completed).map(results -> new Reply(200, JobJson.workflow(found.get(), results)));
    });
  }

  private Future<Reply> cancelJob(RoutingContext ctx) {
    return id(ctx).compose(id -> spool.client().cancel(id).compose(result -> {
      JsonObject body = new JsonObject().put("id", id).put("result", result.name().toLowerCase(Locale.ROOT));
      return switch (result) {
        case CANCELLED -> Future.succeededFuture(new Reply(200, body));
        case CANCEL_REQUESTED -> Future.succeededFuture(new Reply(202, body));
        case ALREADY_FINISHED -> Future.succeededFuture(new Reply(409,
            body.put("error", "job " + id + " has already finished").put("status", 409)));
        case NOT_FOUND -> Future.failedFuture(notFound(id));
      };
    }));
  }

  private Future<Reply> retryJob(RoutingContext ctx) {
    return id(ctx).compose(id -> admin.retry(id).compose(result -> {
      JsonObject body = new JsonObject().put("id", id).put("result", result.name().toLowerCase(Locale.ROOT));
      return switch (result) {
        case RETRIED -> Future.succeededFuture(new Reply(200, body));
        case NOT_FOUND -> Future.failedFuture(notFound(id));
        case UNIQUE_KEY_HELD -> Future.succeededFuture(new Reply(409, body.put("status", 409)
            .put("error", "another job that may still run holds the unique key of job " + id)));
        case NOT_RETRYABLE -> admin.find(id).map(job -> new Reply(409, body.put("status", 409)
            .put("state", job.map(j -> JobJson.reportedState(j).sqlName()).orElse(null))
            .put("error", "only dead or cancelled jobs can be retried; job " + id + " is "
                + job.map(j -> JobJson.reportedState(j).sqlName()).orElse("gone"))));
      };
    }));
  }

  /**
   * A bulk action over dead jobs. One that destroys (purge) takes {@code all=true} when it has no filter, as
   * the CLI takes {@code --all}: a bare {@code DELETE /api/dead} is a 400, never "every dead job".
   */
  private Future<Reply> bulk(RoutingContext ctx, boolean destructive, Bulk action, String field) {
    return Future.<String[]>future(p -> {
      checkParams(ctx, BULK_FILTERS);
      String queue = name(ctx, "queue");
      String task = name(ctx, "task");
      boolean all = all(ctx);
      if (destructive && !all && queue == null && task == null) {
        throw ApiError.badRequest("which dead jobs? give queue and/or task, or all=true for every one");
      }
      p.complete(new String[] {queue, task});
    }).compose(f -> action.run(f[0], f[1]).map(n -> new Reply(200, new JsonObject().put(field, n)
        .put("queue", f[0]).put("task", f[1]))));
  }

  /**
   * {@code POST /api/jobs/bulk/{cancel|delete|move}?queue=&task=&state=&created_before=&all=&dry_run=&to=} and
   * {@code POST /api/queues/{q}/purge?dry_run=} (delete the queue's pending jobs): the dry run counts.
   */
  private Future<Reply> bulkPending(RoutingContext ctx, String action, String purgedQueue) {
    return Future.<BulkFilter>future(p -> {
      if (!Set.of("cancel", "delete", "move").contains(action)) {
        throw ApiError.notFound("no bulk action " + action + "; there are cancel, delete and move");
      }
      checkParams(ctx, purgedQueue != null ? Set.of("dry_run") : action.equals("move") ? MOVE_FILTERS : PENDING_FILTERS);
      BulkFilter filter = new BulkFilter();
      if (purgedQueue != null) {
        filter.setQueue(purgedQueue);
      } else {
        filter.setQueue(ctx.request().getParam("queue")).setTask(ctx.request().getParam("task")).setAll(all(ctx));
        String state = ctx.request().getParam("state");
        filter.setState(state == null ? null : state(ctx));
        String before = ctx.request().getParam("created_before");
        if (before != null) {
          try {
            filter.setCreatedBefore(Instant.parse(before));
          } catch (java.time.format.DateTimeParseException e) {
            throw ApiError.badRequest("created_before must be an ISO-8601 instant like 2026-01-31T00:00:00Z, got " + before);
          }
        }
      }
      p.complete(filter.validate());
    }).compose(filter -> {
      boolean dryRun = flag(ctx, "dry_run");
      String to = ctx.request().getParam("to");
      if (action.equals("move") && to == null) {
        return Future.failedFuture(ApiError.badRequest("move needs to=<queue>"));
      }
      Future<Long> done = dryRun ? admin.countPending(filter) : switch (action) {
        case "cancel" -> admin.cancelPending(filter);
        case "delete" -> admin.deletePending(filter);
        default -> admin.movePending(filter, to);
      };
      return done.map(n -> new Reply(200, new JsonObject().put("action", action).put("dry_run", dryRun).put("jobs", n)
          .put("filter", filter.toJson()).put("to", to)));
    });
  }

  private static boolean flag(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw ApiError.badRequest(name + " must be true or false, got " + value);
  }

  @FunctionalInterface
  private interface Bulk {
    Future<Integer> run(String queue, String task);
  }

  /** {@code GET /api/queues/{q}/keys?limit=}: keys with work in a keyed queue, busiest first (20 by default). */
  private Future<Reply> queueKeys(RoutingContext ctx) {
    String queue = ctx.pathParam("queue");
    return Future.<Integer>future(p -> {
      checkParams(ctx, Set.of("limit"));
      String limit = ctx.request().getParam("limit");
      p.complete(limit == null ? 20 : parseInt("limit", limit, 1));
    }).compose(limit -> admin.keys(queue, Math.min(limit, 1000)))
        .map(keys -> new Reply(200, JobJson.keys(keys, options.getQueueOptions(queue))));
  }

  private Future<Reply> queueCommand(RoutingContext ctx, boolean pause) {
    String queue = ctx.pathParam("queue");
    return noParams(ctx).compose(v -> pause ? spool.client().pauseQueue(queue) : spool.client().resumeQueue(queue))
        .map(v -> new Reply(200, new JsonObject().put("queue", queue).put("paused", pause)));
  }

  // ---- input ----

  private static Future<Void> noParams(RoutingContext ctx) {
    return Future.future(p -> {
      checkParams(ctx, Set.of());
      p.complete();
    });
  }

  private static void checkParams(RoutingContext ctx, Set<String> allowed) {
    for (String name : ctx.queryParams().names()) {
      if (!allowed.contains(name)) {
        throw ApiError.badRequest("unknown parameter " + name + (allowed.isEmpty() ? "; this route takes none"
            : "; this route takes " + String.join(", ", allowed.stream().sorted().toList())));
      }
      if (ctx.queryParam(name).size() > 1) {
        throw ApiError.badRequest("parameter " + name + " given more than once");
      }
    }
  }

  private static JobQuery query(RoutingContext ctx, Set<String> allowed) {
    checkParams(ctx, allowed);
    JobQuery query = new JobQuery().setQueue(name(ctx, "queue")).setTask(name(ctx, "task"));
    if (allowed.contains("key")) {
      query.setKey(ctx.request().getParam("key"));
    }
    String limit = ctx.request().getParam("limit");
    if (limit != null) {
      query.setLimit(parseInt("limit", limit, 1));
    }
    String before = ctx.request().getParam("before");
    if (before != null) {
      query.setBeforeId(parseLong("before", before));
    }
    String depth = ctx.request().getParam("depth");
    if (depth != null) {
      query.setDepth(parseLong("depth", depth));
    }
    return query;
  }

  private static JobState state(RoutingContext ctx) {
    String state = ctx.request().getParam("state");
    if (state == null) {
      return null;
    }
    try {
      return JobState.fromSql(state);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("state must be one of " + Arrays.stream(JobState.values()).map(JobState::sqlName).toList()
          + ", got " + state);
    }
  }

  /** A queue or task filter: absent, or a name as {@link JobQuery} takes it (the rule of every name). */
  private static String name(RoutingContext ctx, String param) {
    String value = ctx.request().getParam(param);
    if (value != null) {
      if (param.equals("task")) {
        new JobQuery().setTask(value);
      } else {
        new JobQuery().setQueue(value);
      }
    }
    return value;
  }

  /** {@code all=true} (or absent: false); any other value is a 400. */
  static boolean all(RoutingContext ctx) {
    return flag(ctx, "all");
  }

  /** The job id of the path; the routes that take one take no parameters. */
  private static Future<Long> id(RoutingContext ctx) {
    return pathId(ctx, "job id");
  }

  private static Future<Long> workflowId(RoutingContext ctx) {
    return pathId(ctx, "workflow id");
  }

  private static Future<Long> pathId(RoutingContext ctx, String what) {
    return Future.future(p -> {
      long id = parseLong(what, ctx.pathParam("id"));
      checkParams(ctx, Set.of());
      p.complete(id);
    });
  }

  private static long parseLong(String what, String text) {
    try {
      long value = Long.parseLong(text);
      if (value < 1) {
        throw ApiError.badRequest(what + " must be a positive integer, got " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(what + " must be a positive integer, got " + text);
    }
  }

  private static int parseInt(String what, String text, int min) {
    try {
      int value = Integer.parseInt(text);
      if (value < min) {
        throw ApiError.badRequest(what + " must be at least " + min + ", got " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      // too large for an int is still a number, over any maximum: the setter says what the range is
      if (text.matches("[0-9]{10,}")) {
        return Integer.MAX_VALUE;
      }
      throw ApiError.badRequest(what + " must be an integer, got " + text);
    }
  }

  private static ApiError notFound(long id) {
    return ApiError.notFound("no job " + id + " (it may have completed and been deleted)");
  }

  // ---- output ----

  private record Reply(int status, JsonObject body) {}

  private static void respond(RoutingContext ctx, Future<Reply> reply) {
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        send(ctx, ar.result().status(), ar.result().body());
      } else if (ar.cause() instanceof ApiError e) {
        error(ctx, e.status, e.getMessage());
      } else if (ar.cause() instanceof IllegalArgumentException e) {
        error(ctx, 400, e.getMessage()); // Spool refused the input (a queue name, a limit)
      } else {
        LOG.log(System.Logger.Level.WARNING, "admin API: " + ctx.request().method() + " " + ctx.request().path()
            + " failed: " + ar.cause());
        error(ctx, 500, "internal error: " + ar.cause().getMessage());
      }
    });
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.encode());
    }
  }

  private static void error(RoutingContext ctx, int status, String message) {
    send(ctx, status, new JsonObject().put("error", message).put("status", status));
  }
}
