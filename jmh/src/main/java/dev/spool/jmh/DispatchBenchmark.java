package dev.spool.jmh;

import dev.spool.impl.stats.Stats;
import dev.spool.JobHandlers;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.complete.Completer;
import dev.spool.impl.execute.BlockingPools;
import dev.spool.impl.execute.Executor;
import dev.spool.impl.sql.Queries;
import dev.spool.spi.SpoolListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dispatch path in memory: for each claimed job, the {@link Executor} decodes its JSON arguments,
 * calls a no-op handler, settles the run and hands the success to a {@link Completer}, which flushes
 * every {@link WorkerOptions#DEFAULT_ACK_BATCH_SIZE} outcomes to a client that answers at once
 * ({@link ImmediateSqlClient}). The loop also builds each job's {@link ClaimedJob}, as a claim does for
 * every row it returns (a run settles a job once, so jobs cannot be reused).
 *
 * <p>Per-job normalisation: each invocation dispatches {@value #JOBS_PER_INVOCATION} jobs on the event loop
 * and is annotated {@code @OperationsPerInvocation(JOBS_PER_INVOCATION)}, so the throughput score is jobs/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DispatchBenchmark {

  static final Task<JsonObject> TASK = Task.json("bench.noop");
  /** Enough jobs that the one hand-off to the event loop per invocation is noise. */
  public static final int JOBS_PER_INVOCATION = 100_000;

  private Vertx vertx;
  private OnEventLoop loop;
  private ImmediateSqlClient client;
  private Executor executor;
  private byte[] args;
  private Instant now;
  private long nextId;
  private long finished;

  @Setup
  public void setUp() {
    vertx = Vertx.vertx();
    loop = new OnEventLoop(vertx);
    client = new ImmediateSqlClient();
    Stats.Recorder stats = new Stats().recorder(SpoolListener.NONE);
    Completer completer = new Completer(vertx, client, new Queries("spool"), "jmh", false, true, Duration.ofHours(1),
        WorkerOptions.DEFAULT_ACK_BATCH_SIZE, Duration.ZERO, stats);
    JobHandlers handlers = new JobHandlers().register(TASK, (a, ctx) -> Future.succeededFuture());
    executor = new Executor(vertx, handlers, completer, (job, delayMs) -> { }, stats, BlockingPools.none(),
        WorkerOptions.DEFAULT_STUCK_GRACE, "jmh", dev.spool.SpoolOptions.DEFAULT_MAX_RESULT_BYTES);
    args = "{\"user\":1234567,\"to\":\"someone@example.com\"}".getBytes(StandardCharsets.UTF_8);
    now = Instant.now();
  }

  @Benchmark
  @OperationsPerInvocation(JOBS_PER_INVOCATION)
  public long dispatch() {
    loop.run(() -> {
      for (int i = 0; i < JOBS_PER_INVOCATION; i++) {
        ClaimedJob job = new ClaimedJob(vertx, ++nextId, "default", TASK.name(), args, 0, 1, 20, null, null, now, now);
        // The producer listens for the end of every run to free its slot; so does this loop.
        executor.run(job).onComplete(ar -> finished++);
      }
    });
    return finished + client.parameters();
  }

  @TearDown
  public void tearDown() {
    if (client.statements() == 0 || finished != nextId) {
      throw new IllegalStateException("the dispatch path did not complete its jobs: " + finished + " of " + nextId
          + " finished, " + client.statements() + " ack statements");
    }
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
