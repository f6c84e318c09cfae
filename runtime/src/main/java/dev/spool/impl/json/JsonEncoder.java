package dev.spool.impl.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Encodes JSON objects to the same compact UTF-8 text as {@link JsonObject#toBuffer()}, through one Jackson generator
 * per thread that is kept between calls. Creating a generator for every object (what {@code toBuffer} does: its
 * buffers, its recycler, its root context) was most of the client's own time in a JDBC batch enqueue: 40 of the 46
 * profiler samples spent encoding 1,000 small payloads. An object this generator cannot write without Jackson
 * databind (a POJO inside the object) is encoded by {@code toBuffer}, which picks the databind codec when present.
 */
public final class JsonEncoder {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ThreadLocal<JsonEncoder> PER_THREAD = ThreadLocal.withInitial(JsonEncoder::new);
  /** A buffer grown past this by one large object is dropped after it, not kept for the thread's life. */
  private static final int KEPT_BYTES = 64 * 1024;

  private final Output out = new Output();
  private final JsonGenerator generator;

  private JsonEncoder() {
    try {
      generator = FACTORY.createGenerator(out);
    } catch (IOException e) {
      throw new IllegalStateException(e); // an in-memory stream does not fail
    }
    generator.setRootValueSeparator(null); // objects written one after another, nothing between them
  }

  /** The UTF-8 JSON text of {@code json}, as {@link JsonObject#toBuffer()} writes it. */
  public static byte[] encode(JsonObject json) {
    JsonEncoder encoder = PER_THREAD.get();
    try {
      return encoder.write(json);
    } catch (IOException | RuntimeException e) {
      PER_THREAD.remove(); // the generator may be mid-object: start the next call on a new one
      return json.toBuffer().getBytes();
    }
  }

  private byte[] write(JsonObject json) throws IOException {
    out.reset();
    JacksonCodec.encodeJson(json, generator);
    generator.flush();
    byte[] bytes = out.toByteArray();
    if (out.capacity() > KEPT_BYTES) {
      PER_THREAD.remove();
    }
    return bytes;
  }

  /** A byte stream whose capacity can be read. */
  private static final class Output extends ByteArrayOutputStream {
    int capacity() {
      return buf.length;
    }
  }
}
