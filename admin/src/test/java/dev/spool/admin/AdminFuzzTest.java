package dev.spool.admin;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The admin API under thousands of random requests (paths, methods, parameters, percent-encodings, Host
 * and Origin headers, over-long URIs), seeded so a failure can be replayed with {@code -Dspool.fuzz.seed=N}:
 * none is a 5xx, every refusal is {@code {"error": ..., "status": N}} with N its status, and the jobs,
 * all finished (which no request of the API may change), stay exactly as they were.
 */
class AdminFuzzTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final int REQUESTS = Integer.getInteger("spool.fuzz.requests", 3000);

  private static final String[] METHODS = {"GET", "GET", "GET", "POST", "POST", "DELETE", "DELETE", "PUT", "PATCH",
      "HEAD", "OPTIONS", "TRACE", "BREW"};
  private static final String[] PATHS = {"/", "/health", "/ready", "/metrics", "/assets/{x}", "/api", "/api/stats",
      "/api/dashboard", "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/retry", "/api/jobs/{id}/explain", "/api/dead",
      "/api/dead/retry", "/api/queues", "/api/queues/{x}", "/api/queues/{x}/pause", "/api/queues/{x}/resume",
      "/api/queues/{x}/purge", "/api/jobs/bulk/cancel", "/api/jobs/bulk/delete", "/api/jobs/bulk/move", "/api/workers",
      "/{x}", "/api/{x}", "//api//jobs", "/api/jobs/", "/api/../api/jobs", "/api/%2e%2e/jobs"};
  private static final String[] PARAMS = {"state", "queue", "task", "limit", "before", "depth", "all", "dry_run",
      "to", "created_before", "x", "", "%zz", "%00", "queue%00", "q%C3%A9", "a+b", "limit[]"};
  private static final String[] VALUES = {"", "1", "0", "-1", "50", "1000", "1001", "99999999999999999999", "abc",
      "%zz", "%", "%0", "%00", "%01", "%ff", "%C3%A9", "%E2%82%AC", "%F0%9F%92%A9", "%ED%A0%80", "true", "false",
      "available", "scheduled", "running", "dead", "cancelled", "completed", "default", "mail", "+", "a%20b",
      "%2F", "..%2F..", "'%3B drop table jobs --", "%22%7D", "2026-01-01T00:00:00Z", "1e9", "NaN", "\u00e9"};
  private static final String[] ORIGINS = {null, null, null, "http://localhost:1", "null", "https://evil.example"};
  private static final String[] HOSTS = {null, null, null, null, "evil.example", "localhost", "[::1]", "", "a b"};

  @Override
  protected SpoolOptions spoolOptions() {
    return new SpoolOptions().setKeepCompleted(true);
  }

  @Test
  void thousandsOfRandomRequestsGetNoFaultOnlyJsonErrorsAndChangeNoJob() {
    long seed = Long.getLong("spool.fuzz.seed", 20261122L);
    Random random = new Random(seed);
    // no worker runs here: without a leader /ready would answer its by-design 503
    AdminVerticle admin = new AdminVerticle(spool, new AdminOptions().setPort(0).setRequireLeader(false));
    await(vertx.deployVerticle(admin));
    int port = admin.actualPort();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(await(spool.client().enqueue(WORK, new JsonObject().put("i", i),
          new EnqueueOptions().setQueue(i % 2 == 0 ? "default" : "mail"))));
    }
    // finished jobs: nothing the API offers (cancel, retry, purge of dead, bulk actions on pending) may touch them
    sql("update {schema}.jobs set state = 'completed', attempt = 1, finished_at = now()");
    String before = snapshot();

    Map<Integer, Integer> statuses = new LinkedHashMap<>();
    for (int n = 0; n < REQUESTS; n++) {
      String method = pick(random, METHODS);
      String target = target(random, ids);
      Map<String, String> headers = new LinkedHashMap<>();
      String host = pick(random, HOSTS);
      if (host != null) {
        headers.put("Host", host);
      }
      String origin = pick(random, ORIGINS);
      if (origin != null) {
        headers.put("Origin", origin);
      }
      RawHttp.Response response = RawHttp.send(port, method, target, headers);
      String what = "seed " + seed + ", request " + n + ": " + method + " " + target + " " + headers + " -> "
          + response.status() + " " + response.body();
      statuses.merge(response.status(), 1, Integer::sum);
      assertThat(response.status()).as(what).isLessThan(500);
      if (response.status() >= 400 && !method.equals("HEAD")) {
        assertThat(response.header("content-type")).as(what).startsWith("application/json");
        JsonObject error = response.json();
        assertThat(error.getInteger("status")).as(what).isEqualTo(response.status());
        assertThat(error.getString("error")).as(what).isNotBlank();
      }
    }
    assertThat(snapshot()).as("the jobs table after " + REQUESTS + " requests").isEqualTo(before);
    // the run reached the routes, not only the guards
    assertThat(statuses.keySet()).as("statuses seen: " + statuses).contains(200, 400, 403, 404, 405);
  }

  private static String target(Random random, List<Long> ids) {
    if (random.nextInt(200) == 0) {
      return "/api/jobs?queue=" + "q".repeat(5000 + random.nextInt(5000)); // past the request line limit
    }
    String path = pick(random, PATHS)
        .replace("{id}", random.nextBoolean() ? String.valueOf(ids.get(random.nextInt(ids.size()))) : pick(random, VALUES))
        .replace("{x}", pick(random, VALUES));
    if (path.isEmpty() || path.contains(" ")) {
      path = "/" + path.replace(" ", "%20");
    }
    int params = random.nextInt(4);
    StringBuilder query = new StringBuilder();
    for (int i = 0; i < params; i++) {
      query.append(i == 0 ? "?" : pick(random, new String[] {"&", "&", ";", "&&"}));
      query.append(pick(random, PARAMS));
      if (random.nextInt(5) != 0) {
        query.append('=').append(pick(random, VALUES));
      }
    }
    return (path + query).replace(" ", "%20").replace("\u00e9", "%C3%A9");
  }

  private static <T> T pick(Random random, T[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  private String snapshot() {
    StringBuilder out = new StringBuilder();
    for (Row row : sql("select id, queue, task, state::text, attempt, run_at, finished_at, cancel_requested_at, "
        + "lease_owner from {schema}.jobs order by id")) {
      out.append(row.deepToString()).append('\n');
    }
    return out.toString();
  }
}
