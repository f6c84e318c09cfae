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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The admin API under thousands of random requests (paths, methods, parameters, percent-encodings, Host
 * and Origin headers, over-long URIs), seeded so a failure can be replayed with {@code -Dspool.fuzz.seed=N}:
 * none is a 5xx, every refusal is {@code {"error": ..., "status": N}} with N its status, and the jobs,
 * all finished (which no request of the API may change), stay exactly as they were. The routes, their
 * methods and parameters come from the API's OpenAPI document, values from each parameter's schema (its
 * enum, its bounds and one past them) mixed with hostile ones, so a route added to the document is fuzzed
 * without a change here.
 */
class AdminFuzzTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final int REQUESTS = Integer.getInteger("spool.fuzz.requests", 3000);

  private static final String[] METHODS = {"GET", "GET", "GET", "POST", "POST", "DELETE", "DELETE", "PUT", "PATCH",
      "HEAD", "OPTIONS", "TRACE", "BREW"};
  /** Paths no operation of the document has: near misses, dot segments, doubled slashes. */
  private static final String[] OTHER_PATHS = {"/api", "/api/queues/{x}", "/{x}", "/api/{x}", "//api//jobs",
      "/api/jobs/", "/api/../api/jobs", "/api/%2e%2e/jobs"};
  /** Parameter names no route takes, or takes only when decoded right. */
  private static final String[] OTHER_PARAMS = {"x", "", "%zz", "%00", "queue%00", "q%C3%A9", "a+b", "limit[]"};
  private static final String[] VALUES = {"", "1", "0", "-1", "50", "1000", "1001", "99999999999999999999", "abc",
      "%zz", "%", "%0", "%00", "%01", "%ff", "%C3%A9", "%E2%82%AC", "%F0%9F%92%A9", "%ED%A0%80", "true", "false",
      "available", "scheduled", "running", "dead", "cancelled", "completed", "default", "mail", "+", "a%20b",
      "%2F", "..%2F..", "'%3B drop table jobs --", "%22%7D", "2026-01-01T00:00:00Z", "1e9", "NaN", "\u00e9"};
  private static final String[] ORIGINS = {null, null, null, "http://localhost:1", "null", "https://evil.example"};
  private static final String[] HOSTS = {null, null, null, null, "evil.example", "localhost", "[::1]", "", "a b"};

  private final OpenApiSpec spec = new OpenApiSpec();

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
    Set<String> reached = new TreeSet<>();
    for (int n = 0; n < REQUESTS; n++) {
      // one in three is a request the document calls valid, so every route's success path is walked too
      boolean wellFormed = random.nextInt(3) == 0;
      Request request = request(random, ids, wellFormed);
      String method = request.method();
      String target = request.target();
      Map<String, String> headers = new LinkedHashMap<>();
      String host = wellFormed ? null : pick(random, HOSTS);
      if (host != null) {
        headers.put("Host", host);
      }
      String origin = wellFormed ? null : pick(random, ORIGINS);
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
      String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
      Optional<OpenApiSpec.Operation> operation = spec.match(method, path);
      if (operation.isPresent() && response.status() < 300 && host == null) {
        // a success is what the document declares, whatever the parameters were
        reached.add(operation.get().name());
        assertThat(spec.problems(operation.get(), response.status(), response.header("content-type"), response.body()))
            .as(what).isEmpty();
      }
    }
    assertThat(snapshot()).as("the jobs table after " + REQUESTS + " requests").isEqualTo(before);
    // every operation the document adds is reached with parameters it accepts; these cannot succeed on finished
    // jobs and no workflow (409, 409, 404) or without a metrics registry (404)
    Set<String> reachable = new TreeSet<>(spec.operationNames());
    reachable.removeAll(Set.of("DELETE /api/jobs/{id}", "POST /api/jobs/{id}/retry", "GET /api/workflows/{id}", "GET /metrics"));
    assertThat(reached).as("operations the run got a success from").isEqualTo(reachable);
    // the run reached the routes, not only the guards
    assertThat(statuses.keySet()).as("statuses seen: " + statuses).contains(200, 400, 403, 404, 405);
  }

  /**
   * Mostly an operation of the document (three in four with its own method, else with the random one), its
   * path parameters and up to three of its query parameters drawn from their schemas; sometimes a path or a
   * parameter the document does not have. A well-formed one is an operation with its own method and values its
   * schemas allow (or one step past their bounds).
   */
  private Request request(Random random, List<Long> ids, boolean wellFormed) {
    String method = pick(random, METHODS);
    if (!wellFormed && random.nextInt(200) == 0) {
      return new Request(method, "/api/jobs?queue=" + "q".repeat(5000 + random.nextInt(5000))); // past the line limit
    }
    String path;
    List<JsonObject> query = List.of();
    if (!wellFormed && random.nextInt(8) == 0) {
      path = pick(random, OTHER_PATHS).replace("{x}", pick(random, VALUES));
    } else {
      OpenApiSpec.Operation operation = spec.operations().get(random.nextInt(spec.operations().size()));
      if (wellFormed || random.nextInt(4) != 0) {
        method = operation.method().toUpperCase(Locale.ROOT);
      }
      path = operation.path();
      for (JsonObject parameter : operation.parameters("path")) {
        String name = parameter.getString("name");
        String value = name.equals("id") && random.nextBoolean() ? String.valueOf(ids.get(random.nextInt(ids.size())))
            : value(random, parameter, wellFormed);
        path = path.replace("{" + name + "}", value);
      }
      query = operation.parameters("query");
    }
    if (path.isEmpty() || path.contains(" ")) {
      path = "/" + path.replace(" ", "%20");
    }
    int params = random.nextInt(4);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < params; i++) {
      JsonObject parameter = query.isEmpty() || (!wellFormed && random.nextInt(5) == 0) ? null
          : query.get(random.nextInt(query.size()));
      if (wellFormed && parameter == null) {
        break;
      }
      text.append(i == 0 ? "?" : wellFormed ? "&" : pick(random, new String[] {"&", "&", ";", "&&"}));
      text.append(parameter == null ? pick(random, OTHER_PARAMS) : parameter.getString("name"));
      if (wellFormed || random.nextInt(5) != 0) {
        text.append('=').append(parameter == null ? pick(random, VALUES) : value(random, parameter, wellFormed));
      }
    }
    return new Request(method, (path + text).replace(" ", "%20").replace("\u00e9", "%C3%A9"));
  }

  private record Request(String method, String target) {}

  /** A value its schema allows, one just past its bounds, or (one in three, unless well-formed) a hostile one. */
  private String value(Random random, JsonObject parameter, boolean wellFormed) {
    List<String> fitting = values(spec.resolve(parameter.getJsonObject("schema")));
    return fitting.isEmpty() || (!wellFormed && random.nextInt(3) == 0) ? pick(random, VALUES)
        : fitting.get(random.nextInt(fitting.size()));
  }

  private static List<String> values(JsonObject schema) {
    List<String> values = new ArrayList<>();
    if (schema.containsKey("enum")) {
      schema.getJsonArray("enum").forEach(v -> values.add(String.valueOf(v)));
    }
    if (schema.containsKey("default")) {
      values.add(String.valueOf(schema.getValue("default")));
    }
    switch (String.valueOf(schema.getValue("type"))) {
      case "integer" -> {
        long min = schema.getLong("minimum", 0L);
        values.addAll(List.of(String.valueOf(min), String.valueOf(min - 1), String.valueOf(min + 1)));
        if (schema.containsKey("maximum")) {
          long max = schema.getLong("maximum");
          values.addAll(List.of(String.valueOf(max), String.valueOf(max + 1)));
        }
      }
      case "boolean" -> values.addAll(List.of("true", "false", "TRUE", "1"));
      case "string" -> {
        if ("date-time".equals(schema.getString("format"))) {
          values.addAll(List.of("2026-01-01T00:00:00Z", "2999-01-01T00:00:00Z", "2026-01-01", "2026-01-01T00%3A00%3A00Z"));
        } else if (!schema.containsKey("enum")) {
          values.addAll(List.of("default", "mail", "other"));
          if (schema.containsKey("maxLength")) {
            int max = schema.getInteger("maxLength");
            values.addAll(List.of("q".repeat(max), "q".repeat(max + 1)));
          }
        }
      }
      default -> { }
    }
    return values;
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
