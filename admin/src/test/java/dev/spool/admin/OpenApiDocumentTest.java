package dev.spool.admin;

import static dev.spool.testing.TestDatabase.await;
import static dev.spool.testing.WorkerProcess.fastLiveness;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import dev.spool.EnqueueOptions;
import dev.spool.JobAdmin;
import dev.spool.JobHandlers;
import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.SpoolOptions;
import dev.spool.StepOptions;
import dev.spool.Task;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import dev.spool.admin.impl.AdminRoutes;
import dev.spool.metrics.MicrometerMetrics;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The admin API's OpenAPI document ({@code GET /api/openapi.json}) says what the API does: it is a valid
 * OpenAPI 3.1 document, it names every route the router registers and no other, and the answers of a small
 * workload (jobs in every state, a workflow, a keyed queue, a worker) are what it declares, status, content
 * type and JSON body. A route or a field added without the document fails here.
 */
class OpenApiDocumentTest extends SpoolTestBase {

  /**
   * The OpenAPI 3.1 meta-schema, https://spec.openapis.org/oas/3.1/schema/2022-10-07, as published in the OpenAPI
   * Specification's repository (OAI/OpenAPI-Specification, schemas/v3.1/schema.json at commit 1f0334d1, Apache 2.0).
   */
  static final String META_SCHEMA = "dev/spool/admin/openapi-3.1-schema.json";
  static final String TOKEN = "s3cret";
  static final Task<JsonObject> WORK = Task.json("work");
  static final Task<JsonObject> HOLD = Task.json("hold");

  private final OpenApiSpec spec = new OpenApiSpec();

  @Override
  protected SpoolOptions spoolOptions() {
    return new SpoolOptions().setKeepCompleted(true).setHistory(true);
  }

  @Test
  void theDocumentIsAValidOpenApi31DocumentWhoseSchemasAreJsonSchema202012() throws IOException {
    JsonSchema openApi31;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(META_SCHEMA)) {
      openApi31 = OpenApiSpec.schema(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    Set<ValidationMessage> errors = openApi31.validate(OpenApiSpec.json(OpenApiSpec.text()));
    assertThat(errors).as("the document against the OpenAPI 3.1 schema").isEmpty();
    assertThat(spec.document().getString("openapi")).startsWith("3.1.");

    // the OpenAPI schema leaves Schema Objects to JSON Schema: each one must be a 2020-12 schema
    JsonSchema metaSchema = OpenApiSpec.schema("{\"$ref\": \"https://json-schema.org/draft/2020-12/schema\"}");
    JsonObject schemas = spec.document().getJsonObject("components").getJsonObject("schemas");
    for (String name : schemas.fieldNames()) {
      assertThat(metaSchema.validate(OpenApiSpec.json(schemas.getJsonObject(name).encode())))
          .as("components.schemas." + name + " against the JSON Schema 2020-12 meta-schema").isEmpty();
    }
  }

  @Test
  void everyRouteOfTheRouterIsInTheDocumentAndNoOther() {
    JobAdmin admin = spool.admin();
    try {
      // the dashboard (on by default) registers its page and assets too
      List<Route> routes = new AdminRoutes(spool, admin, new AdminOptions(), null).router(vertx).getRoutes();
      Set<String> registered = new TreeSet<>();
      for (Route route : routes) {
        if (route.getPath() == null) {
          continue; // the guards every request passes (Host and Origin, then the token)
        }
        assertThat(route.methods()).as("methods of " + route.getPath()).isNotEmpty();
        String path = route.getPath().replaceAll(":([A-Za-z_]+)", "{$1}");
        route.methods().forEach(m -> registered.add(m.name().toUpperCase(Locale.ROOT) + " " + path));
      }
      Set<String> undocumented = new TreeSet<>(registered);
      undocumented.removeAll(spec.operationNames());
      Set<String> unrouted = new TreeSet<>(spec.operationNames());
      unrouted.removeAll(registered);
      assertThat(undocumented).as("routes the document does not describe").isEmpty();
      assertThat(unrouted).as("operations of the document that no route serves").isEmpty();
      assertThat(registered).contains("GET /api/jobs/{id}", "GET /api/openapi.json", "GET /assets/{name}");
    } finally {
      await(admin.close());
    }
  }

  @Test
  void everyOperationAnswersAWorkloadAsTheDocumentDeclaresAndAsksForTheTokenWhenItSaysSo() {
    AdminVerticle verticle = new AdminVerticle(spool, new AdminOptions().setPort(0).setToken(TOKEN)
        .setQueueOptions("tenants", new QueueOptions().setFair(true).setKeyConcurrency(2)
            .setKeyRateLimit(RateLimit.perSecond(10)).setKeyWeights(Map.of("acme", 3))),
        new MicrometerMetrics(MicrometerMetrics.prometheusRegistry()));
    await(vertx.deployVerticle(verticle));
    int port = verticle.actualPort();

    // a worker that finishes work with a result and holds hold until it is cancelled
    JobHandlers handlers = new JobHandlers()
        .register(WORK, (args, ctx) -> io.vertx.core.Future.succeededFuture(new JsonObject().put("ok", true)))
        .register(HOLD, (args, ctx) -> ctx.cancellation());
    await(vertx.deployVerticle(() -> spool.worker(fastLiveness().setQueues(List.of("default"))
        .setShutdownTimeout(Duration.ofSeconds(1)), handlers),
        new DeploymentOptions()));
    long completed = enqueue(WORK, new EnqueueOptions());
    long running = enqueue(HOLD, new EnqueueOptions());
    eventually(Duration.ofSeconds(10), () -> countAll("id = $1 and state = 'completed'", completed) == 1
        && count("id = $1 and state = 'running'", running) == 1);
    long available = enqueue(WORK, new EnqueueOptions().setQueue("mail"));
    long scheduled = enqueue(WORK, new EnqueueOptions().setQueue("mail").setDelay(Duration.ofHours(1)));
    long dead = enqueue(WORK, new EnqueueOptions().setQueue("mail"));
    sql("update {schema}.jobs set state = 'dead', finished_at = now(), attempt = max_attempts, "
        + "last_error = '{\"class\":\"java.lang.IllegalStateException\",\"message\":\"boom\"}' where id = $1", dead);
    enqueue(WORK, new EnqueueOptions().setQueue("tenants").setKey("acme"));
    enqueue(WORK, new EnqueueOptions().setQueue("tenants").setKey("globex"));
    WorkflowRun workflow = await(spool.client().enqueueWorkflow(Workflow.named("import")
        .step("fetch", WORK, new JsonObject(), new StepOptions().setEnqueueOptions(new EnqueueOptions().setQueue("mail")))
        .step("report", WORK, new JsonObject(), new StepOptions().setEnqueueOptions(new EnqueueOptions().setQueue("mail"))
            .dependsOn("fetch"))));

    List<String[]> requests = List.of(
        new String[] {"GET", "/health"}, new String[] {"GET", "/ready"}, new String[] {"GET", "/metrics"},
        new String[] {"GET", "/api/openapi.json"}, new String[] {"GET", "/api/stats"}, new String[] {"GET", "/api/dashboard"},
        new String[] {"GET", "/api/jobs"}, new String[] {"GET", "/api/jobs?state=available&limit=2"},
        new String[] {"GET", "/api/jobs?queue=mail&depth=3"}, new String[] {"GET", "/api/jobs?limit=1001"},
        new String[] {"GET", "/api/jobs?key=acme&stat=x"},
        new String[] {"GET", "/api/jobs/" + completed}, new String[] {"GET", "/api/jobs/" + dead},
        new String[] {"GET", "/api/jobs/" + workflow.id("report")},
        new String[] {"GET", "/api/jobs/987654321"}, new String[] {"GET", "/api/jobs/abc"},
        new String[] {"GET", "/api/jobs/" + scheduled + "/explain"}, new String[] {"GET", "/api/jobs/" + running + "/explain"},
        new String[] {"GET", "/api/jobs/" + workflow.id("report") + "/explain"},
        new String[] {"POST", "/api/jobs/" + available + "/retry"}, new String[] {"POST", "/api/jobs/" + dead + "/retry"},
        new String[] {"DELETE", "/api/jobs/" + completed}, new String[] {"DELETE", "/api/jobs/" + running},
        new String[] {"DELETE", "/api/jobs/" + scheduled}, new String[] {"DELETE", "/api/jobs/987654321"},
        new String[] {"GET", "/api/workflows/" + workflow.id()}, new String[] {"GET", "/api/workflows/987654321"},
        new String[] {"DELETE", "/api/workflows/" + workflow.id()},
        new String[] {"GET", "/api/dead"}, new String[] {"POST", "/api/dead/retry?queue=mail"},
        new String[] {"DELETE", "/api/dead"}, new String[] {"DELETE", "/api/dead?all=true"},
        new String[] {"GET", "/api/queues"}, new String[] {"GET", "/api/workers"},
        new String[] {"GET", "/api/queues/tenants/keys?limit=5"}, new String[] {"GET", "/api/queues/default/keys"},
        new String[] {"POST", "/api/queues/mail/pause"}, new String[] {"POST", "/api/queues/mail/resume"},
        new String[] {"POST", "/api/queues/mail/purge?dry_run=true"},
        new String[] {"POST", "/api/jobs/bulk/cancel?queue=mail&dry_run=true"},
        new String[] {"POST", "/api/jobs/bulk/move?queue=mail&to=other"}, new String[] {"POST", "/api/jobs/bulk/move"},
        new String[] {"POST", "/api/jobs/bulk/delete?state=scheduled&created_before=2999-01-01T00:00:00Z"},
        new String[] {"POST", "/api/jobs/bulk/nothing"},
        new String[] {"GET", "/"}, new String[] {"GET", "/assets/dashboard.js"}, new String[] {"GET", "/assets/dashboard.css"},
        new String[] {"GET", "/assets/nothing.js"});

    Map<String, Set<Integer>> answered = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (String[] request : requests) {
      RawHttp.Response response = RawHttp.send(port, request[0], request[1], Map.of("Authorization", "Bearer " + TOKEN));
      check(request[0], request[1], response, answered, problems);
    }
    // every operation, without the token: a 401 where the document asks for the token, no 401 where it does not;
    // and from a foreign Host: the 403 every operation declares
    for (OpenApiSpec.Operation operation : spec.operations()) {
      String path = operation.path().replace("{id}", String.valueOf(completed)).replace("{queue}", "mail")
          .replace("{action}", "cancel").replace("{name}", "views.js");
      RawHttp.Response anonymous = RawHttp.send(port, operation.method().toUpperCase(Locale.ROOT), path, Map.of());
      assertThat(anonymous.status() == 401).as(operation.name() + " without the token: " + anonymous.status())
          .isEqualTo(operation.needsToken(spec.document()));
      check(operation.method().toUpperCase(Locale.ROOT), path, anonymous, answered, problems);
      RawHttp.Response foreign = RawHttp.send(port, operation.method().toUpperCase(Locale.ROOT), path,
          Map.of("Host", "evil.example", "Authorization", "Bearer " + TOKEN));
      assertThat(foreign.status()).as(operation.name() + " from a foreign Host").isEqualTo(403);
      check(operation.method().toUpperCase(Locale.ROOT), path, foreign, answered, problems);
    }

    assertThat(problems).as("answers the document does not declare").isEmpty();
    Set<String> withSuccess = new TreeSet<>();
    answered.forEach((name, statuses) -> {
      if (statuses.stream().anyMatch(s -> s < 300)) {
        withSuccess.add(name);
      }
    });
    Set<String> expected = new TreeSet<>(spec.operationNames());
    expected.remove("GET /ready"); // 503 here: no worker serves the due jobs of mail and tenants
    assertThat(withSuccess).as("operations the workload got a 2xx from").containsAll(expected);
  }

  private void check(String method, String target, RawHttp.Response response, Map<String, Set<Integer>> answered,
      List<String> problems) {
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    OpenApiSpec.Operation operation = spec.match(method, path)
        .orElseThrow(() -> new AssertionError("the document has no operation for " + method + " " + path));
    answered.computeIfAbsent(operation.name(), k -> new TreeSet<>()).add(response.status());
    spec.problems(operation, response.status(), response.header("content-type"), response.body())
        .forEach(p -> problems.add(method + " " + target + " -> " + p));
  }

  private long enqueue(Task<JsonObject> task, EnqueueOptions options) {
    return await(spool.client().enqueue(task, new JsonObject().put("n", 1), options));
  }
}
