package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JobContext#completeInTransaction}: a handler's writes to Spool's database and its job's completion
 * commit together, fenced like every ack, or not at all.
 */
class TransactionalCompletionTest extends SpoolTestBase {

  static final Task<JsonObject> PAY = Task.json("pay");
  static final Duration WAIT = Duration.ofSeconds(10);
  static final HandlerOptions QUICK_RETRY = new HandlerOptions()
      .setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(50)));

  @BeforeEach
  void effectsTable() {
    // No unique key on purpose: a second write of an effect must show as a second row, not an error.
    sql("create table {schema}.effects (job_id bigint not null, attempt int not null)");
  }

  /** The handler's effect: one row, written on the transaction's connection. */
  Future<Void> writeEffect(io.vertx.sqlclient.SqlConnection conn, JobContext ctx) {
    return conn.preparedQuery("insert into " + schema + ".effects (job_id, attempt) values ($1, $2)")
        .execute(Tuple.of(ctx.id(), ctx.attempt())).mapEmpty();
  }

  long effects(String where) {
    return sql("select count(*) from {schema}.effects where " + where).iterator().next().getLong(0);
  }

  void deploy(JobHandler<JsonObject> handler) {
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions(), new JobHandlers().register(PAY, handler, QUICK_RETRY)),
        new DeploymentOptions()));
  }

  @Test
  void theWritesAndTheCompletionCommitTogetherAndTheWorkerAcksNothingMore() {
    deploy((args, ctx) -> ctx.completeInTransaction(conn -> writeEffect(conn, ctx)));
    List<Long> ids = await(spool.client().enqueueBatch(PAY, IntStream.range(0, 20).mapToObj(i -> new JsonObject()).toList(),
        new EnqueueOptions()));

    eventually(WAIT, () -> count("true") == 0); // completed, and (no retention asked) deleted in the transaction
    assertThat(effects("true")).isEqualTo(20);
    assertThat(sql("select count(distinct job_id) from {schema}.effects").iterator().next().getLong(0)).isEqualTo(20);
    assertThat(sql("select count(*) from {schema}.effects where job_id <> all($1)", (Object) ids.toArray(new Long[0]))
        .iterator().next().getLong(0)).isZero();
    assertThat(spool.stats().completed()).isEqualTo(20);
    assertThat(spool.stats().lateAcks()).isZero(); // no second ack of a job its transaction completed
  }

  @Test
  void aRunRescuedBeforeItsTransactionCommitsIsRolledBackAndItsEffectIsWrittenOnceByTheNextRun() {
    Promise<Void> rescued = Promise.promise();
    Map<Integer, Future<Void>> outcomes = new ConcurrentHashMap<>();
    deploy((args, ctx) -> {
      Future<Void> done = ctx.completeInTransaction(conn -> writeEffect(conn, ctx)
          // the first run is slow: its job is rescued (the worker looked dead) before it commits
          .compose(v -> ctx.attempt() == 1 ? rescued.future() : Future.succeededFuture()));
      outcomes.put(ctx.attempt(), done);
      return done;
    });
    long id = await(spool.client().enqueue(PAY, new JsonObject()));
    eventually(WAIT, () -> outcomes.containsKey(1));

    // What the rescuer does to a job whose worker it takes for dead.
    sql("update {schema}.jobs set state = 'available', lease_owner = null, lease_expires_at = null where id = $1", id);
    eventually(WAIT, () -> outcomes.containsKey(2) && outcomes.get(2).isComplete());
    rescued.complete(); // the first run now tries to commit: its fence no longer holds

    eventually(WAIT, () -> outcomes.get(1).isComplete());
    assertThat(outcomes.get(1).cause()).isInstanceOf(JobFencedException.class);
    assertThat(outcomes.get(2).succeeded()).isTrue();
    assertThat(effects("true")).isEqualTo(1);
    assertThat(effects("attempt = 2")).isEqualTo(1);
    eventually(WAIT, () -> spool.stats().lateAcks() == 1); // the fenced run is counted like any late ack
    assertThat(count("true")).isZero();
    assertThat(spool.stats().retried()).isZero(); // a fenced run is not a failure
  }

  @Test
  void aHandlerFailingAfterItsWritesRollsThemBackAndTheJobIsRetried() {
    deploy((args, ctx) -> ctx.completeInTransaction(conn -> writeEffect(conn, ctx)
        .compose(v -> ctx.attempt() == 1 ? Future.failedFuture(new IllegalStateException("card declined"))
            : Future.succeededFuture())));
    await(spool.client().enqueue(PAY, new JsonObject()));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(effects("true")).isEqualTo(1); // the first run's write went with its rollback
    assertThat(effects("attempt = 2")).isEqualTo(1);
    assertThat(spool.stats().retried()).isEqualTo(1);
    assertThat(spool.stats().completed()).isEqualTo(1);
  }

  @Test
  void aSecondCallInOneRunIsRefusedAndTheFirstStillDecides() {
    Promise<Throwable> second = Promise.promise();
    deploy((args, ctx) -> {
      Future<Void> first = ctx.completeInTransaction(conn -> writeEffect(conn, ctx));
      ctx.completeInTransaction(conn -> writeEffect(conn, ctx)).onFailure(second::tryComplete);
      return first;
    });
    await(spool.client().enqueue(PAY, new JsonObject()));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(await(second.future())).isInstanceOf(IllegalStateException.class).hasMessageContaining("already called");
    assertThat(effects("true")).isEqualTo(1);
  }

  @Test
  void aWorkflowStepCompletedInItsTransactionReleasesTheNextStepAndAnAwaiterHearsOfIt() {
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.chain("pay-then-ship",
        List.of(JobRequest.of(PAY, new JsonObject()), JobRequest.of(PAY, new JsonObject())))));
    List<Long> steps = sql("select id from {schema}.jobs where workflow_id = $1 order by id", run.id()).stream()
        .map(row -> row.getLong(0)).toList();
    // The awaiter marks the step before any worker runs: a finished job nobody awaits is not kept to be awaited.
    Future<JobResult> lastStep = spool.client().await(steps.get(1), WAIT);
    eventually(WAIT, () -> count("id = $1 and awaited", steps.get(1)) == 1);
    deploy((args, ctx) -> ctx.completeInTransaction(conn -> writeEffect(conn, ctx)));

    assertThat(await(lastStep).state()).isEqualTo(JobState.COMPLETED);
    assertThat(effects("true")).isEqualTo(2);
    assertThat(spool.stats().lateAcks()).isZero();
  }

  @Test
  void moreTransactionsAtOnceThanThePoolHasConnectionsAreWarnedOfOnceAndStillComplete() {
    Spool small = newSpool(vertx, new SpoolOptions().setSchema(schema).setPoolSize(1));
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(
        dev.spool.impl.complete.TxCompleter.class.getName());
    List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        warnings.add(new java.util.logging.SimpleFormatter().formatMessage(record));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(capture);
    try {
      // each transaction holds the one connection for 100 ms: four handlers at once wait for it
      await(vertx.deployVerticle(() -> small.worker(new WorkerOptions().setConcurrency(4), new JobHandlers().register(PAY,
          (args, ctx) -> ctx.completeInTransaction(conn -> writeEffect(conn, ctx)
              .compose(v -> conn.query("select pg_sleep(0.1)").execute()).mapEmpty()), QUICK_RETRY)),
          new DeploymentOptions()));
      await(small.client().enqueueBatch(PAY, IntStream.range(0, 8).mapToObj(i -> new JsonObject()).toList(),
          new EnqueueOptions()));

      eventually(WAIT, () -> count("true") == 0);
      assertThat(effects("true")).isEqualTo(8);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).contains("pool of 1 connections").contains("SpoolOptions.poolSize");
    } finally {
      log.removeHandler(capture);
    }
  }
}
