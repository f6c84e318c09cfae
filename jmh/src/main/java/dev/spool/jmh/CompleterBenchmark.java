package dev.spool.jmh;

import dev.spool.impl.stats.Stats;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.complete.Completer;
import dev.spool.impl.sql.Queries;
import dev.spool.spi.SpoolListener;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The completer's batching in memory: buffering each success, arming and cancelling the flush timer, and
 * turning a full batch into the array parameters of one {@code DeleteCompleted}, written to a client that
 * answers at once ({@link ImmediateSqlClient}). What is left over is the CPU a worker spends per ack on its
 * own side of the wire.
 *
 * <p>Per-job normalisation: each invocation acks {@value #JOBS_PER_INVOCATION} jobs on the event loop and
 * is annotated {@code @OperationsPerInvocation(JOBS_PER_INVOCATION)}, so the throughput score is jobs/s.
 * The flush interval is an hour, so every flush is triggered by a full batch ({@code ackBatchSize}), never
 * by the timer firing in the middle of a measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CompleterBenchmark {

  /** Enough jobs that the one hand-off to the event loop per invocation is noise. */
  public static final int JOBS_PER_INVOCATION = 100_000;
  /** Jobs are reused round-robin: the completer keeps no state on them. */
  private static final int JOB_POOL = 4096;

  @Param({"100", "1000"})
  public int ackBatchSize;

  private Vertx vertx;
  private OnEventLoop loop;
  private ImmediateSqlClient client;
  private Completer completer;
  private ClaimedJob[] jobs;

  @Setup
  public void setUp() {
    vertx = Vertx.vertx();
    loop = new OnEventLoop(vertx);
    client = new ImmediateSqlClient();
    completer = new Completer(vertx, client, new Queries("spool"), "jmh", false, true, Duration.ofHours(1), ackBatchSize, Duration.ZERO,
        new Stats().recorder(SpoolListener.NONE));
    jobs = jobs(vertx, JOB_POOL);
    // Flushes must complete synchronously on the immediate client, or the buffer would only grow.
    loop.run(() -> {
      for (int i = 0; i < ackBatchSize; i++) {
        completer.completed(jobs[i]);
      }
    });
    if (client.statements() != 1 || completer.backlog() != 0) {
      throw new IllegalStateException("a full batch did not flush at once: " + client.statements()
          + " statements, " + completer.backlog() + " outcomes held");
    }
  }

  @Benchmark
  @OperationsPerInvocation(JOBS_PER_INVOCATION)
  public long ack() {
    loop.run(() -> {
      for (int i = 0; i < JOBS_PER_INVOCATION; i++) {
        completer.completed(jobs[i & (JOB_POOL - 1)]);
      }
    });
    return client.parameters();
  }

  @TearDown
  public void tearDown() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Jobs as a claim returns them: small JSON arguments, first attempt. */
  static ClaimedJob[] jobs(Vertx vertx, int n) {
    byte[] args = "{\"i\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Instant now = Instant.now();
    ClaimedJob[] jobs = new ClaimedJob[n];
    for (int i = 0; i < n; i++) {
      jobs[i] = new ClaimedJob(vertx, i + 1, "default", DispatchBenchmark.TASK.name(), args, 0, 1, 20, null, null, now, now);
    }
    return jobs;
  }
}
