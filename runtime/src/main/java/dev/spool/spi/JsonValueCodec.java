package dev.spool.spi;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Any JSON value (object, array, string, number, boolean) as the UTF-8 text of its JSON document: the
 * default codec of the results of JSON tasks, so a result reads in SQL as {@code convert_from(result, 'UTF8')::jsonb}.
 * As the result codec of a task it stores JSON objects and arrays only ({@link #accepts}): a handler whose
 * future happens to carry a string or a number (a timer id, a Reactor tick) did not mean it as a result, and
 * storing it would keep every such job's row.
 */
public final class JsonValueCodec implements JobCodec<Object> {

  /** The codec; it has no state. */
  public static final JsonValueCodec INSTANCE = new JsonValueCodec();

  private JsonValueCodec() {}

  /**
   * True for the values stored as results of JSON tasks: objects and arrays.
   *
   * @param value a handler's result
   * @return true for a JsonObject or JsonArray
   */
  public static boolean accepts(Object value) {
    return value instanceof JsonObject || value instanceof JsonArray;
  }

  @Override
  public String name() {
    return "json";
  }

  @Override
  public byte[] encode(Object value) {
    if (!(accepts(value) || value instanceof String || value instanceof Number || value instanceof Boolean)) {
      throw new IllegalArgumentException("not a JSON value: " + (value == null ? "null" : value.getClass().getName()));
    }
    return Json.encode(value).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Object decode(byte[] bytes) {
    return Json.decodeValue(Buffer.buffer(bytes));
  }
}
