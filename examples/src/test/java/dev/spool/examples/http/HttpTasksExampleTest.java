package dev.spool.examples.http;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.SpoolOptions;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpTasksExampleTest extends SpoolTestBase {

  static final Duration WAIT = Duration.ofSeconds(30);
  final HttpClient http = HttpClient.newHttpClient();
  String base;

  @Override
  protected SpoolOptions spoolOptions() {
    return new SpoolOptions().setKeepCompleted(true); // as the example's main runs it
  }

  @BeforeEach
  void startTheService() {
    TasksApi api = await(HttpTasksExample.start(vertx, spool, 0));
    base = "http://localhost:" + api.actualPort();
  }

  @Test
  void postingATaskAnswers202WithTheJobIdAndTheWorkersCompleteIt() throws Exception {
    HttpResponse<String> posted = post("/tasks/resize-image", "{\"url\":\"https://example.com/cat.png\",\"width\":320}");

    assertThat(posted.statusCode()).isEqualTo(202);
    long id = new JsonObject(posted.body()).getLong("id");
    assertThat(posted.headers().firstValue("Location")).hasValue("/tasks/" + id);
    eventually(WAIT, () -> "completed".equals(state(id)));
    JsonObject job = new JsonObject(get("/tasks/" + id).body());
    assertThat(job.getString("task")).isEqualTo("resize-image");
    assertThat(job.getInteger("attempt")).isEqualTo(1);
    assertThat(job.getString("finishedAt")).isNotNull();
  }

  @Test
  void aJobWhoseArgumentsTheHandlerRejectsShowsDeadWithTheReason() throws Exception {
    long id = new JsonObject(post("/tasks/resize-image", "{\"url\":\"https://example.com/cat.png\"}").body()).getLong("id");

    eventually(WAIT, () -> "dead".equals(state(id)));
    JsonObject job = new JsonObject(get("/tasks/" + id).body());
    assertThat(job.getJsonObject("lastError").getString("message")).startsWith("resize-image needs a url and a positive width");
    assertThat(job.getInteger("attempt")).isEqualTo(1);
  }

  @Test
  void manyRequestsBecomeManyCompletedJobs() throws Exception {
    long[] ids = new long[50];
    for (int i = 0; i < ids.length; i++) {
      HttpResponse<String> posted = post("/tasks/send-email", new JsonObject().put("to", "user" + i + "@example.com").encode());
      assertThat(posted.statusCode()).isEqualTo(202);
      ids[i] = new JsonObject(posted.body()).getLong("id");
    }
    eventually(WAIT, () -> countAll("state = 'completed'") == ids.length);
    assertThat(state(ids[ids.length - 1])).isEqualTo("completed");
  }

  @Test
  void badBodiesAndIdsAre400AndUnknownTasksAndJobsAre404() throws Exception {
    assertThat(post("/tasks/resize-image", "{not json").statusCode()).isEqualTo(400);
    assertThat(post("/tasks/resize-image", "[1, 2]").statusCode()).isEqualTo(400);
    assertThat(post("/tasks/resize-image", "").statusCode()).isEqualTo(400);
    HttpResponse<String> unknownTask = post("/tasks/mine-bitcoin", "{}");
    assertThat(unknownTask.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknownTask.body()).getString("error")).startsWith("unknown task 'mine-bitcoin'");
    assertThat(get("/tasks/abc").statusCode()).isEqualTo(400);
    assertThat(get("/tasks/-3").statusCode()).isEqualTo(400);
    assertThat(get("/tasks/999999999").statusCode()).isEqualTo(404);
    assertThat(count("true")).isZero();
  }

  private String state(long id) {
    try {
      HttpResponse<String> response = get("/tasks/" + id);
      return response.statusCode() == 200 ? new JsonObject(response.body()).getString("state") : null;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
