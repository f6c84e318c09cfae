package dev.spool.examples.pipeline;

import dev.spool.AwaitTimeoutException;
import dev.spool.JobClient;
import dev.spool.JobResult;
import dev.spool.WorkflowRun;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP face of the pipeline.
 *
 * <ul>
 *   <li>{@code POST /indexes} with {@code {"urls": [...], "timeoutMs": 5000}} enqueues the workflow and
 *       waits for its index up to the timeout ({@value #DEFAULT_TIMEOUT_MS} ms by default, at most
 *       {@value #MAX_TIMEOUT_MS}): {@code 200} with the index when it is built in time; {@code 202} with the
 *       workflow id and {@code Location: /pipelines/{id}} when not (the pipeline goes on); {@code 400} for a
 *       bad body.
 *   <li>{@code GET /pipelines/{id}} answers each step's state, and the index once it is built; 404 unknown.
 * </ul>
 */
public class PipelineApi extends VerticleBase {

  public static final long DEFAULT_TIMEOUT_MS = 5_000;
  /** A request does not hold a connection longer than this; a longer pipeline is followed by its Location. */
  public static final long MAX_TIMEOUT_MS = 30_000;
  public static final int MAX_URLS = 1_000;

  private final JobClient jobs;
  private final int port;
  private HttpServer server;

  /** @param port the port to listen on; 0 picks a free one (see {@link #actualPort()}) */
  public PipelineApi(JobClient jobs, int port) {
    this.jobs = jobs;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/indexes").handler(BodyHandler.create().setBodyLimit(256 * 1024)).handler(this::index);
    router.get("/pipelines/:id").handler(this::show);
    return vertx.createHttpServer().requestHandler(router).listen(port).onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void index(RoutingContext ctx) {
    List<String> urls = new ArrayList<>();
    long timeoutMs;
    try {
      JsonObject body = ctx.body().asJsonObject();
      JsonArray given = body == null ? null : body.getJsonArray("urls");
      if (given == null || given.isEmpty() || given.size() > MAX_URLS) {
        throw new IllegalArgumentException("urls must be a list of 1.." + MAX_URLS + " URLs");
      }
      given.forEach(u -> urls.add(String.valueOf(u)));
      timeoutMs = body.getLong("timeoutMs", DEFAULT_TIMEOUT_MS);
      if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
        throw new IllegalArgumentException("timeoutMs must be 1.." + MAX_TIMEOUT_MS);
      }
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      error(ctx, 400, e instanceof IllegalArgumentException ? e.getMessage() : "the body must be a JSON object with urls");
      return;
    }
    jobs.enqueueWorkflow(PipelineExample.workflow(urls))
        .compose(run -> jobs.await(run.id("index"), Duration.ofMillis(timeoutMs)).map(done -> answer(ctx, run, done))
            .recover(e -> e instanceof AwaitTimeoutException ? Future.succeededFuture(pending(ctx, run)) : Future.failedFuture(e)))
        .onFailure(e -> error(ctx, 500, e.toString()));
  }

  /** The index was built (200), or its step ended otherwise (502: it runs even when fetches failed, so rarely). */
  private Void answer(RoutingContext ctx, WorkflowRun run, JobResult index) {
    if (index.isCompleted()) {
      json(ctx, 200, ((JsonObject) index.json()).copy().put("workflow", run.id()));
    } else {
      json(ctx, 502, new JsonObject().put("workflow", run.id()).put("state", index.state().sqlName())
          .put("error", index.error()));
    }
    return null;
  }

  /** Not built in time: the pipeline goes on, and the client follows it at its Location. */
  private Void pending(RoutingContext ctx, WorkflowRun run) {
    ctx.response().putHeader("Location", "/pipelines/" + run.id());
    json(ctx, 202, new JsonObject().put("workflow", run.id()).put("state", "running"));
    return null;
  }

  private void show(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      error(ctx, 400, "not a workflow id: " + ctx.pathParam("id"));
      return;
    }
    jobs.workflow(id).compose(found -> {
      if (found.isEmpty()) {
        error(ctx, 404, "no pipeline " + id);
        return Future.succeededFuture();
      }
      JsonObject steps = new JsonObject();
      found.get().steps().forEach(s -> steps.put(s.step(), s.state().sqlName()));
      JsonObject body = new JsonObject().put("workflow", id).put("finished", found.get().isFinished()).put("steps", steps);
      long indexId = found.get().steps().stream().filter(s -> "index".equals(s.step())).findFirst().orElseThrow().id();
      return jobs.result(indexId).map(index -> {
        json(ctx, 200, body.put("index", index.isCompleted() ? index.json() : null));
        return null;
      });
    }).onFailure(e -> error(ctx, 500, e.toString()));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }
}
