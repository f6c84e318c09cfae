package dev.spool.admin;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Task;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a user (or a hostile page in the operator's browser) gets for input the API cannot take. */
class AdminHardeningTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  private int start(AdminOptions options) {
    AdminVerticle admin = new AdminVerticle(spool, options.setPort(0));
    await(vertx.deployVerticle(admin));
    return admin.actualPort();
  }

  private static void assertError(RawHttp.Response response, int status, String messagePart) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("content-type")).startsWith("application/json");
    assertThat(response.json().getInteger("status")).isEqualTo(status);
    assertThat(response.json().getString("error")).contains(messagePart);
  }

  private boolean paused(String queue) {
    return sql("select count(*) from {schema}.queues where name = $1 and paused", queue).iterator().next().getLong(0) == 1;
  }

  @Test
  void malformedEncodingsNulBytesAndHugeUrisAreJsonErrorsNotFaults() {
    int port = start(new AdminOptions());
    assertError(RawHttp.get(port, "/api/jobs?limit=%zz"), 400, "malformed query string");
    assertError(RawHttp.get(port, "/api/jobs?%zz=1"), 400, "malformed query string");
    assertError(RawHttp.get(port, "/api/jobs?queue=%00"), 400, "control characters");
    assertError(RawHttp.get(port, "/api/dead?task=a%01b"), 400, "control characters");
    assertError(RawHttp.send(port, "POST", "/api/queues/a%00b/pause", Map.of()), 400, "control characters");
    assertError(RawHttp.get(port, "/api/jobs?limit=1001"), 400, "limit must be 1..1000");
    assertError(RawHttp.get(port, "/api/jobs?limit=99999999999"), 400, "limit must be 1..1000");
    assertError(RawHttp.get(port, "/api/jobs?queue=" + "q".repeat(10_000)), 414, "too long");
  }

  @Test
  void anUnfilteredPurgeMustSayAll() {
    int port = start(new AdminOptions());
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    sql("update {schema}.jobs set state = 'dead', finished_at = now() where id = $1", id);

    assertError(RawHttp.send(port, "DELETE", "/api/dead", Map.of()), 400, "all=true");
    assertError(RawHttp.send(port, "DELETE", "/api/dead?all=yes", Map.of()), 400, "all must be true or false");
    assertThat(count("state = 'dead'")).isEqualTo(1);
    RawHttp.Response purged = RawHttp.send(port, "DELETE", "/api/dead?all=true", Map.of());
    assertThat(purged.status()).isEqualTo(200);
    assertThat(purged.json().getInteger("purged")).isEqualTo(1);
  }

  @Test
  void onLoopbackOnlyLoopbackHostNamesAreAnsweredSoDnsRebindingReadsNothing() {
    int port = start(new AdminOptions().setAllowedHosts(List.of("spool.internal")));
    long id = await(spool.client().enqueue(WORK, new JsonObject().put("secret", "s3")));

    // a page of evil.example rebound to 127.0.0.1 sends its own name as Host
    RawHttp.Response rebound = RawHttp.send(port, "GET", "/api/jobs/" + id, Map.of("Host", "evil.example:" + port));
    assertError(rebound, 403, "Host evil.example is not this API's");
    assertThat(rebound.body()).doesNotContain("s3");
    assertError(RawHttp.send(port, "POST", "/api/queues/default/pause", Map.of("Host", "evil.example")), 403, "Host");
    assertThat(paused("default")).isFalse();

    for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LocalHost", "[::1]:" + port,
        "dashboard.localhost:" + port, "127.0.0.2", "spool.internal")) {
      RawHttp.Response ok = RawHttp.send(port, "GET", "/api/jobs/" + id, Map.of("Host", host));
      assertThat(ok.status()).as(host).isEqualTo(200);
    }
  }

  @Test
  void offLoopbackTheTokenGuardsAndAnyHostIsAnswered() {
    int port = start(new AdminOptions().setHost("0.0.0.0").setToken("s3cret"));
    assertThat(RawHttp.send(port, "GET", "/api/queues",
        Map.of("Host", "spool.example.com", "Authorization", "Bearer s3cret")).status()).isEqualTo(200);
  }

  @Test
  void stateChangesFromAnotherOriginAreRefusedAndTheDashboardsOwnGoThrough() {
    int port = start(new AdminOptions());
    long id = await(spool.client().enqueue(WORK, new JsonObject()));

    // a form on another local origin (another port is another origin), or a sandboxed page ("null")
    for (String origin : List.of("http://localhost:8080", "http://127.0.0.1:" + (port + 1), "null", "https://evil.example")) {
      assertError(RawHttp.send(port, "POST", "/api/queues/default/pause", Map.of("Origin", origin)), 403, "cross-origin");
      assertError(RawHttp.send(port, "DELETE", "/api/jobs/" + id, Map.of("Origin", origin)), 403, "cross-origin");
    }
    assertError(RawHttp.send(port, "POST", "/api/queues/default/pause", Map.of("Sec-Fetch-Site", "cross-site")),
        403, "cross-origin");
    assertThat(paused("default")).isFalse();
    assertThat(count("state = 'available'")).isEqualTo(1);
    // reading needs no Origin check: the browser keeps another origin from reading the answer
    assertThat(RawHttp.send(port, "GET", "/api/queues", Map.of("Origin", "http://localhost:8080")).status()).isEqualTo(200);

    // the dashboard's own request (same origin), and curl's (no Origin)
    RawHttp.Response own = RawHttp.send(port, "POST", "/api/queues/default/pause",
        Map.of("Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin"));
    assertThat(own.status()).as(own.body()).isEqualTo(200);
    assertThat(paused("default")).isTrue();
    assertThat(RawHttp.send(port, "POST", "/api/queues/default/resume", Map.of()).status()).isEqualTo(200);
    assertThat(paused("default")).isFalse();
  }

  @Test
  void theDashboardForbidsFramingAndForeignScripts() {
    int port = start(new AdminOptions());
    RawHttp.Response page = RawHttp.get(port, "/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-security-policy")).contains("default-src 'none'", "script-src 'self'",
        "frame-ancestors 'none'");
    assertThat(page.header("x-frame-options")).isEqualTo("DENY");
    assertThat(page.header("x-content-type-options")).isEqualTo("nosniff");
    assertThat(RawHttp.get(port, "/api/queues").header("x-frame-options")).isEqualTo("DENY");
  }

  @Test
  void aCancelRequestOfARunningJobIsShownWithTheJob() {
    int port = start(new AdminOptions());
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    sql("update {schema}.jobs set state = 'running', attempt = 1, lease_owner = 'elsewhere' where id = $1", id);
    assertThat(RawHttp.get(port, "/api/jobs/" + id).json().getValue("cancel_requested_at")).isNull();
    assertThat(RawHttp.send(port, "DELETE", "/api/jobs/" + id, Map.of()).status()).isEqualTo(202);
    assertThat(RawHttp.get(port, "/api/jobs/" + id).json().getString("cancel_requested_at")).isNotNull();
  }
}
