package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FlowControlTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  @Override
  protected SpoolOptions spoolOptions() {
    // completed jobs stay, so the tests can read when each one started
    return new SpoolOptions().setRetention(new RetentionOptions().setCompleted(Duration.ofHours(1)));
  }

  @Test
  void fiftyConcurrentEnqueuesOfOneUniqueKeyMakeOneJob() {
    EnqueueOptions options = new EnqueueOptions().setUniqueKey("import:42");
    List<Future<Long>> enqueues = IntStream.range(0, 50)
        .mapToObj(i -> spool.client().enqueue(WORK, new JsonObject().put("i", i), options)).toList();
    List<Long> ids = enqueues.stream().map(f -> await(f)).toList();
    assertThat(ids).hasSize(50).containsOnly(ids.get(0));
    assertThat(count("unique_key = 'import:42'")).isEqualTo(1);
  }

  @Test
  void aRolledBackTransactionFreesItsKey() throws Exception {
    EnqueueOptions options = new EnqueueOptions().setUniqueKey("invoice:7");
    Promise<Void> abort = Promise.promise();
    Future<Void> transaction = spool.pool().withTransaction(conn -> spool.client()
        .enqueue(conn, WORK, new JsonObject(), options)
        .compose(id -> abort.future()));
    // Meanwhile another enqueue of the key waits for the transaction to end...
    Thread.sleep(200);
    Future<Long> other = spool.client().enqueue(WORK, new JsonObject().put("second", true), options);
    Thread.sleep(300);
    assertThat(other.isComplete()).isFalse();
    abort.fail(new IllegalStateException("business write failed"));
    assertThatThrownBy(() -> await(transaction)).hasMessageContaining("business write failed");
    // ...and takes the key once it rolled back.
    long id = await(other);
    assertThat(count("true")).isEqualTo(1);
    assertThat(WORK.codec().decode(await(spool.client().find(id)).orElseThrow().args()).getBoolean("second")).isTrue();
  }

  @Test
  void lowerPriorityRunsFirstWithinAQueue() {
    int[] priorities = {5, -3, 0, 9, -3, 2, 1, 7, -1, 0};
    for (int p : priorities) {
      await(spool.client().enqueue(WORK, new JsonObject().put("p", p), new EnqueueOptions().setPriority(p)));
    }
    List<Integer> order = new CopyOnWriteArrayList<>();
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions().setConcurrency(1), new JobHandlers()
        .register(WORK, (args, ctx) -> {
          order.add(args.getInteger("p"));
          return Future.succeededFuture();
        })), new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> order.size() == priorities.length);
    assertThat(order).isSorted().hasSize(priorities.length);
  }

  @Test
  void batchesFollowPriorityAcrossPrioritiesAndJobsDueLaterAtAnyPriorityWait() {
    int[] due = {3, 1, 2, 1, 0, 3, 2, 0};
    for (int p : due) {
      await(spool.client().enqueue(WORK, new JsonObject().put("p", p), new EnqueueOptions().setPriority(p)));
    }
    for (int p : new int[] {-5, 1, 4}) { // a backlog for later, before, between and after the due priorities
      await(spool.client().enqueue(WORK, new JsonObject().put("p", p).put("later", true),
          new EnqueueOptions().setPriority(p).setRunAt(java.time.Instant.now().plus(Duration.ofHours(1)))));
    }
    List<Integer> order = new CopyOnWriteArrayList<>();
    // batches of two with no prefetch: each claim must pick the two best due jobs across priorities
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions().setConcurrency(1).setBatchSize(2).setPrefetch(0),
        new JobHandlers().register(WORK, (args, ctx) -> {
          order.add(args.getBoolean("later", false) ? 100 : args.getInteger("p"));
          return Future.succeededFuture();
        })), new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> order.size() == due.length);
    assertThat(order).containsExactly(0, 0, 1, 1, 2, 2, 3, 3);
    assertThat(count("state = 'available' and run_at > now()")).isEqualTo(3);
  }

  @Test
  void aRateLimitOfTenPerSecondHoldsAcrossThreeWorkers() throws Exception {
    await(spool.client().enqueueBatch(WORK, IntStream.range(0, 200).mapToObj(i -> new JsonObject()).toList(),
        new EnqueueOptions().setQueue("limited")));
    List<Long> startsNanos = new CopyOnWriteArrayList<>();
    JobHandlers handlers = new JobHandlers().register(WORK, (args, ctx) -> {
      startsNanos.add(System.nanoTime());
      return Future.succeededFuture();
    });
    WorkerOptions options = new WorkerOptions().setQueues("limited")
        .setQueueOptions("limited", new QueueOptions().setRateLimit(RateLimit.perSecond(10)));
    for (Vertx node : List.of(vertx, otherVertx(), otherVertx())) {
      Spool nodeSpool = newSpool(node, spoolOptions().setSchema(schema));
      await(node.deployVerticle(() -> nodeSpool.worker(options, handlers), new DeploymentOptions()));
    }
    Thread.sleep(5_000);
    List<Long> claimedMicros = new ArrayList<>();
    for (Row row : sql("select (extract(epoch from attempted_at) * 1000000)::bigint from {schema}.all_jobs"
        + " where attempted_at is not null order by 1")) {
      claimedMicros.add(row.getLong(0));
    }
    // On the database's clock, when each run was claimed: never more than 10 in a second.
    assertThat(maxInWindow(claimedMicros, 1_000_000)).isEqualTo(10);
    // The limit is also met, not starved: about 10 a second for 5 seconds.
    assertThat(claimedMicros).hasSizeBetween(45, 61);
    // Seen from the handlers (on the JVM's clock, give or take the claim's round trip).
    List<Long> starts = startsNanos.stream().sorted().map(n -> n / 1000).toList();
    assertThat(maxInWindow(starts, 800_000)).isLessThanOrEqualTo(10);
  }

  private static int maxInWindow(List<Long> sortedTimes, long window) {
    int max = 0;
    for (int i = 0, j = 0; i < sortedTimes.size(); i++) {
      while (sortedTimes.get(i) - sortedTimes.get(j) >= window) {
        j++;
      }
      max = Math.max(max, i - j + 1);
    }
    return max;
  }

  @Test
  void concurrencyIsLimitedPerWorkerAndAcrossWorkers() throws Exception {
    await(spool.client().enqueueBatch(WORK, IntStream.range(0, 40).mapToObj(i -> new JsonObject()).toList(),
        new EnqueueOptions().setQueue("slow")));
    await(spool.client().enqueueBatch(WORK, IntStream.range(0, 40).mapToObj(i -> new JsonObject()).toList(),
        new EnqueueOptions().setQueue("local")));
    AtomicInteger runningSlow = new AtomicInteger();
    AtomicInteger maxSlow = new AtomicInteger();
    Map<Vertx, AtomicInteger> runningLocal = new ConcurrentHashMap<>();
    AtomicInteger maxLocal = new AtomicInteger();
    JobHandlers handlers = new JobHandlers().register(WORK, (args, ctx) -> {
      boolean slow = ctx.queue().equals("slow");
      AtomicInteger running = slow ? runningSlow : runningLocal.computeIfAbsent(ctx.vertx(), v -> new AtomicInteger());
      (slow ? maxSlow : maxLocal).accumulateAndGet(running.incrementAndGet(), Math::max);
      Promise<Void> done = Promise.promise();
      ctx.vertx().setTimer(100, t -> {
        running.decrementAndGet();
        done.complete();
      });
      return done.future();
    });
    WorkerOptions options = new WorkerOptions().setQueues("slow", "local").setConcurrency(10)
        .setQueueOptions("slow", new QueueOptions().setGlobalConcurrency(3))
        .setQueueOptions("local", new QueueOptions().setConcurrency(2));
    for (Vertx node : List.of(vertx, otherVertx())) {
      Spool nodeSpool = newSpool(node, spoolOptions().setSchema(schema));
      await(node.deployVerticle(() -> nodeSpool.worker(options, handlers), new DeploymentOptions()));
    }
    eventually(Duration.ofSeconds(20), () -> countAll("state = 'completed'") == 80);
    assertThat(maxSlow).hasValue(3);   // across both workers
    assertThat(maxLocal).hasValue(2);  // per worker
  }

  @Test
  void aTaskRateLimitHoldsInEveryQueueAndLeavesOtherTasksAlone() throws Exception {
    Task<JsonObject> other = Task.json("other");
    for (String queue : List.of("a", "b")) {
      await(spool.client().enqueueBatch(WORK, IntStream.range(0, 20).mapToObj(i -> new JsonObject()).toList(),
          new EnqueueOptions().setQueue(queue)));
    }
    await(spool.client().enqueueBatch(other, IntStream.range(0, 20).mapToObj(i -> new JsonObject()).toList(),
        new EnqueueOptions().setQueue("a")));
    JobHandlers handlers = new JobHandlers().register(WORK, (args, ctx) -> Future.succeededFuture())
        .register(other, (args, ctx) -> Future.succeededFuture());
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions().setQueues("a", "b")
        .setTaskRateLimit("work", RateLimit.of(5, Duration.ofHours(1))), handlers), new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> countAll("task = 'other' and state = 'completed'") == 20);
    Thread.sleep(500);
    assertThat(countAll("task = 'work' and state = 'completed'")).isEqualTo(5);
    assertThat(count("task = 'work' and state = 'available'")).isEqualTo(35);
  }

  @Test
  void queueOptionsRoundTripThroughJson() {
    WorkerOptions options = new WorkerOptions().setQueues("a", "b")
        .setQueueOptions("a", new QueueOptions().setConcurrency(2).setGlobalConcurrency(5).setRateLimit(RateLimit.perMinute(10)))
        .setTaskRateLimit("t", RateLimit.perSecond(30));
    assertThat(new WorkerOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    assertThat(options.forQueue("a").getConcurrency()).isEqualTo(2);
    assertThat(options.forQueue("a").getPrefetch()).isZero();
    assertThatThrownBy(() -> RateLimit.perSecond(0)).hasMessageContaining("starts per window");
    assertThatThrownBy(() -> new QueueOptions().setGlobalConcurrency(0)).hasMessageContaining("globalConcurrency");
  }
}
