package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.JdbcJobClient;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jdbc-enqueue}: enqueues from one thread on a plain JDBC connection ({@link JdbcJobClient}, the path a
 * Spring {@code @Transactional} enqueue takes): single enqueues each in a transaction of its own, single
 * enqueues in one transaction, and batches. The targets (issue 23): ≥ 5,000 single enqueues a second and
 * ≥ 100,000 jobs a second in batches. The batches alternate with the server's own insert of the same rows, whose
 * rate is the yardstick of what the machine allows at that moment. Then the same through Spool's Vert.x client
 * (each single enqueue its own autocommitted statement, one call at a time), as a yardstick. Nothing drains the
 * jobs; the schema is dropped at the end.
 */
@Command(name = "jdbc-enqueue", mixinStandardHelpOptions = true,
    description = "Enqueue rate on a JDBC transaction from one thread: singles and batches.")
final class JdbcEnqueueCommand implements Callable<Integer> {

  static final long SINGLES_TARGET = 5_000;
  static final long BATCH_TARGET = 100_000;
  /**
   * The better-posed batch target: the JDBC batch's rate as a fraction of the server inserting the same rows
   * by itself, measured alternately in the same run, which travels between machines better than a rate (see
   * docs/getting-started/spring-boot.md: ≥ 100,000 jobs/s needs a server that itself inserts ≥ ≈130,000).
   */
  static final double BATCH_TO_SERVER_TARGET = 0.75;
  /** Untimed batches of each kind before the timed ones. */
  private static final int WARM_UP_BATCHES = 10;
  private static final Task<JsonObject> TASK = Task.json("jdbc-bench");

  @Spec
  CommandSpec spec;

  @Option(names = "--db", description = "PostgreSQL URL (postgresql://user@host/db); default: an embedded one")
  String db;

  @Option(names = "--schema", defaultValue = "spool_jdbc_bench", description = "schema, dropped at the end (default: ${DEFAULT-VALUE})")
  String schema;

  @Option(names = "--singles", defaultValue = "20000", description = "single enqueues per measure (default: ${DEFAULT-VALUE})")
  int singles;

  @Option(names = "--batch-jobs", defaultValue = "200000", description = "jobs enqueued in batches (default: ${DEFAULT-VALUE})")
  int batchJobs;

  @Option(names = "--batch-size", defaultValue = "1000", description = "jobs per batch (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--json", description = "print only the JSON line")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (singles < 1 || batchJobs < 1 || batchSize < 1) {
      err.println("--singles, --batch-jobs and --batch-size must be at least 1");
      return 2;
    }
    Progress progress = json ? Progress.quiet() : Progress.to(err);
    JsonObject result = new JsonObject().put("command", "jdbc-enqueue");
    try (DatabaseChoice database = DatabaseChoice.resolve(db, true, line -> progress.line("%s", line))) {
      Vertx vertx = Vertx.vertx();
      try {
        Spool spool = Spool.builder(vertx).connectingTo(database.uri()).options(new SpoolOptions().setSchema(schema)).build();
        spool.migrate().await();
        JdbcJobClient jdbc = spool.jdbcClient();
        try (Connection c = connect(database.uri())) {
          c.setAutoCommit(false);
          JsonObject args = new JsonObject().put("to", "a@example.com");
          measureSingles(jdbc, c, args, Math.min(singles, 2000), true); // warm-up: JIT and server plans
          progress.line("%,d single enqueues, each committed", singles);
          result.put("singles_committed_each_per_s", measureSingles(jdbc, c, args, singles, true));
          progress.line("%,d single enqueues in one transaction", singles);
          result.put("singles_one_tx_per_s", measureSingles(jdbc, c, args, singles, false));
          progress.line("%,d jobs in batches of %,d, each batch committed, alternating with the server's own insert of "
              + "the same rows", batchJobs, batchSize);
          List<JsonObject> batch = new ArrayList<>(batchSize);
          for (int i = 0; i < batchSize; i++) {
            batch.add(new JsonObject().put("n", i));
          }
          BatchRates rates = measureBatches(jdbc, c, Checks.namedSql(Checks.SCRIPT, schema).get("ServerInsertJobs"), batch);
          result.put("batch_jobs_per_s", rates.jdbc()).put("server_batch_jobs_per_s", rates.server())
              .put("batch_to_server", Math.round(100.0 * rates.jdbc() / rates.server()) / 100.0);
          // the same on Spool's own Vert.x client, one call at a time, as a yardstick on this (shared) machine
          progress.line("for comparison, the Vert.x client: %,d single enqueues, then %,d jobs in batches", singles, batchJobs);
          long start = System.nanoTime();
          for (int i = 0; i < singles; i++) {
            spool.client().enqueue(TASK, args, new EnqueueOptions()).await();
          }
          result.put("vertx_singles_per_s", Math.round(singles / ((System.nanoTime() - start) / 1e9)));
          start = System.nanoTime();
          for (int done = 0; done < batchJobs; done += batchSize) {
            int n = Math.min(batchSize, batchJobs - done);
            spool.client().enqueueBatch(TASK, n == batchSize ? batch : batch.subList(0, n), new EnqueueOptions()).await();
          }
          result.put("vertx_batch_jobs_per_s", Math.round(batchJobs / ((System.nanoTime() - start) / 1e9)));
        }
        spool.pool().query("drop schema if exists " + schema + " cascade").execute().await();
      } finally {
        vertx.close().await();
      }
    }
    result.put("singles", singles).put("batch_jobs", batchJobs).put("batch_size", batchSize)
        .put("singles_target_met", result.getLong("singles_committed_each_per_s") >= SINGLES_TARGET)
        .put("batch_target_met", result.getLong("batch_jobs_per_s") >= BATCH_TARGET)
        .put("batch_ratio_target_met", result.getDouble("batch_to_server") >= BATCH_TO_SERVER_TARGET);
    if (!json) {
      progress.line("JDBC: single enqueues/s %,d committed each, %,d in one transaction; batch jobs/s %,d (%.2f x the "
          + "server's own insert of the same rows, %,d/s). Vert.x client: singles/s %,d, batch jobs/s %,d",
          result.getLong("singles_committed_each_per_s"), result.getLong("singles_one_tx_per_s"),
          result.getLong("batch_jobs_per_s"), result.getDouble("batch_to_server"), result.getLong("server_batch_jobs_per_s"),
          result.getLong("vertx_singles_per_s"), result.getLong("vertx_batch_jobs_per_s"));
    }
    spec.commandLine().getOut().println(result.encode());
    return 0;
  }

  private static long measureSingles(JdbcJobClient jdbc, Connection c, JsonObject args, int count, boolean commitEach)
      throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      jdbc.enqueue(c, TASK, args, new EnqueueOptions());
      if (commitEach) {
        c.commit();
      }
    }
    c.commit();
    return Math.round(count / ((System.nanoTime() - start) / 1e9));
  }

  /** Jobs a second of the JDBC batch and of the server's own insert of the same rows, timed alternately. */
  record BatchRates(long jdbc, long server) {}

  /**
   * Times {@code batchJobs} jobs in batches through the JDBC client and as many rows inserted by the server
   * itself ({@code serverInsert}, checks.sql's ServerInsertJobs), every batch committed, one of each in turn on
   * the same connection: on a shared machine the load of the moment weighs on both alike, so their ratio
   * holds from run to run where either rate alone does not. A few batches of each go first, untimed: the JIT
   * and the driver's server-side statements (prepared from the fifth use) are then in place.
   */
  private BatchRates measureBatches(JdbcJobClient jdbc, Connection c, String serverInsert, List<JsonObject> batch)
      throws Exception {
    long jdbcNanos = 0;
    long serverNanos = 0;
    try (PreparedStatement server = c.prepareStatement(serverInsert.replace("$1", "?"))) {
      for (int done = -WARM_UP_BATCHES * batchSize; done < batchJobs; done += batchSize) {
        int n = Math.min(batchSize, batchJobs - done);
        long start = System.nanoTime();
        List<Long> ids = jdbc.enqueueBatch(c, TASK, n == batchSize ? batch : batch.subList(0, n), new EnqueueOptions());
        c.commit();
        long between = System.nanoTime();
        server.setInt(1, n);
        int rows = 0;
        try (ResultSet r = server.executeQuery()) {
          while (r.next()) {
            rows++;
          }
        }
        c.commit();
        if (ids.size() != n || rows != n) {
          throw new IllegalStateException("a batch of " + n + " inserted " + ids.size() + " jobs, the server's " + rows);
        }
        if (done >= 0) {
          jdbcNanos += between - start;
          serverNanos += System.nanoTime() - between;
        }
      }
    }
    return new BatchRates(Math.round(batchJobs / (jdbcNanos / 1e9)), Math.round(batchJobs / (serverNanos / 1e9)));
  }

  /** The JDBC form of a {@code postgresql://user:password@host:port/db} URL. */
  static Connection connect(String spoolUrl) throws Exception {
    URI uri = URI.create(spoolUrl);
    String info = uri.getUserInfo();
    String user = info == null ? null : info.split(":", 2)[0];
    String password = info != null && info.contains(":") ? info.split(":", 2)[1] : null;
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + port + uri.getPath(), user, password);
  }
}
