package dev.spool.impl.inline;

import dev.spool.JobHandlers;
import dev.spool.JobContext;
import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.Spool;
import dev.spool.WorkerOptions;
import dev.spool.impl.claim.ClaimLimits;
import dev.spool.impl.complete.Completer;
import dev.spool.impl.complete.OutcomeSink;
import dev.spool.impl.complete.TxCompleter;
import dev.spool.impl.execute.BlockingPools;
import dev.spool.impl.execute.Executor;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.job.Transactions;
import dev.spool.impl.sql.Lineage;
import dev.spool.impl.sql.Outcomes;
import dev.spool.impl.sql.Queries;
import dev.spool.impl.stats.Stats;
import dev.spool.spi.SpoolListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The test kit's hook into the runtime (spool-test builds it; nothing in the runtime does): runs jobs when
 * a test asks, through the worker's own parts, so a test sees what production would do. {@link #claimAndRun}
 * claims due jobs with the worker's claim statement ({@code ClaimJobs}), runs them one after the other with
 * the {@link Executor} (decoding, limits, outcome mapping, retry policy) and writes their outcomes with a
 * {@link Completer}; {@link #perform} runs a handler on arguments, without a row, through the same Executor,
 * and only records the outcome it decided.
 *
 * <p>It lives in {@code dev.spool.impl}, which no application code reaches through the API: an application
 * that does not depend on spool-test has no way to it. All work runs on one event-loop context of its own;
 * the methods may be called from any thread.
 */
public final class InlineRunner {

  /** A run's lease: long enough that no rescuer takes a job a test is running. */
  public static final Duration LEASE = Duration.ofMinutes(10);
  /** How long closing waits for outcomes still being written. */
  static final long DRAIN_TIMEOUT_MS = 30_000;

  private final Spool spool;
  private final Context context;
  private final String owner;
  private final Queries queries;
  private final String claimSql;
  private final Recording recording = new Recording();
  private final Completer completer;
  private final Executor executor;
  private final Executor performer;
  private final Lineage lineage;
  private final BlockingPools pools;

  /**
   * @param owner the lease owner of the jobs it claims (a worker's id, unique to this runner)
   * @param handlers the handlers jobs run with; a job of a task without one is never claimed
   */
  public InlineRunner(Spool spool, JobHandlers handlers, String owner) {
    this.spool = spool;
    this.owner = owner;
    this.context = spool.vertx().getOrCreateContext();
    this.queries = new Queries(spool.options().getSchema());
    this.claimSql = queries.get("ClaimJobs");
    Stats.Recorder stats = new Stats().recorder(recording);
    this.completer = new Completer(spool.vertx(), spool.pool(), queries, owner, spool.options().keepsCompletedJobs(),
        Completer.keepsResults(spool.options()), Duration.ofMillis(1), 1_000, Duration.ofMillis(DRAIN_TIMEOUT_MS),
        stats);
    this.lineage = new Outcomes(spool.pool(), queries);
    this.pools = BlockingPools.open(spool.vertx(), context, new WorkerOptions(), List.of()).result();
    int maxResultBytes = spool.options().getMaxResultBytes();
    this.executor = new Executor(spool.vertx(), handlers, recording.writingTo(completer), (job, delay) -> {}, stats,
        pools, new WorkerOptions().getStuckGrace(), owner, maxResultBytes)
        .transactions(new TxCompleter(spool.pool(), spool.options().getPoolSize(), queries, owner,
            spool.options().keepsCompletedJobs(), Completer.keepsResults(spool.options())));
    this.performer = new Executor(spool.vertx(), handlers, recording.writingTo(null), (job, delay) -> {}, stats,
        pools, new WorkerOptions().getStuckGrace(), owner, maxResultBytes)
        .transactions(new Transactions() {
          @Override
          public <T> Future<T> complete(ClaimedJob job, java.util.function.Function<SqlConnection, Future<T>> work) {
            return Future.failedFuture(new IllegalStateException("perform runs a handler without a job row, so "
                + "completeInTransaction has no job to complete: enqueue the job and drain it to test that"));
          }
        });
  }

  /**
   * Claims up to {@code max} due jobs of {@code queue} whose tasks are in {@code tasks}, runs them one after
   * the other in claim order (priority, run_at, id), writes their outcomes, and completes with them.
   *
   * @param limits worker options whose cluster-wide limits of the queue hold for the claim (rate windows,
   *     global concurrency, keyed queues) with the worker's own limited claim; null for the plain claim
   */
  public Future<List<InlineRun>> claimAndRun(String queue, List<String> tasks, int max, WorkerOptions limits) {
    String[] names = tasks.toArray(String[]::new);
    ClaimLimits claimLimits = limits == null ? null : ClaimLimits.of(limits, queue, Set.copyOf(tasks));
    return on(() -> (claimLimits == null
        ? spool.pool().preparedQuery(claimSql).execute(Tuple.of(queue, names, max, owner, (double) LEASE.toMillis()))
        : spool.pool().preparedQuery(queries.get(claimLimits.statement()))
            .execute(claimLimits.params(queue, names, max, owner, (double) LEASE.toMillis())))
        .compose(rows -> {
          List<ClaimedJob> jobs = new ArrayList<>(rows.size());
          for (Row row : rows) {
            if (row.getValue(0) != null) { // a limited claim's row without a job only says when to try again
              jobs.add(ClaimedJob.fromClaimRow(spool.vertx(), row, lineage));
            }
          }
          jobs.sort(Comparator.comparingInt(ClaimedJob::priority).thenComparing(ClaimedJob::runAt)
              .thenComparingLong(ClaimedJob::id));
          List<InlineRun> runs = new ArrayList<>(jobs.size());
          Future<Void> chain = Future.succeededFuture();
          for (ClaimedJob job : jobs) {
            chain = chain.compose(v -> executor.run(job)).map(v -> {
              runs.add(recording.take(job));
              return null;
            });
          }
          return chain.compose(v -> completer.drain(DRAIN_TIMEOUT_MS)).map(v -> runs);
        }));
  }

  /**
   * Runs the handler of {@code task} on {@code args} (encoded as an enqueue would) with a real job context
   * and no row: nothing is claimed or written. Completes with the outcome the runtime decided once the
   * handler has returned (or its hard limit passed).
   *
   * @param parents what {@link JobContext#parents()} answers, for a workflow step
   * @param cancelled true to run it as a job whose cancellation was asked for
   */
  public Future<InlineRun> perform(String task, byte[] args, String queue, int priority, int attempt,
      int maxAttempts, Duration timeout, List<JobResult> parents, boolean cancelled) {
    return on(() -> {
      Instant now = spool.clock().instant();
      ClaimedJob job = new ClaimedJob(spool.vertx(), 0, queue, task, args, priority, attempt, maxAttempts,
          timeout == null ? null : (int) timeout.toMillis(), null, now, now);
      job.lineage(new GivenParents(parents));
      if (cancelled) {
        job.cancel();
      }
      return performer.run(job).map(v -> recording.take(job));
    });
  }

  /** Writes what is still held and closes the blocking pool. */
  public Future<Void> close() {
    return on(() -> completer.drain(DRAIN_TIMEOUT_MS).eventually(pools::close));
  }

  private <T> Future<T> on(Supplier<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(promise);
      } catch (Throwable e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /** A run's parents as the test gave them. */
  private record GivenParents(List<JobResult> given) implements Lineage {
    @Override
    public Future<List<JobResult>> parents(long id) {
      return Future.succeededFuture(given);
    }

    @Override
    public Future<Map<JobState, Long>> parentStates(long id) {
      Map<JobState, Long> states = new java.util.EnumMap<>(JobState.class);
      given.forEach(p -> states.merge(p.state(), 1L, Long::sum));
      return Future.succeededFuture(states);
    }
  }

  /**
   * Collects each run's outcome: the Executor's decision (through the sink) and the handler's failure (through
   * the listener, which hears it with the throwable). Touched on the runner's event loop only.
   */
  private static final class Recording implements SpoolListener {
    private final Map<ClaimedJob, InlineRun> decided = new IdentityHashMap<>();
    private final Map<JobContext, Throwable> failures = new IdentityHashMap<>();

    OutcomeSink writingTo(OutcomeSink next) {
      return new OutcomeSink() {
        @Override
        public void completed(ClaimedJob job) {
          record(job, InlineRun.Kind.COMPLETED, 0, null);
          if (next != null) {
            next.completed(job);
          }
        }

        @Override
        public void retry(ClaimedJob job, long delayMs, JsonObject error) {
          record(job, InlineRun.Kind.RETRIED, delayMs, error);
          if (next != null) {
            next.retry(job, delayMs, error);
          }
        }

        @Override
        public void kill(ClaimedJob job, JsonObject error) {
          record(job, InlineRun.Kind.DEAD, 0, error);
          if (next != null) {
            next.kill(job, error);
          }
        }

        @Override
        public void snooze(ClaimedJob job, long delayMs) {
          record(job, InlineRun.Kind.SNOOZED, delayMs, null);
          if (next != null) {
            next.snooze(job, delayMs);
          }
        }
      };
    }

    @Override
    public void finished(JobContext job, Outcome outcome, long durationNanos, Throwable failure) {
      if (failure != null) {
        failures.put(job, failure);
      }
    }

    private void record(ClaimedJob job, InlineRun.Kind kind, long delayMs, JsonObject error) {
      decided.put(job, new InlineRun(job.id(), job.queue(), job.task(), job.attempt(), kind, job.result(), delayMs,
          error, null, job.takeProgress()));
    }

    /** The run's outcome; a job settled by its own transaction ({@code completeInTransaction}) completed. */
    InlineRun take(ClaimedJob job) {
      InlineRun run = decided.remove(job);
      Throwable failure = failures.remove(job);
      if (run == null) {
        return new InlineRun(job.id(), job.queue(), job.task(), job.attempt(), InlineRun.Kind.COMPLETED, job.result(),
            0, null, null, job.takeProgress());
      }
      return failure == null ? run : new InlineRun(run.id(), run.queue(), run.task(), run.attempt(), run.kind(),
          run.result(), run.delayMs(), run.error(), failure, run.progress());
    }
  }
}
