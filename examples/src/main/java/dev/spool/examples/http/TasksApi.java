package dev.spool.examples.http;

import dev.spool.EnqueueOptions;
import dev.spool.Job;
import dev.spool.JobClient;
import dev.spool.Task;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP face of the service: one job per request.
 *
 * <ul>
 *   <li>{@code POST /tasks/{task}} with a JSON object body enqueues a job of that task and answers
 *       {@code 202 {"id": 42}} with {@code Location: /tasks/42}; 404 for a task the service does not
 *       know, 400 for a body that is not a JSON object.
 *   <li>{@code GET /tasks/{id}} answers the job's state, attempts and last error; 404 when no job has
 *       that id, 400 when the id is not a number.
 * </ul>
 *
 * The request never waits for the work: the job is stored (and so will run) when the 202 goes out.
 */
public class TasksApi extends VerticleBase {

  /** Request bodies are job arguments, which should be references and parameters, not data. */
  public static final long DEFAULT_BODY_LIMIT = 64 * 1024;

  private final JobClient jobs;
  private final Map<String, Task<JsonObject>> tasks;
  private final int port;
  private HttpServer server;

  /**
   * @param tasks the tasks a client may enqueue, by the name in the URL
   * @param port  the port to listen on; 0 picks a free one (see {@link #actualPort()})
   */
  public TasksApi(JobClient jobs, Map<String, Task<JsonObject>> tasks, int port) {
    this.jobs = jobs;
    this.tasks = Map.copyOf(tasks);
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/tasks/:task").handler(BodyHandler.create().setBodyLimit(DEFAULT_BODY_LIMIT)).handler(this::enqueue);
    router.get("/tasks/:id").handler(this::show);
    return vertx.createHttpServer().requestHandler(router).listen(port).onSuccess(s -> server = s);
  }

  /** The port the server listens on. */
  public int actualPort() {
    return server.actualPort();
  }

  private void enqueue(RoutingContext ctx) {
    Task<JsonObject> task = tasks.get(ctx.pathParam("task"));
    if (task == null) {
      error(ctx, 404, "unknown task '" + ctx.pathParam("task") + "'; known: " + tasks.keySet());
      return;
    }
    JsonObject args;
    try {
      args = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      args = null;
    }
    if (args == null) {
      error(ctx, 400, "the body must be a JSON object: the job's arguments");
      return;
    }
    jobs.enqueue(task, args, new EnqueueOptions())
        .onSuccess(id -> ctx.response().setStatusCode(202).putHeader("Location", "/tasks/" + id)
            .putHeader("Content-Type", "application/json").end(new JsonObject().put("id", id).encode()))
        .onFailure(e -> error(ctx, e instanceof IllegalArgumentException ? 400 : 500, e.getMessage()));
  }

  private void show(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      id = -1;
    }
    if (id <= 0) {
      error(ctx, 400, "a job id is a positive number, got '" + ctx.pathParam("id") + "'");
      return;
    }
    long wanted = id;
    jobs.find(id).onSuccess((Optional<Job> found) -> {
      if (found.isEmpty()) {
        error(ctx, 404, "no job " + wanted);
      } else {
        ctx.json(describe(found.get()));
      }
    }).onFailure(e -> error(ctx, 500, e.getMessage()));
  }

  private static JsonObject describe(Job job) {
    return new JsonObject()
        .put("id", job.id())
        .put("task", job.task())
        .put("queue", job.queue())
        .put("state", job.state().sqlName())
        .put("attempt", job.attempt())
        .put("maxAttempts", job.maxAttempts())
        .put("createdAt", job.createdAt())
        .put("finishedAt", job.finishedAt())
        .put("lastError", job.lastError() == null ? null : job.lastError().copy().put("stack", (String) null));
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).encode());
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
