package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.WorkerProcess;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Keyed queues: per-key limits that hold across workers (counted from the handlers' own log, not from
 * Spool's tables), fair share between keys, and serial order per key with retries.
 */
class KeyedQueueTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  @Override
  protected SpoolOptions spoolOptions() {
    // completed jobs stay, so the tests can read when each one started on the database clock
    return new SpoolOptions().setRetention(new RetentionOptions().setCompleted(Duration.ofHours(1)));
  }

  @Test
  void keyConcurrencyHoldsAcrossThreeWorkerProcessesByTheirExecutionLog() throws Exception {
    sql(dev.spool.testing.LoggedWorkerProcess.CREATE_LOG);
    await(spool.client().pauseQueue("tenants")); // until every process is up, so that all three take part
    for (String key : List.of("a", "b", "c")) {
      await(spool.client().enqueueAll(Collections.nCopies(30, new JobRequest<>(dev.spool.testing.LoggedWorkerProcess.LOGGED,
          new JsonObject().put("key", key), new EnqueueOptions().setQueue("tenants").setKey(key)))));
    }
    List<Process> processes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        processes.add(dev.spool.testing.LoggedWorkerProcess.start(dev.spool.testing.TestDatabase.uri(), schema, "tenants", 2));
      }
      await(spool.client().resumeQueue("tenants"));
      eventually(Duration.ofSeconds(60), () -> sql("select count(*) from {schema}.exec_log where ended_at is not null")
          .iterator().next().getLong(0) == 90);
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
    // every start +1, every end -1, in time order per key (an end before a start at the same instant)
    Map<String, Long> mostAtOnce = new java.util.TreeMap<>();
    for (Row row : sql("with ev as (select key, started_at as t, 1 as d from {schema}.exec_log"
        + " union all select key, ended_at, -1 from {schema}.exec_log)"
        + " select key, max(n) from (select key, sum(d) over (partition by key order by t, d rows unbounded preceding) as n"
        + " from ev) r group by key")) {
      mostAtOnce.put(row.getString(0), row.getLong(1));
    }
    assertThat(mostAtOnce).as("most runs of one key at once, from the log").containsOnlyKeys("a", "b", "c")
        .allSatisfy((key, n) -> assertThat(n).isEqualTo(2));
    assertThat(sql("select count(distinct worker) from {schema}.exec_log").iterator().next().getLong(0))
        .as("processes that ran jobs").isGreaterThan(1);
  }

  @Test
  void aFairQueueServesASmallKeyWhileABigOneHasABacklog() {
    await(spool.client().enqueueAll(Collections.nCopies(2000, new JobRequest<>(WORK, new JsonObject().put("key", "big"),
        new EnqueueOptions().setQueue("fair").setKey("big")))));
    await(spool.client().enqueueAll(Collections.nCopies(10, new JobRequest<>(WORK, new JsonObject().put("key", "small"),
        new EnqueueOptions().setQueue("fair").setKey("small")))));
    List<String> order = new CopyOnWriteArrayList<>();
    await(vertx.deployVerticle(spool.worker(new WorkerOptions().setQueues("fair").setConcurrency(4)
        .setQueueOptions("fair", new QueueOptions().setFair(true)), new JobHandlers().register(WORK, (args, ctx) -> {
          order.add(args.getString("key"));
          return Future.succeededFuture();
        }))));
    eventually(Duration.ofSeconds(60), () -> order.size() == 2010);
    int lastSmall = order.lastIndexOf("small");
    assertThat(lastSmall).as("position of the small key's last run among 2,010").isLessThan(40);
  }

  /** Keys per claim, from one fair-only claim of {@code batch} on queue "fair". */
  private Map<String, Integer> claimFair(int batch) {
    Map<String, Integer> perKey = new java.util.TreeMap<>();
    for (Row row : sql("select j.key from {schema}.claim_keyed('fair', '{work}', $1, 'test-owner', 30000, null, null, null,"
        + " null, false, false, null, null, 100) c join {schema}.jobs j on j.id = c.id", batch)) {
      perKey.merge(row.getString(0), 1, Integer::sum);
    }
    return perKey;
  }

  private void enqueueKeyed(String key, int jobs) {
    await(spool.client().enqueueAll(Collections.nCopies(jobs, new JobRequest<>(WORK, new JsonObject(),
        new EnqueueOptions().setQueue("fair").setKey(key)))));
  }

  @Test
  void aFairClaimSharesItsBatchEquallyAndGivesWhatASmallKeyLeavesToTheOthers() {
    enqueueKeyed("a", 100);
    enqueueKeyed("b", 100);
    enqueueKeyed("c", 3);
    // three keys: a share of 17 each; c has only 3, so its 14 go to the keys with more, in walk order
    Map<String, Integer> first = claimFair(50);
    assertThat(first.values().stream().mapToInt(Integer::intValue).sum()).as("a full batch").isEqualTo(50);
    assertThat(first).containsEntry("c", 3);
    assertThat(first.get("a")).isGreaterThanOrEqualTo(17);
    assertThat(first.get("b")).isGreaterThanOrEqualTo(17);
  }

  @Test
  void aFairClaimOverManyKeysWithOneJobEachStillFillsItsBatch() {
    for (int k = 0; k < 300; k++) {
      enqueueKeyed(String.format("k%03d", k), 1);
    }
    // a share of at least ten a key, but each has one job: the walk goes on until the batch is full
    assertThat(claimFair(200)).hasSize(200).allSatisfy((key, n) -> assertThat(n).isEqualTo(1));
    // and the next claim starts after the last key served, with the 100 keys left
    assertThat(claimFair(200)).hasSize(100).containsKeys("k200", "k299").doesNotContainKey("k199");
  }

  @Test
  void aSerialKeyRunsOneAtATimeInOrderAndARetryHoldsItsPlace() {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ids.add(await(spool.client().enqueue(WORK, new JsonObject().put("i", i).put("failOnce", i == 3),
          new EnqueueOptions().setQueue("docs").setKey("doc-1"))));
    }
    // another key runs meanwhile: serial is per key, not per queue
    for (int i = 0; i < 5; i++) {
      await(spool.client().enqueue(WORK, new JsonObject().put("i", 100 + i), new EnqueueOptions().setQueue("docs").setKey("doc-2")));
    }
    List<Integer> started = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlap = new AtomicInteger();
    HandlerOptions quickRetry = new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(300)).setJitter(0));
    WorkerOptions options = new WorkerOptions().setQueues("docs").setConcurrency(8)
        .setQueueOptions("docs", new QueueOptions().setSerial(true));
    for (int worker = 0; worker < 2; worker++) {
      Vertx node = worker == 0 ? vertx : otherVertx();
      Spool spoolOfNode = worker == 0 ? spool : newSpool(node, spoolOptions().setSchema(schema));
      await(node.deployVerticle(spoolOfNode.worker(options, new JobHandlers().register(WORK, (args, ctx) -> {
        int i = args.getInteger("i");
        if (i >= 100) {
          return Future.succeededFuture();
        }
        started.add(i);
        if (running.incrementAndGet() > 1) {
          overlap.incrementAndGet();
        }
        Promise<Void> finished = Promise.promise();
        node.setTimer(15, t -> {
          running.decrementAndGet();
          if (args.getBoolean("failOnce") && ctx.attempt() == 1) {
            finished.fail(new IllegalStateException("first attempt fails"));
          } else {
            finished.complete();
          }
        });
        return finished.future();
      }, quickRetry))));
    }
    eventually(Duration.ofSeconds(60), () -> countAll("state = 'completed'") == 17);
    assertThat(overlap.get()).as("runs of doc-1 that overlapped another").isZero();
    assertThat(started).containsExactly(0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11);
  }

  @Test
  void aSerialKeyWhoseWorkerWasKilledRunsNothingElseUntilTheRescueAndThenInOrder() throws Exception {
    Task<JsonObject> hold = Task.json("hold");
    long first = await(spool.client().enqueue(hold, new JsonObject(), new EnqueueOptions().setQueue("docs").setKey("doc-9")));
    long second = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("docs").setKey("doc-9")));
    WorkerProcess.Started victim = WorkerProcess.start(dev.spool.testing.TestDatabase.uri(), schema, "docs");
    eventually(Duration.ofSeconds(30), () -> count("id = " + first + " and state = 'running'") == 1);

    List<String> ran = new CopyOnWriteArrayList<>();
    WorkerOptions options = WorkerProcess.fastLiveness().setQueues("docs")
        .setQueueOptions("docs", new QueueOptions().setSerial(true));
    await(vertx.deployVerticle(spool.worker(options, new JobHandlers()
        .register(hold, (args, ctx) -> {
          ran.add("hold#" + ctx.attempt());
          return Future.succeededFuture();
        })
        .register(WORK, (args, ctx) -> {
          ran.add("work");
          return Future.succeededFuture();
        }))));
    Thread.sleep(1_500); // the survivor claims on: the key's first job is still running on the victim
    assertThat(ran).isEmpty();

    victim.process().destroyForcibly(); // kill -9
    eventually(Duration.ofSeconds(30), () -> ran.size() == 2);
    assertThat(ran).containsExactly("hold#2", "work");
    eventually(Duration.ofSeconds(10), () -> countAll("id in (" + first + ", " + second + ") and state = 'completed'") == 2);
  }

  @Test
  void aKeyRateLimitHoldsInEveryWindowOfTheDatabaseClock() {
    await(spool.client().enqueueAll(Collections.nCopies(25, new JobRequest<>(WORK, new JsonObject(),
        new EnqueueOptions().setQueue("api").setKey("account-9")))));
    await(vertx.deployVerticle(spool.worker(new WorkerOptions().setQueues("api")
        .setQueueOptions("api", new QueueOptions().setKeyRateLimit(RateLimit.perSecond(10))),
        new JobHandlers().register(WORK, (args, ctx) -> Future.succeededFuture()))));
    eventually(Duration.ofSeconds(30), () -> countAll("state = 'completed'") == 25);
    List<Row> starts = new ArrayList<>();
    sql("select attempted_at from {schema}.all_jobs order by attempted_at").forEach(starts::add);
    long mostInOneSecond = 0;
    for (Row from : starts) {
      var begin = from.getOffsetDateTime("attempted_at");
      mostInOneSecond = Math.max(mostInOneSecond, starts.stream().map(r -> r.getOffsetDateTime("attempted_at"))
          .filter(t -> !t.isBefore(begin) && t.isBefore(begin.plusSeconds(1))).count());
    }
    assertThat(mostInOneSecond).isEqualTo(10);
  }

  @Test
  void anOperatorSeesAQueuesKeysWithWorkBusiestFirst() {
    for (String key : List.of("a", "a", "a", "a", "a", "b", "b")) {
      await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("tenants").setKey(key)));
    }
    await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("other").setKey("c")));
    JobAdmin admin = spool.admin();
    try {
      QueueKeys keys = await(admin.keys("tenants", 1));
      assertThat(keys.keysWithWork()).isEqualTo(2);
      assertThat(keys.busiest()).singleElement().satisfies(a -> {
        assertThat(a.key()).isEqualTo("a");
        assertThat(a.available()).isEqualTo(5);
        assertThat(a.running()).isZero();
        assertThat(a.recentStarts()).isZero();
        assertThat(a.oldestWait()).isNotNull(); // due since it was enqueued
      });
      assertThat(await(admin.list(new JobQuery().setKey("a")))).hasSize(5).allSatisfy(j -> assertThat(j.key()).isEqualTo("a"));
      assertThat(await(spool.client().find(await(spool.client().enqueue(WORK, new JsonObject(),
          new EnqueueOptions().setKey("shown")))))).get().extracting(Job::key).isEqualTo("shown");
    } finally {
      await(admin.close());
    }
  }

  @Test
  void badKeysAndLimitsAreRefusedBeforeAnythingIsStored() {
    assertThatThrownBy(() -> new EnqueueOptions().setKey("k".repeat(256))).hasMessageContaining("key must be 1..255");
    assertThatThrownBy(() -> new EnqueueOptions().setKey("")).hasMessageContaining("key must be 1..255");
    assertThatThrownBy(() -> new QueueOptions().setKeyConcurrency(0)).hasMessageContaining("keyConcurrency must be at least 1");
    assertThatThrownBy(() -> new QueueOptions().setKeyWeights(Map.of("vip", 0))).hasMessageContaining("weight of key vip");
    assertThatThrownBy(() -> sql("insert into {schema}.jobs (task, args, key) values ('t', ''::bytea, repeat('k', 256))"))
        .hasMessageContaining("jobs_key_length");
    assertThat(count("true")).isZero();
  }

  @Test
  void plainSqlEnqueuesAKeyedJob() {
    long id = sql("select {schema}.enqueue('work', '{}'::jsonb, queue => 'tenants', key => 'acct-7')").iterator().next().getLong(0);
    assertThat(await(spool.client().find(id)).orElseThrow().key()).isEqualTo("acct-7");
  }
}
