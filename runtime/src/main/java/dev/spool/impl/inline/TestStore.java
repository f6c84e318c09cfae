package dev.spool.impl.inline;

import dev.spool.impl.sql.Queries;
import dev.spool.impl.sql.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The test kit's reads and writes of a test schema ({@code testing.sql}): its clock, its reset, the jobs
 * enqueued in it. Like {@link InlineRunner}, built by spool-test only.
 */
public final class TestStore {

  /** One enqueued job as a test sees it; {@code parents} are the ids it waits on. */
  public record EnqueuedRow(long id, String queue, String task, byte[] args, int priority, Instant runAt,
      String state, String key, String uniqueKey, int attempt, int maxAttempts, Long workflowId, String step,
      List<Long> parents, boolean scheduled) {}

  private final Queries queries;

  public TestStore(String schema) {
    this.queries = new Queries(schema, Queries.TESTING);
  }

  /** The channel every enqueue of a due job notifies, with its queue as payload. */
  public String jobsChannel() {
    return queries.channel();
  }

  /** The schema that holds the test clock, whose name goes first on the test connections' search_path. */
  public static String clockSchema(String schema) {
    return schema + "_clock";
  }

  /** Creates the test clock (its shift at zero); call before migrating, so column defaults read it too. */
  public Future<Void> createClock(SqlClient client) {
    Future<Void> done = Future.succeededFuture();
    for (String name : List.of("TestClockSchema", "TestClockTable", "TestClockRow", "TestClockNow",
        "TestClockTimestamp")) {
      done = done.compose(v -> client.query(queries.get(name)).execute().mapEmpty());
    }
    return done;
  }

  /** Clears what a test left (see {@code TestReset}) and puts the clock back to real time. */
  public Future<Void> reset(SqlClient client) {
    return client.query(queries.get("TestReset")).execute().mapEmpty();
  }

  /** Drops the test schema and its clock. */
  public Future<Void> drop(SqlClient client) {
    return client.query(queries.get("TestDropSchema")).execute().mapEmpty();
  }

  /** Moves the clock forward by {@code millis}; completes with its shift from real time. */
  public Future<Double> advance(SqlClient client, double millis) {
    return client.preparedQuery(queries.get("TestClockAdvance")).execute(Tuple.of(millis))
        .map(rows -> rows.iterator().next().getNumeric(0).doubleValue());
  }

  /** The present, shifted, as the test's SQL reads it. */
  public Future<Instant> now(SqlClient client) {
    return client.preparedQuery(queries.get("TestNow")).execute().map(rows -> Rows.instant(rows.iterator().next(), 0));
  }

  /** Makes the scheduled jobs of {@code queues} (all, when null) due now; completes with how many. */
  public Future<Integer> runScheduledNow(SqlClient client, List<String> queues) {
    return client.preparedQuery(queries.get("TestRunScheduledNow"))
        .execute(Tuple.of(queues == null ? null : queues.toArray(String[]::new))).map(rows -> rows.rowCount());
  }

  /** The jobs enqueued and not yet run, oldest first, at most {@code max}; on {@code client}'s transaction. */
  public Future<List<EnqueuedRow>> enqueued(SqlClient client, int max) {
    return client.preparedQuery(queries.get("TestEnqueuedJobs")).execute(Tuple.of(max)).map(rows -> {
      List<EnqueuedRow> jobs = new ArrayList<>(rows.size());
      for (Row row : rows) {
        Long[] parents = row.getArrayOfLongs(13);
        jobs.add(new EnqueuedRow(row.getLong(0), row.getString(1), row.getString(2), row.getBuffer(3).getBytes(),
            row.getShort(4), Rows.instant(row, 5), row.getString(6), row.getString(7), row.getString(8),
            row.getInteger(9), row.getInteger(10), row.getLong(11), row.getString(12),
            parents == null ? List.of() : Arrays.asList(parents), row.getBoolean(14)));
      }
      return jobs;
    });
  }
}
