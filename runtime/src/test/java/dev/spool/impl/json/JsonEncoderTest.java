package dev.spool.impl.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default codec's encoder writes exactly what {@link JsonObject#toBuffer()} writes, call after call. */
class JsonEncoderTest {

  @Test
  void writesTheSameBytesAsToBufferForEveryKindOfValue() {
    JsonObject json = new JsonObject().put("n", 42).put("big", Long.MAX_VALUE).put("pi", 3.14).put("yes", true)
        .putNull("nothing").put("text", "caf\u00e9 \"quoted\" \\ \n \u2603 \uD83D\uDE00").put("bytes", new byte[] {1, 2, 3})
        .put("at", Instant.parse("2026-12-05T10:00:00Z"))
        .put("list", new JsonArray().add(1).add("two").add(new JsonObject().put("three", 3)).addNull())
        .put("nested", new JsonObject().put("deeper", new JsonObject().put("deepest", new JsonArray())));

    assertThat(new String(JsonEncoder.encode(json), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(json.toBuffer().toString());
    assertThat(JsonEncoder.encode(new JsonObject())).isEqualTo("{}".getBytes());
  }

  @Test
  void eachCallReturnsOnlyItsOwnObjectWhateverCameBefore() {
    List<byte[]> encoded = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      encoded.add(JsonEncoder.encode(new JsonObject().put("n", i).put("pad", "x".repeat(i % 7 == 0 ? 100_000 : i))));
    }
    for (int i = 0; i < encoded.size(); i++) {
      assertThat(new JsonObject(new String(encoded.get(i), java.nio.charset.StandardCharsets.UTF_8)).getInteger("n"))
          .isEqualTo(i);
    }
  }

  @Test
  void aValueJacksonCoreCannotWriteFailsAsToBufferDoesAndTheNextCallStillWorks() {
    JsonObject pojo = new JsonObject().put("n", 1).put("thing", new Object());

    assertThatThrownBy(() -> JsonEncoder.encode(pojo)).isInstanceOf(EncodeException.class);
    assertThat(JsonEncoder.encode(new JsonObject().put("after", 1))).isEqualTo("{\"after\":1}".getBytes());
  }
}
