package dev.spool.examples.http;

import dev.spool.GiveUpException;
import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.examples.ExampleDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * An HTTP service that turns each request into a job, with worker verticles in the same process doing
 * the work: the shape of most "accept now, process in the background" endpoints.
 *
 * <pre>
 * curl -i -X POST localhost:8080/tasks/resize-image -d '{"url":"https://example.com/cat.png","width":320}'
 * curl -s localhost:8080/tasks/1
 * </pre>
 *
 * Options: {@code --db postgresql://...} (else {@code SPOOL_DATABASE_URL}, else an embedded PostgreSQL)
 * and {@code --port 8080}. Stop it with Ctrl-C.
 */
public final class HttpTasksExample {

  /** Makes a thumbnail: needs {@code url} and {@code width}. */
  public static final Task<JsonObject> RESIZE_IMAGE = Task.json("resize-image");
  /** Sends an email: needs {@code to}. */
  public static final Task<JsonObject> SEND_EMAIL = Task.json("send-email");

  private HttpTasksExample() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(ExampleDatabase.option(args, "--port", "8080"));
    ExampleDatabase db = ExampleDatabase.fromArgs(args);
    Vertx vertx = Vertx.vertx();
    // Completed jobs are kept, so that GET /tasks/{id} can still answer "completed" after the work is done.
    Spool spool = Spool.builder(vertx).connectingTo(db.uri())
        .options(new SpoolOptions().setSchema("examples_http").setKeepCompleted(true)).build();
    TasksApi api = ExampleDatabase.await(start(vertx, spool, port), 60);
    System.out.printf("Listening on http://localhost:%d. Try:%n", api.actualPort());
    System.out.printf("  curl -i -X POST localhost:%d/tasks/resize-image -d '{\"url\":\"https://example.com/cat.png\",\"width\":320}'%n", api.actualPort());
    System.out.printf("  curl -s localhost:%d/tasks/<id>%n", api.actualPort());

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        // Undeploying the workers lets running jobs finish and writes their outcomes.
        ExampleDatabase.await(vertx.close(), 60);
      } catch (Exception e) {
        System.err.println("stopping: " + e);
      } finally {
        db.close();
        stopped.countDown();
      }
    }));
    stopped.await();
  }

  /** Migrates, deploys two worker verticles and the API; completes with the deployed API. */
  public static Future<TasksApi> start(Vertx vertx, Spool spool, int port) {
    TasksApi api = new TasksApi(spool.client(), Map.of(RESIZE_IMAGE.name(), RESIZE_IMAGE, SEND_EMAIL.name(), SEND_EMAIL), port);
    return spool.migrate()
        .compose(v -> spool.deployWorkers(new WorkerOptions(), handlers(vertx), 2))
        .compose(id -> vertx.deployVerticle(api))
        .map(id -> api);
  }

  /** The work behind each task; stand-ins that take a little time, as real work would. */
  static JobHandlers handlers(Vertx vertx) {
    HandlerOptions quick = new HandlerOptions().setTimeout(Duration.ofSeconds(10));
    return new JobHandlers()
        .register(RESIZE_IMAGE, (args, ctx) -> {
          String url = args.getString("url");
          Integer width = args.getInteger("width");
          if (url == null || width == null || width < 1) {
            // Retrying will not add the missing field: straight to dead, with this message.
            throw new GiveUpException("resize-image needs a url and a positive width, got " + args.encode());
          }
          return vertx.timer(50).map(v -> "resized " + url + " to " + width + " px");
        }, quick)
        .register(SEND_EMAIL, (args, ctx) -> {
          if (args.getString("to") == null) {
            return Future.failedFuture(new GiveUpException("send-email needs a 'to' address"));
          }
          return vertx.timer(20);
        }, quick);
  }
}
