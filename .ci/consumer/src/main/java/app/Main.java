package app;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Compiles against spool-runtime alone, as an application's code would. */
public final class Main {

  static final Task<JsonObject> GREET = Task.json("greet");

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    Spool spool = Spool.builder(vertx).connectingTo(args[0]).build();
    JobHandlers handlers = new JobHandlers().register(GREET, (a, ctx) -> Future.succeededFuture());
    spool.migrate()
        .compose(v -> spool.deployWorkers(new WorkerOptions(), handlers, 1))
        .compose(id -> spool.client().enqueue(GREET, new JsonObject().put("name", "world")))
        .onComplete(ar -> vertx.close());
  }
}
