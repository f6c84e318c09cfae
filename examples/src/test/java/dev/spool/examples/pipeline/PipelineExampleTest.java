package dev.spool.examples.pipeline;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PipelineExampleTest extends SpoolTestBase {

  final HttpClient http = HttpClient.newHttpClient();
  String base;

  @BeforeEach
  void startTheService() {
    base = "http://localhost:" + await(PipelineExample.start(vertx, spool, 0)).actualPort();
  }

  @Test
  void aRequestFetchesEveryPageThenAnswersWithTheIndexBuiltFromThem() throws Exception {
    HttpResponse<String> response = post("/indexes", new JsonObject().put("urls", new JsonArray()
        .add("https://example.com/docs/getting-started").add("https://example.com/docs/queues")
        .add("https://example.com/blog/queues")).encode());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject index = new JsonObject(response.body());
    assertThat(index.getInteger("pages")).isEqualTo(3);
    assertThat(index.getJsonArray("failed")).isEmpty();
    assertThat(index.getJsonObject("index").getJsonArray("queues")).containsExactly(
        "https://example.com/blog/queues", "https://example.com/docs/queues");
    assertThat(index.getJsonObject("index").getJsonArray("started")).containsExactly(
        "https://example.com/docs/getting-started");
    // every fetch ran before the index, which read their results
    assertThat(count("workflow_id = $1 and state = 'completed'", index.getLong("workflow"))).isEqualTo(4);
  }

  @Test
  void aBrokenPageDoesNotCostTheIndexItIsListedAsFailed() throws Exception {
    HttpResponse<String> response = post("/indexes", new JsonObject().put("urls", new JsonArray()
        .add("https://example.com/docs/intro").add("https://example.com/broken/link")).encode());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject index = new JsonObject(response.body());
    assertThat(index.getInteger("pages")).isEqualTo(1);
    assertThat(index.getJsonArray("failed")).hasSize(1);
    assertThat(index.getJsonArray("failed").getJsonObject(0).getString("step")).isEqualTo("fetch-2");
    assertThat(index.getJsonArray("failed").getJsonObject(0).getString("error")).contains("cannot fetch");
    assertThat(index.getJsonObject("index").fieldNames()).containsExactlyInAnyOrder("docs", "intro");
  }

  @Test
  void aPipelineSlowerThanTheTimeoutAnswers202AndCanBeFollowedToItsIndex() throws Exception {
    HttpResponse<String> response = post("/indexes", new JsonObject().put("timeoutMs", 300).put("urls", new JsonArray()
        .add("https://example.com/slow/page").add("https://example.com/fast/page")).encode());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    long workflow = new JsonObject(response.body()).getLong("workflow");
    String location = response.headers().firstValue("Location").orElseThrow();
    assertThat(location).isEqualTo("/pipelines/" + workflow);
    JsonObject running = new JsonObject(get(location).body());
    assertThat(running.getBoolean("finished")).isFalse();
    assertThat(running.getJsonObject("steps").getString("index")).isEqualTo("waiting");

    eventually(Duration.ofSeconds(30), () -> new JsonObject(get(location).body()).getBoolean("finished"));
    JsonObject done = new JsonObject(get(location).body());
    assertThat(done.getJsonObject("index").getInteger("pages")).isEqualTo(2);
    assertThat(done.getJsonObject("steps")).isEqualTo(new JsonObject()
        .put("fetch-1", "completed").put("fetch-2", "completed").put("index", "completed"));
  }

  @Test
  void badRequestsAre400AndUnknownPipelines404() throws Exception {
    assertThat(post("/indexes", "{not json").statusCode()).isEqualTo(400);
    assertThat(post("/indexes", "{\"urls\":[]}").statusCode()).isEqualTo(400);
    assertThat(post("/indexes", "{\"urls\":[\"https://example.com/a\"],\"timeoutMs\":0}").statusCode()).isEqualTo(400);
    assertThat(get("/pipelines/abc").statusCode()).isEqualTo(400);
    assertThat(get("/pipelines/999999").statusCode()).isEqualTo(404);
    assertThat(count("true")).isZero();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
