package dev.spool.examples.docs;

import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.RetryPolicy;
import dev.spool.Spool;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** The Vert.x application of docs/index.md and docs/getting-started/vertx.md, compiled. */
final class VertxAppSnippets {

  /** The application's own mail client; sending answers a future. */
  interface Mailer {
    Future<Void> send(String to);
  }

  /** The application's error for an address no retry can fix. */
  static final class InvalidAddress extends RuntimeException {}

  static Future<Long> start(Vertx vertx, Mailer mailer) {
    // snippet:start vertx-app
    Task<JsonObject> SEND_EMAIL = Task.json("send-email");

    Spool spool = Spool.builder(vertx).connectingTo("postgresql://app@localhost/app").build();
    JobHandlers handlers = new JobHandlers()
        .register(SEND_EMAIL, (args, ctx) -> mailer.send(args.getString("to")),     // returns a Future
            new HandlerOptions().setTimeout(Duration.ofSeconds(30))
                .setRetryPolicy(new RetryPolicy().setBase(Duration.ofSeconds(1)).giveUpOn(InvalidAddress.class)));

    spool.migrate()                                                    // creates/updates the schema "spool"
        .compose(v -> spool.deployWorkers(new WorkerOptions(), handlers, 2))   // two worker verticles
        .compose(id -> spool.client().enqueue(SEND_EMAIL, new JsonObject().put("to", "a@example.com")));
    // snippet:end vertx-app
    return null;
  }

  private VertxAppSnippets() {}
}
