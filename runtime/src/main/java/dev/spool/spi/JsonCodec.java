package dev.spool.spi;

import dev.spool.impl.json.JsonEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The default codec: a Vert.x {@link JsonObject}, stored as UTF-8 JSON text. */
public final class JsonCodec implements JobCodec<JsonObject> {

  /** The one instance; the codec holds no state. */
  public static final JsonCodec INSTANCE = new JsonCodec();

  private JsonCodec() {}

  @Override
  public String name() {
    return "json";
  }

  @Override
  public byte[] encode(JsonObject args) {
    return JsonEncoder.encode(args == null ? new JsonObject() : args);
  }

  @Override
  public JsonObject decode(byte[] bytes) {
    return new JsonObject(Buffer.buffer(bytes));
  }
}
