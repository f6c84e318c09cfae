package dev.spool.test;

import static dev.spool.test.impl.Await.result;

import dev.spool.HandlerOptions;
import dev.spool.JobClient;
import dev.spool.JobHandler;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.PeriodicJob;
import dev.spool.impl.inline.InlinePeriodics;
import dev.spool.impl.inline.InlineRun;
import dev.spool.impl.inline.InlineRunner;
import dev.spool.impl.inline.TestStore;
import dev.spool.spi.JobCodec;
import dev.spool.test.impl.Drainer;
import dev.spool.test.impl.EnqueueSignal;
import dev.spool.test.impl.Expectations;
import dev.spool.test.impl.TestClock;
import dev.spool.test.impl.Typos;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A test's view of its Spool: assertions on what was enqueued, handlers run on demand ({@link #drain},
 * {@link #perform}), and test time ({@link #advance}). The {@link SpoolExtension} makes one per test class,
 * on a schema of the class's own, and clears it before each test; a class's tests run one at a time.
 * {@link #of} binds one to a Spool the application built instead (in Spring: {@code @AutoConfigureSpoolTester}).
 *
 * <h2>Test time</h2>
 * Spool decides time in SQL ({@code now()}: run_at, retry backoff, leases; {@code clock_timestamp()}: rate
 * windows) and, for periodic slots, with its Java {@link java.time.Clock}. The tester's Spool connects with
 * a search_path that puts a schema of the test's, {@code <schema>_clock}, ahead of {@code pg_catalog}; that
 * schema defines {@code now()} and {@code clock_timestamp()} as PostgreSQL's plus a shift kept in one row, and
 * the Spool is built on a clock shifted alike. {@link #advance} adds to both shifts: everything that compares
 * with the present (due jobs, backoffs, windows, slots) moves at once, and no row is rewritten. Production
 * code is untouched: its connections have no such schema on their path and read {@code pg_catalog}'s
 * functions. A test that enqueues with an absolute {@code runAt} should take it from {@link #now()}. SQL of the
 * application's on the tester's pool reads test time through {@code now()} as well, but not through
 * {@code current_timestamp}, a keyword PostgreSQL does not look up on the search_path.
 */
public final class SpoolTester implements AutoCloseable {

  /** Most enqueued jobs an assertion reads. */
  public static final int MAX_JOBS_READ = 10_000;

  private final Vertx vertx;
  private final Spool spool;
  private final TestStore store;
  /** Null for a Spool not built with {@link #useTestTime}: its time cannot move. */
  private final TestClock clock;
  /** True when this tester made the Spool and its schema (and closes them), false when bound with {@link #of}. */
  private final boolean owned;
  private final Map<String, JobHandlers.Registration<?>> handlers = new LinkedHashMap<>();
  private InlineRunner runner;
  private InlinePeriodics periodics;
  private List<PeriodicJob<?>> periodicJobs = List.of();
  private EnqueueSignal signal;
  private int runners;

  private SpoolTester(Vertx vertx, Spool spool, TestStore store, TestClock clock, boolean owned) {
    this.vertx = vertx;
    this.spool = spool;
    this.store = store;
    this.clock = clock;
    this.owned = owned;
  }

  /**
   * A tester on a new, migrated schema of the database at {@code uri}, with its own Vert.x; {@link #close()}
   * drops the schema. The {@link SpoolExtension} calls this once per test class.
   *
   * @param uri the database's {@code postgresql://} URI
   * @param options the Spool's options; their schema is replaced by a new one of the tester's
   * @return the tester, to close when done
   */
  public static SpoolTester start(String uri, SpoolOptions options) {
    String schema = "st_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Vertx vertx = Vertx.vertx();
    Spool spool = useTestTime(Spool.builder(vertx).options(new SpoolOptions(options).setSchema(schema)), uri, schema)
        .build();
    TestStore store = new TestStore(schema);
    try {
      // the clock first: the migration's column defaults then read test time too
      result(store.createClock(spool.pool()));
      result(spool.migrate());
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
    return new SpoolTester(vertx, spool, store, (TestClock) spool.clock(), true);
  }

  /**
   * A tester bound to a Spool the application built (a Spring bean, say): its assertions, {@link #drain} and
   * {@link #reset} work on that Spool's schema and pool, on its Vert.x. {@link #advance} needs the Spool
   * built with {@link #useTestTime}; without it, it throws. {@link #close()} stops what the tester started and
   * leaves the Spool, its schema and its jobs to their owner. {@link #reset()} clears the schema's jobs: bind
   * it to a test database only.
   *
   * @param spool the application's Spool, migrated
   * @return a tester on that Spool
   */
  public static SpoolTester of(Spool spool) {
    TestStore store = new TestStore(spool.options().getSchema());
    // the clock's row, which reset() and now() read; on a Spool without test time, it is never shifted
    result(store.createClock(spool.pool()));
    TestClock clock = spool.clock() instanceof TestClock c ? c : null;
    return new SpoolTester(spool.vertx(), spool, store, clock, false);
  }

  /**
   * Puts a Spool being built for {@code schema} on test time, for {@link #of}: connects it to {@code uri} with
   * the schema's test clock ahead of {@code pg_catalog} on its search_path, and on a Java clock that
   * {@link #advance} shifts. Replaces the builder's database and clock; for a test's Spool only. Column
   * defaults of a schema migrated before the tester is bound read real time, which is never ahead of test
   * time, so jobs they date are due as they would be.
   *
   * @param builder the Spool's builder
   * @param uri     the test database's URI
   * @param schema  the schema the Spool will use
   * @return the same builder, on test time
   */
  public static Spool.Builder useTestTime(Spool.Builder builder, String uri, String schema) {
    PgConnectOptions connect = PgConnectOptions.fromUri(uri)
        .addProperty("search_path", TestStore.clockSchema(schema) + ", pg_catalog, \"$user\", public");
    return builder.connectingTo(connect).clock(new TestClock());
  }

  /** {@return the Spool of this tester, on its own schema} */
  public Spool spool() {
    return spool;
  }

  /** {@return the Spool's client, to enqueue as the application would} */
  public JobClient client() {
    return spool.client();
  }

  /** {@return the tester's own Vert.x instance} */
  public Vertx vertx() {
    return vertx;
  }

  /**
   * The schema of this test class.
   *
   * @return the schema's name
   */
  public String schema() {
    return spool.options().getSchema();
  }

  // ---- handlers

  /**
   * Registers (or replaces) the handler that {@link #drain} and {@link #perform} run for {@code task}.
   *
   * @param <A> the task's argument type
   * @param task the task
   * @param handler its handler
   * @return this tester
   */
  public <A> SpoolTester register(Task<A> task, JobHandler<A> handler) {
    return register(task, handler, new HandlerOptions());
  }

  /**
   * Registers (or replaces) the handler that {@link #drain} and {@link #perform} run for {@code task}, with its
   * own time limits and retry policy.
   *
   * @param <A> the task's argument type
   * @param task the task
   * @param handler its handler
   * @param options its time limits, retry policy and blocking flag
   * @return this tester
   * @throws IllegalArgumentException when the options do not hold together
   */
  public <A> SpoolTester register(Task<A> task, JobHandler<A> handler, HandlerOptions options) {
    // JobHandlers checks the options and says what is wrong with them
    JobHandlers checked = new JobHandlers().register(task, handler, options);
    handlers.put(task.name(), checked.get(task.name()));
    handlersChanged();
    return this;
  }

  /**
   * Registers (or replaces) the handler of JSON arguments for the task of this name.
   *
   * @param task the task's name
   * @param handler its handler
   * @return this tester
   */
  public SpoolTester register(String task, JobHandler<JsonObject> handler) {
    return register(Task.json(task), handler);
  }

  /**
   * Registers every handler of {@code all} (the application's own set), replacing those of the same tasks.
   *
   * @param all the handlers to register
   * @return this tester
   */
  public SpoolTester registerAll(JobHandlers all) {
    all.registrations().forEach(r -> handlers.put(r.task().name(), r));
    handlersChanged();
    return this;
  }

  /**
   * The handlers registered, as a set a worker could be deployed with.
   *
   * @return the handlers
   */
  public JobHandlers handlers() {
    JobHandlers all = new JobHandlers();
    handlers.values().forEach(r -> add(all, r));
    return all;
  }

  private static <A> void add(JobHandlers to, JobHandlers.Registration<A> r) {
    to.register(r.task(), r.handler(), r.options());
  }

  private void handlersChanged() {
    if (runner != null) {
      result(runner.close());
      runner = null;
    }
  }

  private InlineRunner runner() {
    if (runner == null) {
      runner = new InlineRunner(spool, handlers(), "spool-test/" + schema() + "/" + (++runners));
    }
    return runner;
  }

  // ---- time

  /**
   * The present in test time: real time plus every {@link #advance}.
   *
   * @return the instant in test time
   */
  public Instant now() {
    return result(store.now(spool.pool()));
  }

  /**
   * Spool's clock: real time plus every {@link #advance}.
   *
   * @return the clock
   */
  public java.time.Clock clock() {
    return spool.clock();
  }

  /**
   * Moves test time forward: jobs scheduled up to then are due, retries and snoozes whose backoff it covers
   * are due, rate windows and leases it covers have passed, periodic slots up to then are reached. Nothing
   * sleeps and no row changes. Time goes back to real time before each test.
   *
   * @param by how far, not negative
   * @return this tester
   */
  public SpoolTester advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("test time only moves forward, got " + by);
    }
    if (clock == null) {
      throw new IllegalStateException("advance: this Spool does not read test time; build it with "
          + "SpoolTester.useTestTime(builder, uri, schema) (in Spring: @AutoConfigureSpoolTester)");
    }
    double shiftMs = result(store.advance(spool.pool(), by.toNanos() / 1e6));
    clock.shift(Duration.ofNanos((long) (shiftMs * 1e6)));
    if (periodics != null) {
      result(periodics.passNow());
    }
    return this;
  }

  /**
   * Schedules these periodic jobs (replacing any declared before) as the elected leader would, from now on:
   * a slot reached, in real time or by {@link #advance}, is enqueued once; an advance past several slots
   * enqueues each (up to the job's maxCatchUp), as for a leader that ran all along. Like handlers, they
   * stay declared for the test class; their slots start afresh with each test.
   *
   * @param jobs the periodic jobs
   * @return this tester
   */
  public SpoolTester periodic(PeriodicJob<?>... jobs) {
    stopPeriodics();
    periodicJobs = List.of(jobs);
    startPeriodics();
    return this;
  }

  private void startPeriodics() {
    if (!periodicJobs.isEmpty()) {
      periodics = new InlinePeriodics(spool, periodicJobs);
      result(periodics.start());
    }
  }

  private void stopPeriodics() {
    if (periodics != null) {
      result(periodics.stop());
      periodics = null;
    }
  }

  // ---- assertions

  /**
   * The jobs enqueued and not yet run (available, scheduled, or waiting for parents), oldest first.
   *
   * @return the jobs, oldest first
   */
  public List<EnqueuedJob> allEnqueued() {
    return allEnqueued(spool.pool(), JobMatch.any());
  }

  /**
   * The enqueued jobs that {@code match} (for {@link JobMatch#any()}: all), oldest first.
   *
   * @param match the criteria
   * @return the matching jobs, oldest first
   */
  public List<EnqueuedJob> allEnqueued(JobMatch match) {
    return allEnqueued(spool.pool(), match);
  }

  /**
   * As {@link #allEnqueued(JobMatch)}, read on {@code connection}: its open transaction's jobs are seen.
   *
   * @param connection the connection or transaction to read on
   * @param match the criteria
   * @return the matching jobs, oldest first
   */
  public List<EnqueuedJob> allEnqueued(SqlClient connection, JobMatch match) {
    return read(connection).stream().filter(match::matches).toList();
  }

  /**
   * Asserts a job of {@code task} is enqueued whose arguments hold {@code args}; returns the oldest such.
   *
   * @param task the task's name
   * @param args the fields the arguments must hold
   * @return the oldest such job
   */
  public EnqueuedJob assertEnqueued(String task, JsonObject args) {
    return assertEnqueued(JobMatch.task(task).args(args));
  }

  /**
   * Asserts a job of {@code task} is enqueued whose arguments hold {@code args}; returns the oldest such.
   *
   * @param task the task
   * @param args the fields the arguments must hold
   * @return the oldest such job
   */
  public EnqueuedJob assertEnqueued(Task<?> task, JsonObject args) {
    return assertEnqueued(JobMatch.task(task).args(args));
  }

  /**
   * Asserts a job matching {@code match} is enqueued and returns the oldest such; the failure lists the
   * closest jobs that are enqueued, what differs in each, and a likely typo of the task name.
   *
   * @param match the criteria
   * @return the oldest matching job
   */
  public EnqueuedJob assertEnqueued(JobMatch match) {
    return assertEnqueued(spool.pool(), match);
  }

  /**
   * As {@link #assertEnqueued(JobMatch)}, read on {@code connection}: sees the jobs of its open transaction.
   *
   * @param connection the connection or transaction to read on
   * @param match the criteria
   * @return the oldest matching job
   */
  public EnqueuedJob assertEnqueued(SqlClient connection, JobMatch match) {
    List<EnqueuedJob> jobs = read(connection);
    return jobs.stream().filter(match::matches).findFirst()
        .orElseThrow(() -> new AssertionError(Expectations.noMatch(match, jobs, handlers.keySet(), MAX_JOBS_READ)));
  }

  /**
   * Asserts a job matching {@code match} is enqueued within {@code timeout} (by another thread, a handler, a
   * worker): it looks again each time a job is enqueued (the schema's enqueue notification), and after a
   * growing pause for scheduled jobs, which do not notify.
   *
   * @param timeout how long to look at most
   * @param match the criteria
   * @return the oldest matching job
   */
  public EnqueuedJob assertEnqueuedWithin(Duration timeout, JobMatch match) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMs = 5;
    while (true) {
      long seen = signal().seen();
      List<EnqueuedJob> jobs = read(spool.pool());
      for (EnqueuedJob job : jobs) {
        if (match.matches(job)) {
          return job;
        }
      }
      long leftMs = (deadline - System.nanoTime()) / 1_000_000;
      if (leftMs <= 0) {
        throw new AssertionError(Expectations.noMatch(match, jobs, handlers.keySet(), MAX_JOBS_READ)
            .replaceFirst("\nbut ", "\nwithin " + timeout.toMillis() + " ms, but "));
      }
      try {
        signal().awaitAfter(seen, Math.min(leftMs, pauseMs));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + match, e);
      }
      pauseMs = Math.min(pauseMs * 2, 200);
    }
  }

  /**
   * Asserts no job of {@code task} is enqueued.
   *
   * @param task the task's name
   */
  public void refuteEnqueued(String task) {
    refuteEnqueued(JobMatch.task(task));
  }

  /**
   * Asserts no job matching {@code match} is enqueued. A task named by a string that no handler is registered
   * for and no enqueued job has, but that is close to one that is, fails as a likely typo: such a refutation
   * could never fail.
   *
   * @param match the criteria
   */
  public void refuteEnqueued(JobMatch match) {
    refuteEnqueued(spool.pool(), match);
  }

  /**
   * As {@link #refuteEnqueued(JobMatch)}, read on {@code connection}, its open transaction's jobs included.
   *
   * @param connection the connection or transaction to read on
   * @param match the criteria
   */
  public void refuteEnqueued(SqlClient connection, JobMatch match) {
    List<EnqueuedJob> jobs = read(connection);
    List<EnqueuedJob> matching = jobs.stream().filter(match::matches).toList();
    if (!matching.isEmpty()) {
      throw new AssertionError(Expectations.unexpected(match, matching));
    }
    String typo = match.isTaskDeclared() ? null : Expectations.typo(match.taskName(), jobs, handlers.keySet());
    if (typo != null) {
      throw new AssertionError("refuting " + match + " proves nothing: " + typo);
    }
  }

  private List<EnqueuedJob> read(SqlClient connection) {
    return result(store.enqueued(connection, MAX_JOBS_READ)).stream()
        .map(row -> Expectations.job(row, this::codecOf)).toList();
  }

  private JobCodec<?> codecOf(String task) {
    JobHandlers.Registration<?> r = handlers.get(task);
    return r == null ? null : r.task().codec();
  }

  // ---- running jobs

  /**
   * Runs the jobs of {@code queue} due now, once each, with the registered handlers; returns their outcomes.
   *
   * @param queue the queue's name
   * @return the outcomes, in the order the jobs ran
   */
  public DrainResult drain(String queue) {
    return drain(queue, new DrainOptions());
  }

  /**
   * Runs the due jobs of {@code queue} with the registered handlers, through the worker's own claim, execution
   * and outcome writing; returns the outcomes in the order the jobs ran. Throws {@link IllegalStateException}
   * when a due job's task has no handler (rather than leaving it to wait), and when more than
   * {@link DrainOptions#getMaxJobs()} jobs would run.
   *
   * @param queue the queue's name
   * @param options how long to go on: once, or until idle
   * @return the outcomes, in the order the jobs ran
   */
  public DrainResult drain(String queue, DrainOptions options) {
    return drainQueues(List.of(queue), options);
  }

  /**
   * Runs the due jobs of every queue: {@code drainAll(DrainOptions.untilIdle())} runs workflows to their end.
   *
   * @param options how long to go on: once, or until idle
   * @return the outcomes, in the order the jobs ran
   */
  public DrainResult drainAll(DrainOptions options) {
    return drainQueues(null, options);
  }

  private DrainResult drainQueues(List<String> queues, DrainOptions options) {
    String what = queues == null ? "drainAll" : "drain(\"" + queues.get(0) + "\")";
    List<InlineRun> runs = new Drainer(spool.pool(), store, handlers.keySet(), this::runner).drain(what, queues, options);
    return new DrainResult(runs.stream().map(this::outcome).toList());
  }

  /**
   * Runs the handler of {@code task} on {@code args} as a first attempt, without enqueueing.
   *
   * @param <A> the task's argument type
   * @param task the task, whose handler must be registered
   * @param args the arguments
   * @return the run's outcome
   */
  public <A> JobOutcome perform(Task<A> task, A args) {
    return perform(task, args, new PerformOptions());
  }

  /**
   * Runs the handler of the task of this name on JSON {@code args} as a first attempt, without enqueueing.
   *
   * @param task the task's name, whose handler must be registered
   * @param args the arguments
   * @return the run's outcome
   */
  public JobOutcome perform(String task, JsonObject args) {
    return perform(Task.json(task), args, new PerformOptions());
  }

  /**
   * Runs the registered handler of {@code task} on {@code args} with a real job context (its attempt, limits,
   * progress, cancellation, a workflow step's parents from {@code options}) and no row: nothing is enqueued or
   * written. Returns the outcome the runtime decides: completed with its result, retried at a time, dead,
   * or snoozed.
   *
   * @param <A> the task's argument type
   * @param task the task, whose handler must be registered
   * @param args the arguments
   * @param options the run's queue, priority, attempt, limits and parents
   * @return the run's outcome
   */
  public <A> JobOutcome perform(Task<A> task, A args, PerformOptions options) {
    if (!handlers.containsKey(task.name())) {
      String closest = Typos.closest(task.name(), handlers.keySet());
      throw new IllegalStateException("perform: no handler is registered for task \"" + task.name() + "\""
          + (closest != null ? "; did you mean \"" + closest + "\"?" : " (SpoolTester.register)"));
    }
    InlineRun run = result(runner().perform(task.name(), task.codec().encode(args), options.getQueue(),
        options.getPriority(), options.getAttempt(), options.getMaxAttempts(), options.getTimeout(),
        options.getParents(), options.isCancelled()));
    return outcome(run);
  }

  private JobOutcome outcome(InlineRun run) {
    JobHandlers.Registration<?> r = handlers.get(run.task());
    JobCodec<?> resultCodec = r == null ? null : r.task().resultCodec();
    JobOutcome.Kind kind = JobOutcome.Kind.valueOf(run.kind().name());
    boolean again = kind == JobOutcome.Kind.RETRIED || kind == JobOutcome.Kind.SNOOZED;
    Duration delay = Duration.ofMillis(run.delayMs());
    return new JobOutcome(run.id(), run.task(), run.queue(), run.attempt(), kind, run.result(), resultCodec, delay,
        again ? clock().instant().plus(delay) : null, run.error(), run.failure(), run.progress());
  }

  // ---- lifecycle

  /** Clears what the last test left (jobs, workflows, periodic slots, rate windows) and resets test time. */
  public void reset() {
    stopPeriodics();
    result(store.reset(spool.pool()));
    if (clock != null) {
      clock.shift(Duration.ZERO);
    }
    startPeriodics();
  }

  private EnqueueSignal signal() {
    if (signal == null) {
      signal = result(EnqueueSignal.listen(vertx, spool.connectOptions(), store.jobsChannel()));
    }
    return signal;
  }

  /**
   * Stops the runner and what else the tester started; for a tester of {@link #start}, drops the schema and
   * closes the Spool and its Vert.x, while one of {@link #of} leaves them to their owner.
   */
  @Override
  public void close() {
    try {
      stopPeriodics();
      if (runner != null) {
        result(runner.close());
      }
      if (signal != null) {
        result(signal.close());
      }
      if (owned) {
        result(store.drop(spool.pool()));
        result(spool.close());
      }
    } finally {
      if (owned) {
        result(vertx.close());
      }
    }
  }

}
