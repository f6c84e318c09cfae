package dev.spool.impl.claim;

import static dev.spool.testing.TestDatabase.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * The buffers a statement touches, by {@code EXPLAIN (ANALYZE, BUFFERS)} in a transaction rolled back, so a claim
 * takes nothing; a function's inner statements count too (the function scan counts what runs inside it). The second
 * of two runs, each rolled back: the first also plans the statement (and a function's statements), reading the
 * catalogs.
 */
final class ExplainedBuffers {

  private ExplainedBuffers() {}

  static long of(Pool pool, String statement, Tuple params) {
    SqlConnection c = await(pool.getConnection());
    try {
      String explain = "explain (analyze, buffers, format json) " + statement;
      await(c.query("begin").execute());
      await(c.preparedQuery(explain).execute(params));
      await(c.query("rollback").execute());
      await(c.query("begin").execute());
      Object plan = await(c.preparedQuery(explain).execute(params)).iterator().next().getValue(0);
      await(c.query("rollback").execute());
      JsonObject root = (plan instanceof JsonArray a ? a : new JsonArray(plan.toString()))
          .getJsonObject(0).getJsonObject("Plan");
      return root.getLong("Shared Hit Blocks", 0L) + root.getLong("Shared Read Blocks", 0L);
    } finally {
      await(c.close());
    }
  }
}
