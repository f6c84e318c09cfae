package dev.spool.cli;

import static dev.spool.testing.Prometheus.value;
import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.BuiltInTasks;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code worker --admin-port}: a worker process serving the admin API and Prometheus metrics. */
class AdminPortTest extends SpoolTestBase {

  private static final Pattern ADMIN_LINE = Pattern.compile("admin API on http://127\\.0\\.0\\.1:(\\d+)");

  private Process worker(String... extra) throws Exception {
    return spool("worker", "--workers", "1", extra);
  }

  private Process spool(String command, String option, String value, String... extra) throws Exception {
    java.util.List<String> line = new java.util.ArrayList<>(java.util.List.of(
        ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
        SpoolCommand.class.getName(), command, "--db", TestDatabase.uri(), "--schema", schema, option, value));
    line.addAll(java.util.List.of(extra));
    return new ProcessBuilder(line).redirectErrorStream(true).start();
  }

  /** The lines a process prints, as they come. */
  private static BlockingQueue<String> lines(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
        in.lines().forEach(lines::add);
      } catch (Exception ignored) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  @Test
  void aWorkerServesTheApiAndItsMetrics() throws Exception {
    Process worker = worker("--admin-port", "0");
    BlockingQueue<String> lines = lines(worker);
    try {
      int port = -1;
      StringBuilder seen = new StringBuilder();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (port < 0 && System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line != null) {
          seen.append(line).append('\n');
          Matcher m = ADMIN_LINE.matcher(line);
          if (m.find()) {
            port = Integer.parseInt(m.group(1));
          }
        }
      }
      assertThat(port).as(seen.toString()).isPositive();
      Http http = new Http(port);

      await(spool.client().enqueueBatch(BuiltInTasks.NOOP, Collections.nCopies(20, new JsonObject()), new EnqueueOptions()));
      await(spool.client().enqueue(BuiltInTasks.FAIL, new JsonObject().put("times", 5), new EnqueueOptions().setMaxAttempts(1)));
      eventually(Duration.ofSeconds(20), () -> count("state <> 'dead'") == 0);
      eventually(Duration.ofSeconds(20), () -> value(http.get("/metrics").body(), "spool_jobs_total",
          "task=spool.noop", "outcome=completed") == 20);
      String metrics = http.get("/metrics").body();
      assertThat(value(metrics, "spool_jobs_total", "task=spool.fail", "outcome=dead")).isEqualTo(1);
      // Vert.x's own metrics share the registry
      assertThat(metrics).contains("vertx_http_server").contains("jvm_memory_used_bytes");
      eventually(Duration.ofSeconds(20), () -> http.get("/ready").status() == 200);
      assertThat(http.get("/api/dead").json().getJsonArray("jobs")).hasSize(1);
    } finally {
      worker.toHandle().destroy();
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void theKeysViewShowsTheLimitsAndWeightsTheWorkerClaimsAKeyedQueueWith() throws Exception {
    java.nio.file.Path config = java.nio.file.Files.createTempFile("spool-keys", ".yaml");
    java.nio.file.Files.writeString(config, """
        queues:
          tenants:
            fair: true
            keyConcurrency: 2
            keyRateLimit: 10/1s
            keyWeights:
              acme: 3
        """);
    Process worker = worker("--admin-port", "0", "--queues", "tenants", "--config", config.toString());
    BlockingQueue<String> lines = lines(worker);
    try {
      Http http = new Http(adminPort(lines, 60));
      // due in an hour: open, so the key has work, but not claimed while the test looks
      await(spool.client().enqueue(BuiltInTasks.NOOP, new JsonObject(),
          new EnqueueOptions().setQueue("tenants").setKey("acme").setDelay(Duration.ofHours(1))));
      JsonObject keys = http.get("/api/queues/tenants/keys").json();
      assertThat(keys.getJsonObject("limits")).isEqualTo(new JsonObject().put("fair", true).put("serial", false)
          .put("key_concurrency", 2).put("key_rate_limit", new JsonObject().put("count", 10).put("per_ms", 1000))
          .put("key_weights", new JsonObject().put("acme", 3)));
      assertThat(keys.getJsonArray("busiest").getJsonObject(0).getInteger("weight")).isEqualTo(3);
      // a queue the file does not configure: its keys, no limits
      assertThat(http.get("/api/queues/default/keys").json().getValue("limits")).isNull();
    } finally {
      worker.toHandle().destroy();
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
      java.nio.file.Files.deleteIfExists(config);
    }
  }

  /** The port of the admin API line a process prints within {@code seconds}. */
  private static int adminPort(BlockingQueue<String> lines, int seconds) throws InterruptedException {
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        seen.append(line).append('\n');
        Matcher m = ADMIN_LINE.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
    }
    throw new AssertionError("no admin API line within " + seconds + " s; the process printed:\n" + seen);
  }

  @Test
  void offLoopbackWithoutATokenTheWorkerRefusesToStart() throws Exception {
    Process worker = worker("--admin-port", "0", "--admin-host", "0.0.0.0");
    String out = new String(worker.getInputStream().readAllBytes());
    assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(worker.exitValue()).isEqualTo(2);
    assertThat(out).contains("needs a bearer token");
    assertThat(sql("select count(*) from {schema}.workers").iterator().next().getLong(0)).isZero();
  }

  @Test
  void theDemoWithStayKeepsItsDashboardUpUntilStopped() throws Exception {
    Process demo = spool("demo", "--jobs", "200", "--admin-port", "0", "--stay");
    BlockingQueue<String> lines = lines(demo);
    try {
      int port = -1;
      boolean staying = false;
      StringBuilder seen = new StringBuilder();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!staying && System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line != null) {
          seen.append(line).append('\n');
          Matcher m = ADMIN_LINE.matcher(line);
          if (m.find()) {
            port = Integer.parseInt(m.group(1));
          }
          staying |= line.startsWith("Still running (--stay)");
        }
      }
      assertThat(staying).as(seen.toString()).isTrue();
      Http http = new Http(port);
      assertThat(http.get("/").status()).isEqualTo(200);
      JsonObject queue = http.get("/api/dashboard").json().getJsonArray("queues").getJsonObject(0);
      assertThat(queue.getString("name")).isEqualTo("default");
      assertThat(queue.getLong("dead")).isPositive(); // the demo's jobs that fail for good
      assertThat(queue.getInteger("workers")).isEqualTo(2);
    } finally {
      demo.toHandle().destroy(); // SIGTERM, as Ctrl-C or a service manager would stop it
      assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(demo.exitValue()).isZero();
    assertThat(String.join("\n", lines)).contains("stopped");
  }

  @Test
  void theDemoRefusesStayWithoutADashboard() throws Exception {
    Process demo = spool("demo", "--jobs", "10", "--stay");
    String out = new String(demo.getInputStream().readAllBytes());
    assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(demo.exitValue()).isEqualTo(2);
    assertThat(out).contains("--stay keeps the dashboard up").contains("--admin-port");
  }
}
