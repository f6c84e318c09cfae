package dev.spool.codecs;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandler;
import dev.spool.JobHandlers;
import dev.spool.JobRequest;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.UndecodablePayloadException;
import dev.spool.WorkerOptions;
import dev.spool.codecs.Generated.Order;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Codecs end to end: enqueued through the client, stored in PostgreSQL, decoded by a real worker. */
class CodecsOnAWorkerTest extends SpoolTestBase {

  record ResizeImage(String url, int width) {}

  static final Duration WAIT = Duration.ofSeconds(30);
  static final Task<Order> ORDER_JSON = Task.of("order-json", JacksonCodec.of(Order.class));
  static final Task<Order> ORDER_CBOR = Task.of("order-cbor", CborCodec.of(Order.class));
  static final Task<String> NOTE = Task.of("note", StringCodec.INSTANCE);
  static final Task<byte[]> BLOB = Task.of("blob", BytesCodec.INSTANCE);
  static final Task<ResizeImage> RESIZE = Task.of("resize-image", JacksonCodec.of(ResizeImage.class));

  final Map<Long, Object> received = new ConcurrentHashMap<>();

  <A> JobHandler<A> recording() {
    return (args, ctx) -> {
      received.put(ctx.id(), args);
      return Future.succeededFuture();
    };
  }

  @Test
  void eachHandlerReceivesTheValueItsJobWasEnqueuedWith() {
    await(spool.deployWorkers(new WorkerOptions(), new JobHandlers()
        .register(ORDER_JSON, recording()).register(ORDER_CBOR, recording())
        .register(NOTE, recording()).register(BLOB, recording()), 1));
    Generated gen = new Generated(99);
    Map<Long, Object> sent = new ConcurrentHashMap<>();
    for (int i = 0; i < 50; i++) {
      Order order = gen.order();
      sent.put(await(spool.client().enqueue(i % 2 == 0 ? ORDER_JSON : ORDER_CBOR, order)), order);
      String note = gen.unicode(300);
      sent.put(await(spool.client().enqueue(NOTE, note)), note);
      byte[] blob = gen.bytes(2000);
      sent.put(await(spool.client().enqueue(BLOB, blob)), blob);
    }
    // One large payload per codec, near half the default 1 MiB limit.
    Order large = gen.orderWithNote(gen.large(500_000));
    sent.put(await(spool.client().enqueue(ORDER_JSON, large)), large);
    sent.put(await(spool.client().enqueue(ORDER_CBOR, large)), large);
    String largeNote = gen.large(500_000);
    sent.put(await(spool.client().enqueue(NOTE, largeNote)), largeNote);

    eventually(WAIT, () -> received.size() == sent.size());
    assertThat(received.keySet()).isEqualTo(sent.keySet());
    sent.forEach((id, value) -> {
      Object got = received.get(id);
      if (value instanceof byte[] bytes) {
        assertThat((byte[]) got).as("job %d", id).isEqualTo(bytes);
      } else {
        assertThat(got).as("job %d", id).isEqualTo(value);
      }
    });
    assertThat(count("true")).isZero();
  }

  @Test
  void aWrongShapedPayloadIsDeadWithTheFieldNamed() {
    AtomicInteger runs = new AtomicInteger();
    await(spool.deployWorkers(new WorkerOptions(), new JobHandlers().register(RESIZE, (image, ctx) -> {
      runs.incrementAndGet();
      return Future.succeededFuture();
    }), 1));
    // Another producer (an older release, another language) writes the same task as plain JSON.
    Task<JsonObject> foreign = Task.json(RESIZE.name());
    long wrongType = await(spool.client().enqueue(foreign, new JsonObject().put("url", "a.png").put("width", "wide")));
    long unknown = await(spool.client().enqueue(foreign, new JsonObject().put("url", "a.png").put("width", 300).put("height", 200)));
    long misspelt = await(spool.client().enqueue(foreign, new JsonObject().put("url", "a.png").put("widht", 300)));
    long fine = await(spool.client().enqueue(RESIZE, new ResizeImage("a.png", 300)));

    eventually(WAIT, () -> count("state = 'dead'") == 3 && count("id = $1", fine) == 0);
    assertThat(deadError(wrongType)).contains("field 'width' of ResizeImage", "\"wide\"");
    assertThat(deadError(unknown)).contains("field 'height' of ResizeImage", "Unrecognized field");
    // A misspelt field is first of all a missing one: the error names the field the type needs.
    assertThat(deadError(misspelt)).contains("field 'width' of ResizeImage", "Missing creator property");
    // No retry can fix a payload: dead on the first attempt, and the handler never ran for them.
    assertThat(sql("select attempt, last_error->>'class' from {schema}.jobs where state = 'dead'"))
        .allSatisfy(row -> {
          assertThat(row.getInteger(0)).isEqualTo(1);
          assertThat(row.getString(1)).isEqualTo(UndecodablePayloadException.class.getName());
        });
    assertThat(runs).hasValue(1);
  }

  @Test
  void bytesThatAreNotUtf8AreDeadForAStringTask() {
    await(spool.deployWorkers(new WorkerOptions(), new JobHandlers().register(NOTE, recording()), 1));
    long id = await(spool.client().enqueue(Task.of(NOTE.name(), BytesCodec.INSTANCE), new byte[] {'h', 'i', (byte) 0xFF}));

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(deadError(id)).contains("not valid UTF-8", "at byte 2");
    assertThat(received).isEmpty();
  }

  @Test
  void aPayloadOverTheLimitFailsAtEnqueueWithAClearErrorAndStoresNothing() {
    Spool limited = newSpool(vertx, new SpoolOptions().setSchema(schema).setMaxPayloadBytes(100_000));
    Generated gen = new Generated(8);
    Order tooLarge = gen.orderWithNote(gen.large(200_000));

    assertThatThrownBy(() -> await(limited.client().enqueue(ORDER_CBOR, tooLarge)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the arguments of task order-cbor are")
        .hasMessageContaining("more than the limit of 100000 (SpoolOptions.maxPayloadBytes)");
    // In a batch, one oversized payload refuses the whole statement: nothing half-enqueued.
    List<JobRequest<?>> batch = List.of(JobRequest.of(NOTE, "small"), JobRequest.of(NOTE, gen.large(150_000)));
    assertThatThrownBy(() -> await(limited.client().enqueueAll(batch))).hasMessageContaining("task note are");
    assertThat(count("true")).isZero();

    long justUnder = await(limited.client().enqueue(NOTE, gen.large(99_990), new EnqueueOptions()));
    assertThat(sql("select length(args) from {schema}.jobs where id = $1", justUnder).iterator().next().getInteger(0))
        .isBetween(99_990, 100_000);
  }

  private String deadError(long id) {
    Row row = sql("select state::text, last_error->>'message' from {schema}.jobs where id = $1", id).iterator().next();
    assertThat(row.getString(0)).isEqualTo("dead");
    return row.getString(1);
  }
}
