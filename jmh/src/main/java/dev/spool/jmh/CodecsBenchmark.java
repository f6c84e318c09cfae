package dev.spool.jmh;

import dev.spool.codecs.CborCodec;
import dev.spool.codecs.JacksonCodec;
import dev.spool.spi.JobCodec;
import java.util.List;
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
 * The typed codecs of {@code codecs/} on a record: Jackson JSON and CBOR, encode (at enqueue) and decode
 * (before the handler runs). One operation is one job's arguments, so the score is jobs/s; compare with
 * {@link JsonCodecBenchmark} for the default {@code JsonObject} codec.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CodecsBenchmark {

  /** The arguments of an order confirmation: a typical typed job. */
  public record Line(String sku, int quantity, double price) {}

  /** A typed job's arguments with a little nesting. */
  public record Order(long order, String email, List<Line> lines, String note) {}

  @Param({"jackson-json", "cbor"})
  public String codecName;

  private JobCodec<Order> codec;
  private Order args;
  private byte[] encoded;

  @Setup
  public void setUp() throws Exception {
    codec = codecName.equals("cbor") ? CborCodec.of(Order.class) : JacksonCodec.of(Order.class);
    args = new Order(987_654_321L, "ada@example.com",
        List.of(new Line("SKU-100001", 2, 9.99), new Line("SKU-100002", 1, 19.5), new Line("SKU-100003", 4, 3.25)),
        "leave at the door");
    encoded = codec.encode(args);
  }

  @Benchmark
  public byte[] encode() {
    return codec.encode(args);
  }

  @Benchmark
  public Order decode() throws Exception {
    return codec.decode(encoded);
  }
}
