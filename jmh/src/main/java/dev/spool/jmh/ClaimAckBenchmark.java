package dev.spool.jmh;

import dev.spool.impl.sql.Queries;
import dev.spool.embedded.DatabaseChoice;
import dev.spool.EnqueueOptions;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.WorkerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Claim + ack round trips against PostgreSQL with Spool's own named queries: {@code ClaimJobs} takes a
 * batch under a lease, {@code DeleteCompleted} acks it, one after the other on one pipelined connection
 * (a worker verticle's), as a single worker with nothing else in flight would. The database is
 * {@code SPOOL_DATABASE_URL}, else an embedded PostgreSQL.
 *
 * <p>The connection commits with {@code synchronous_commit} {@code off} by default, as worker verticles'
 * connections do; {@code -p synchronousCommit=on} measures the same cycles waiting for each WAL flush,
 * which is what bounds small batches on a server with fsync on.
 *
 * <p>Per-job normalisation: every invocation moves {@value #JOBS_PER_INVOCATION} jobs, in
 * {@code JOBS_PER_INVOCATION / batch} claim + ack cycles chained on the event loop, and is annotated
 * {@code @OperationsPerInvocation(JOBS_PER_INVOCATION)}, so the throughput score is jobs/s at every batch
 * size. A claim that returns fewer jobs than asked fails the run rather than flatter the score.
 *
 * <p>Jobs are refilled outside the measurement: before an invocation that could run short, a
 * per-invocation setup enqueues {@value #REFILL} more (an invocation takes milliseconds to a second, so
 * JMH's per-invocation setup costs nothing worth speaking of here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class ClaimAckBenchmark {

  /** A multiple of every batch size below, so each invocation is whole cycles. */
  public static final int JOBS_PER_INVOCATION = 1_000;
  /** Jobs per refill: a few invocations' worth at the largest batch, one enqueue statement per chunk. */
  public static final int REFILL = 100_000;
  static final int ENQUEUE_CHUNK = 5_000;
  static final String SCHEMA = "spool_jmh";
  static final String OWNER = "jmh-claim-ack";
  static final String SETUP_SCRIPT = "dev/spool/jmh/setup.sql";

  @Param({"1", "100", "500"})
  public int batch;

  /** The worker verticle's setting; "on" for the cost of a WAL flush per statement. */
  @Param({"off"})
  public String synchronousCommit;

  private Vertx vertx;
  private Spool spool;
  private SqlClient connection;
  private String claimSql;
  private String ackSql;
  private Tuple claimParams;
  private long available;

  @Setup(Level.Trial)
  public void setUp() {
    if (JOBS_PER_INVOCATION % batch != 0) {
      throw new IllegalArgumentException("batch must divide " + JOBS_PER_INVOCATION + ", got " + batch);
    }
    vertx = Vertx.vertx();
    spool = Spool.builder(vertx).connectingTo(DatabaseChoice.shared(DatabaseChoice.ENV)).options(new SpoolOptions().setSchema(SCHEMA)).build();
    await(spool.pool().query(new Queries(spool.options().getSchema()).script(SETUP_SCRIPT).strip()).execute());
    await(spool.migrate());
    connection = spool.connect(PgBuilder.client().with(new PoolOptions().setMaxSize(WorkerOptions.DEFAULT_CONNECTIONS)),
        o -> o.addProperty("synchronous_commit", synchronousCommit)).using(vertx).build();
    claimSql = new Queries(spool.options().getSchema()).get("ClaimJobs");
    ackSql = new Queries(spool.options().getSchema()).get("DeleteCompleted");
    claimParams = Tuple.of(EnqueueOptions.DEFAULT_QUEUE, new String[] {DispatchBenchmark.TASK.name()}, batch, OWNER,
        (double) WorkerOptions.DEFAULT_LEASE.toMillis());
    available = 0;
  }

  @Setup(Level.Invocation)
  public void refillWhenLow() {
    if (available >= JOBS_PER_INVOCATION) {
      return;
    }
    List<Future<List<Long>>> chunks = new ArrayList<>();
    List<JsonObject> args = Collections.nCopies(ENQUEUE_CHUNK, new JsonObject().put("i", 1));
    for (int i = 0; i < REFILL; i += ENQUEUE_CHUNK) {
      chunks.add(spool.client().enqueueBatch(DispatchBenchmark.TASK, args, new EnqueueOptions()));
    }
    await(Future.all(chunks));
    available += REFILL;
  }

  @Benchmark
  @OperationsPerInvocation(JOBS_PER_INVOCATION)
  public int claimAndAck() {
    int moved = await(cycles(JOBS_PER_INVOCATION / batch, 0));
    available -= moved;
    return moved;
  }

  /** {@code rounds} claim + ack cycles, each starting when the previous ack is in. */
  private Future<Integer> cycles(int rounds, int movedSoFar) {
    return connection.preparedQuery(claimSql).execute(claimParams).compose(rows -> {
      if (rows.size() != batch) {
        return Future.failedFuture(new IllegalStateException("claimed " + rows.size() + " jobs, wanted " + batch));
      }
      Long[] ids = new Long[rows.size()];
      Integer[] attempts = new Integer[rows.size()];
      int i = 0;
      for (Row row : rows) {
        ids[i] = row.getLong("id");
        attempts[i++] = row.getInteger("attempt");
      }
      return connection.preparedQuery(ackSql).execute(Tuple.of(ids, attempts, OWNER));
    }).compose(acked -> {
      if (acked.rowCount() != batch) {
        return Future.failedFuture(new IllegalStateException("acked " + acked.rowCount() + " jobs, wanted " + batch));
      }
      int moved = movedSoFar + batch;
      return rounds > 1 ? cycles(rounds - 1, moved) : Future.succeededFuture(moved);
    });
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    await(connection.close());
    await(spool.pool().query(new Queries(spool.options().getSchema()).script(SETUP_SCRIPT).strip()).execute());
    await(spool.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }
}
