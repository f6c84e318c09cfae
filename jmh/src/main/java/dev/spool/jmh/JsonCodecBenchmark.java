package dev.spool.jmh;

import dev.spool.spi.JsonCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The default JSON codec: encoding a job's arguments at enqueue, decoding them before the handler runs.
 * One operation is one job's arguments, so the throughput score is jobs/s.
 *
 * <p>{@code small} is the typical reference-style payload (an id and an address); {@code medium} is about
 * a kilobyte with nesting, the kind of payload where the codec starts to show next to a round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JsonCodecBenchmark {

  @Param({"small", "medium"})
  public String payload;

  private JsonObject args;
  private byte[] encoded;

  @Setup
  public void setUp() {
    args = payload.equals("small") ? small() : medium();
    encoded = JsonCodec.INSTANCE.encode(args);
  }

  @Benchmark
  public byte[] encode() {
    return JsonCodec.INSTANCE.encode(args);
  }

  @Benchmark
  public JsonObject decode() {
    return JsonCodec.INSTANCE.decode(encoded);
  }

  static JsonObject small() {
    return new JsonObject().put("user", 1_234_567L).put("to", "someone@example.com");
  }

  static JsonObject medium() {
    JsonArray items = new JsonArray();
    for (int i = 0; i < 12; i++) {
      items.add(new JsonObject().put("sku", "SKU-" + (100_000 + i)).put("quantity", i % 4 + 1)
          .put("price", 9.99 + i).put("tags", new JsonArray().add("gift").add("express")));
    }
    return new JsonObject().put("order", 987_654_321L).put("customer", new JsonObject().put("id", 42)
            .put("name", "Ada Lovelace").put("email", "ada@example.com"))
        .put("items", items).put("note", "leave at the door, ring twice");
  }
}
