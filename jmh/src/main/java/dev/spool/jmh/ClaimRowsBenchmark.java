package dev.spool.jmh;

import dev.spool.EnqueueOptions;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.WorkerOptions;
import dev.spool.embedded.DatabaseChoice;
import dev.spool.impl.claim.ClaimOrderBuffer;
import dev.spool.impl.claim.Producer;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.sql.Lineage;
import dev.spool.impl.sql.Queries;
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
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The stage between a claim's answer and a handler's start, in memory: the rows of one real claim of
 * {@value #BATCH} jobs (fetched once from PostgreSQL through {@code ClaimJobs} on a worker's kind of
 * connection, so they are the pg client's own rows, decoded from the binary protocol) are turned into
 * {@link ClaimedJob}s ({@code decodeRows}); then also sorted and passed through the producer's prefetch
 * buffer, the {@link ClaimOrderBuffer} that keeps {@link Producer#CLAIM_ORDER} across claims
 * ({@code decodeAndBuffer}), beside the heap it replaced ({@code decodeAndHeap}, a {@link PriorityQueue}).
 *
 * <p>Per-job normalisation: each invocation handles the whole batch and is annotated
 * {@code @OperationsPerInvocation(BATCH)}, so every score is jobs/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClaimRowsBenchmark {

  /** The worker's default claim batch. */
  public static final int BATCH = WorkerOptions.DEFAULT_BATCH_SIZE;
  /** A full prefetch buffer holds about this many claims: the heap the buffer keeps is this deep. */
  static final int CLAIMS_BUFFERED = 2;

  private Vertx vertx;
  private List<Row> rows;
  private final PriorityQueue<ClaimedJob> buffer = new PriorityQueue<>(Producer.CLAIM_ORDER);
  private final ClaimOrderBuffer ordered = new ClaimOrderBuffer(Producer.CLAIM_ORDER);

  @Setup
  public void setUp() {
    vertx = Vertx.vertx();
    Spool spool = Spool.builder(vertx).connectingTo(DatabaseChoice.shared(DatabaseChoice.ENV))
        .options(new SpoolOptions().setSchema(ClaimAckBenchmark.SCHEMA)).build();
    Queries queries = new Queries(spool.options().getSchema());
    try {
      await(spool.pool().query(queries.script(ClaimAckBenchmark.SETUP_SCRIPT).strip()).execute());
      await(spool.migrate());
      await(spool.client().enqueueBatch(DispatchBenchmark.TASK,
          Collections.nCopies(BATCH, new JsonObject().put("user", 1234567).put("to", "someone@example.com")),
          new EnqueueOptions()));
      SqlClient connection = spool.connect(PgBuilder.client().with(new PoolOptions().setMaxSize(1))).using(vertx).build();
      rows = new ArrayList<>(BATCH);
      await(connection.preparedQuery(queries.get("ClaimJobs")).execute(Tuple.of(EnqueueOptions.DEFAULT_QUEUE,
          new String[] {DispatchBenchmark.TASK.name()}, BATCH, "jmh-rows", (double) WorkerOptions.DEFAULT_LEASE.toMillis())))
          .forEach(rows::add);
      await(connection.close());
      if (rows.size() != BATCH) {
        throw new IllegalStateException("claimed " + rows.size() + " jobs, wanted " + BATCH);
      }
      await(spool.pool().query(queries.script(ClaimAckBenchmark.SETUP_SCRIPT).strip()).execute());
    } finally {
      await(spool.close());
    }
    // the buffer holds earlier claims' jobs, as a busy producer's does
    for (int i = 0; i < CLAIMS_BUFFERED - 1; i++) {
      List<ClaimedJob> earlier = decode();
      earlier.sort(Producer.CLAIM_ORDER);
      buffer.addAll(earlier);
      ordered.addSorted(earlier);
    }
  }

  private List<ClaimedJob> decode() {
    List<ClaimedJob> jobs = new ArrayList<>(rows.size());
    for (Row row : rows) {
      jobs.add(ClaimedJob.fromClaimRow(vertx, row, Lineage.NONE));
    }
    return jobs;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<ClaimedJob> decodeRows() {
    return decode();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long decodeAndHeap() {
    List<ClaimedJob> jobs = decode();
    jobs.sort(Producer.CLAIM_ORDER);
    buffer.addAll(jobs);
    long sum = 0;
    for (int i = 0; i < BATCH; i++) {
      sum += buffer.poll().id();
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long decodeAndBuffer() {
    List<ClaimedJob> jobs = decode();
    jobs.sort(Producer.CLAIM_ORDER);
    ordered.addSorted(jobs);
    long sum = 0;
    for (int i = 0; i < BATCH; i++) {
      sum += ordered.poll().id();
    }
    return sum;
  }

  @TearDown
  public void tearDown() {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }
}
