package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class JobClientTest extends SpoolTestBase {

  static final Task<JsonObject> EMAIL = Task.json("send-email");

  @Test
  void enqueuedJobIsStoredWithItsOptions() throws Exception {
    Instant runAt = Instant.now().plusSeconds(3600);
    long id = await(spool.client().enqueue(EMAIL, new JsonObject().put("to", "a@example.com"),
        new EnqueueOptions().setQueue("mail").setPriority(-3).setRunAt(runAt).setMaxAttempts(4)
            .setTimeout(Duration.ofSeconds(9))));

    Job job = await(spool.client().find(id)).orElseThrow();
    assertThat(job.queue()).isEqualTo("mail");
    assertThat(job.task()).isEqualTo("send-email");
    assertThat(EMAIL.codec().decode(job.args())).isEqualTo(new JsonObject().put("to", "a@example.com"));
    assertThat(job.priority()).isEqualTo(-3);
    assertThat(Duration.between(runAt, job.runAt()).abs()).isLessThan(Duration.ofMillis(1));
    assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(job.attempt()).isZero();
    assertThat(job.maxAttempts()).isEqualTo(4);
    assertThat(job.timeoutMs()).isEqualTo(9000);
    assertThat(await(spool.client().countByQueueAndState()).get("mail")).containsEntry(JobState.SCHEDULED, 1L);
  }

  @Test
  void delayIsMeasuredOnTheDatabaseClock() throws Exception {
    long id = await(spool.client().enqueue(EMAIL, new JsonObject(), new EnqueueOptions().setDelay(Duration.ofMinutes(10))));
    double seconds = sql("select extract(epoch from run_at - created_at) from {schema}.jobs where id = $1", id)
        .iterator().next().getDouble(0);
    assertThat(seconds).isBetween(599.0, 601.0);
  }

  @Test
  void batchOfTenThousandGoesInOneCallAndKeepsOrder() throws Exception {
    List<JsonObject> args = IntStream.range(0, 10_000).mapToObj(i -> new JsonObject().put("i", i)).toList();
    List<Long> ids = await(spool.client().enqueueBatch(EMAIL, args, new EnqueueOptions().setQueue("bulk")));

    assertThat(ids).hasSize(10_000).doesNotHaveDuplicates();
    assertThat(count("queue = 'bulk' and state = 'available'")).isEqualTo(10_000);
    Job last = await(spool.client().find(ids.get(9_999))).orElseThrow();
    assertThat(EMAIL.codec().decode(last.args()).getInteger("i")).isEqualTo(9_999);
  }

  @Test
  void jobEnqueuedInARolledBackTransactionDoesNotExist() throws Exception {
    Future<Void> rolledBack = spool.pool().withTransaction(conn -> spool.client()
        .enqueue(conn, EMAIL, new JsonObject(), new EnqueueOptions())
        .compose(id -> Future.failedFuture(new IllegalStateException("business write failed"))));
    assertThatThrownBy(() -> await(rolledBack)).hasMessageContaining("business write failed");
    assertThat(count("true")).isZero();

    long committed = await(spool.pool().withTransaction(conn -> spool.client()
        .enqueue(conn, EMAIL, new JsonObject(), new EnqueueOptions())));
    assertThat(await(spool.client().find(committed))).isPresent();
    assertThat(count("true")).isEqualTo(1);
  }

  @Test
  void batchInARolledBackTransactionLeavesNothing() throws Exception {
    Future<Void> rolledBack = spool.pool().withTransaction(conn -> spool.client()
        .enqueueAll(conn, List.of(JobRequest.of(EMAIL, new JsonObject()), JobRequest.of(EMAIL, new JsonObject())))
        .compose(ids -> Future.failedFuture(new IllegalStateException("abort"))));
    assertThatThrownBy(() -> await(rolledBack)).hasMessageContaining("abort");
    assertThat(count("true")).isZero();
  }

  @Test
  void anyLanguageCanEnqueueWithPlainSql() throws Exception {
    long id = sql("select {schema}.enqueue('send-email', '{\"to\":\"sql@example.com\"}'::jsonb, queue => 'mail', priority => 2::smallint)")
        .iterator().next().getLong(0);
    Job job = await(spool.client().find(id)).orElseThrow();
    assertThat(job.queue()).isEqualTo("mail");
    assertThat(job.priority()).isEqualTo(2);
    assertThat(EMAIL.codec().decode(job.args()).getString("to")).isEqualTo("sql@example.com");
    assertThatThrownBy(() -> sql("select {schema}.enqueue('')")).hasMessageContaining("task name must not be empty");
  }

  @Test
  void theSqlEnqueueTakesAnIntegerPriorityAndRefusesWhatNoWorkerCouldRun() {
    long id = sql("select {schema}.enqueue('t', '{}'::jsonb, priority => 5)").iterator().next().getLong(0);
    assertThat(await(spool.client().find(id)).orElseThrow().priority()).isEqualTo(5);

    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', priority => 40000)"))
        .hasMessageContaining("priority must be between -32768 and 32767, got 40000");
    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', queue => '')")).hasMessageContaining("queue must not be empty");
    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', queue => '   ')")).hasMessageContaining("queue must not be empty");
    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', queue => repeat('q', 300))"))
        .hasMessageContaining("queue must be at most 200 characters, got 300");
    assertThatThrownBy(() -> sql("select {schema}.enqueue(repeat('t', 300))"))
        .hasMessageContaining("task name must be at most 200 characters");
    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', queue => 'a' || chr(1))"))
        .hasMessageContaining("queue must not contain control characters");
    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', max_attempts => 0)")).hasMessageContaining("max_attempts must be at least 1");
    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', timeout_ms => 0)")).hasMessageContaining("timeout_ms must be at least 1");
    // over SpoolOptions.maxPayloadBytes (1 MiB by default) it is refused at once, not dead later
    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', jsonb_build_object('blob', repeat('x', 2000000)))"))
        .hasMessageContaining("over the limit of 1048576");
    assertThat(count("true")).isEqualTo(1);
  }

  @Test
  void theSqlEnqueueReadsThePayloadLimitOfTheLastMigrate() {
    await(newSpool(vertx, new SpoolOptions().setSchema(schema).setMaxPayloadBytes(100)).migrate());
    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', jsonb_build_object('blob', repeat('x', 200)))"))
        .hasMessageContaining("over the limit of 100");
    assertThat(sql("select {schema}.enqueue('t', '{\"small\":1}'::jsonb)").iterator().next().getLong(0)).isPositive();
  }

  @Test
  void aHeldUniqueKeyAnswersWithTheExistingJob() throws Exception {
    EnqueueOptions once = new EnqueueOptions().setUniqueKey("report:2026-11-22");
    long first = await(spool.client().enqueue(EMAIL, new JsonObject(), once));
    long second = await(spool.client().enqueue(EMAIL, new JsonObject(), once));
    assertThat(second).isEqualTo(first);
    assertThat(count("true")).isEqualTo(1);

    sql("update {schema}.jobs set state = 'completed' where id = $1", first);
    long third = await(spool.client().enqueue(EMAIL, new JsonObject(), once));
    assertThat(third).isNotEqualTo(first);
  }

  @Test
  void badInputIsRefusedWithAClearErrorAndStoresNothing() throws Exception {
    assertThatThrownBy(() -> new EnqueueOptions().setMaxAttempts(0)).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> new EnqueueOptions().setQueue(" ")).hasMessageContaining("queue");
    assertThatThrownBy(() -> new EnqueueOptions().setPriority(100_000)).hasMessageContaining("priority");
    assertThatThrownBy(() -> Task.json("")).hasMessageContaining("task name");
    assertThatThrownBy(() -> await(spool.client().enqueueAll(List.of(
        new JobRequest<>(EMAIL, new JsonObject(), new EnqueueOptions().setUniqueKey("k"))))))
        .hasMessageContaining("unique keys");
    Task<String> unencodable = Task.of("broken", new dev.spool.spi.JobCodec<>() {
      public String name() {
        return "broken";
      }

      public byte[] encode(String args) {
        throw new IllegalStateException("cannot encode " + args);
      }

      public String decode(byte[] bytes) {
        return new String(bytes);
      }
    });
    assertThatThrownBy(() -> await(spool.client().enqueue(unencodable, "x")))
        .hasMessageContaining("cannot encode the arguments of task broken");
    assertThat(count("true")).isZero();
  }

  @Test
  void anOversizedPayloadIsRefusedAtEnqueueWithItsSize() throws Exception {
    Spool small = newSpool(vertx, new SpoolOptions().setSchema(schema).setMaxPayloadBytes(1024));
    JsonObject big = new JsonObject().put("blob", "x".repeat(2000));
    assertThatThrownBy(() -> await(small.client().enqueue(EMAIL, big)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("send-email").hasMessageContaining("more than the limit of 1024");
    assertThatThrownBy(() -> await(small.client().enqueueBatch(EMAIL, List.of(new JsonObject(), big), new EnqueueOptions())))
        .hasMessageContaining("more than the limit of 1024");
    assertThat(count("true")).isZero();
    await(small.client().enqueue(EMAIL, new JsonObject().put("blob", "x".repeat(900))));
    assertThat(count("true")).isEqualTo(1);
  }

  @Test
  void findOfAnUnknownIdIsEmpty() throws Exception {
    assertThat(await(spool.client().find(123_456_789L))).isEmpty();
  }

  @Test
  void optionsRoundTripThroughJson() throws Exception {
    EnqueueOptions options = new EnqueueOptions().setQueue("q").setPriority(5).setDelay(Duration.ofSeconds(3))
        .setMaxAttempts(7).setTimeout(Duration.ofSeconds(2)).setUniqueKey("u");
    assertThat(new EnqueueOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    assertThat(new EnqueueOptions(new EnqueueOptions(options)).toJson()).isEqualTo(options.toJson());
  }
}
