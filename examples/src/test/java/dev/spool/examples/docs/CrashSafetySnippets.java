package dev.spool.examples.docs;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.Task;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** The snippets of docs/operations/crash-safety.md, compiled. */
final class CrashSafetySnippets {

  static final Task<JsonObject> PAY = Task.json("pay");

  static void completeInTransaction(JobHandlers handlers) {
    // snippet:start complete-in-transaction
    handlers.register(PAY, (args, ctx) -> ctx.completeInTransaction(conn ->
        conn.preparedQuery("insert into payments (order_id, amount) values ($1, $2)")
            .execute(Tuple.of(args.getLong("order"), args.getLong("cents"))).mapEmpty()));
    // snippet:end complete-in-transaction
  }

  static SqlClient connect(Spool spool, Vertx vertx) {
    // snippet:start connect
    SqlClient audit = spool.connect(PgBuilder.client().with(new PoolOptions().setMaxSize(2))).using(vertx).build();
    // snippet:end connect
    return audit;
  }

  private CrashSafetySnippets() {}
}
