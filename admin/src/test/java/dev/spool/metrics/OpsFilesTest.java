package dev.spool.metrics;

import static dev.spool.testing.Prometheus.value;
import static dev.spool.testing.TestDatabase.await;
import static dev.spool.testing.WorkerProcess.fastLiveness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.RetryPolicy;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.admin.AdminOptions;
import dev.spool.admin.AdminVerticle;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules ({@code ops/prometheus/spool-alerts.yml}) and the Grafana dashboard
 * ({@code ops/grafana/spool-dashboard.json}) name only series Spool really exports: after a small workload
 * that completes, retries, kills and rescues jobs and leaves a queue and a task unserved, a scrape of {@code /metrics}
 * holds every metric their expressions use. (promtool checks the rules' syntax in CI.) The same scrape documents
 * every metric in {@code docs/reference/metrics.md} ({@link MetricsReference}).
 */
class OpsFilesTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Path OPS = Path.of("..", "ops");
  /** A metric name in PromQL: Spool's all start so; labels, functions and alert names never do. */
  static final Pattern METRIC = Pattern.compile("\\bspool_[a-z0-9_]+\\b");

  private Spool metered;
  private Http http;
  private JobHandlers handlers;

  @Test
  void everySeriesTheRulesAndTheDashboardUseIsExported() throws IOException {
    List<String> ruleExprs = ruleExpressions(Files.readAllLines(OPS.resolve("prometheus/spool-alerts.yml")));
    List<String> panelExprs = new ArrayList<>();
    targets(new JsonObject(Files.readString(OPS.resolve("grafana/spool-dashboard.json"))), panelExprs);
    assertThat(ruleExprs).hasSizeGreaterThanOrEqualTo(8);
    assertThat(panelExprs).hasSizeGreaterThanOrEqualTo(15);

    String scrape = scrapeAfterAWorkload();
    MetricsReference.check(scrape);
    Set<String> exported = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        exported.add(line.substring(0, line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ')));
      }
    }
    Set<String> used = new TreeSet<>();
    for (String expr : concat(ruleExprs, panelExprs)) {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        used.add(m.group());
      }
    }
    // the rules alert on what the operations issue asks for
    assertThat(used).contains("spool_queue_depth", "spool_queue_oldest_available_seconds", "spool_jobs_dead",
        "spool_jobs_total", "spool_jobs_rescued_total", "spool_leader_present", "spool_queue_unserved_jobs",
        "spool_late_acks_total", "spool_vacuum_horizon_age_seconds", "spool_vacuum_horizon_xid_age",
        "spool_jobs_table_dead_tuples");
    // histograms are scraped as _bucket, _count and _sum series, which is what the expressions name
    assertThat(exported).as("series in /metrics").containsAll(used);

    // and the two gauges added for the rules read what the database says
    assertThat(value(scrape, "spool_leader_present")).isEqualTo(1);
    assertThat(value(scrape, "spool_queue_unserved_jobs", "queue=idle")).isEqualTo(1);
    assertThat(value(scrape, "spool_queue_unserved_jobs", "queue=default")).as("the unhandled task").isEqualTo(1);

    // a worker for queue idle comes: the gauge goes to 0 rather than keeping its last value
    await(vertx.deployVerticle(() -> metered.worker(fastLiveness().setQueues(List.of("idle")), handlers),
        new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> value(http.get("/metrics").body(), "spool_queue_unserved_jobs", "queue=idle") == 0);
  }

  /**
   * Jobs completed, retried and dead in queue default, one of a task its worker does not handle, one waiting in
   * queue idle that no worker serves, one rescued.
   */
  private String scrapeAfterAWorkload() {
    MicrometerMetrics metrics = new MicrometerMetrics(MicrometerMetrics.prometheusRegistry());
    metered = Spool.builder(vertx).connectingTo(TestDatabase.uri()).options(new SpoolOptions().setSchema(schema))
        .listener(metrics).build();
    AdminVerticle admin = new AdminVerticle(metered, new AdminOptions().setPort(0)
        .setQueueRefresh(Duration.ofMillis(100)), metrics);
    await(vertx.deployVerticle(admin));
    http = new Http(admin.actualPort());

    handlers = new JobHandlers().register(WORK,
        (args, ctx) -> ctx.attempt() <= args.getInteger("fail", 0)
            ? Future.failedFuture(new IllegalStateException("attempt " + ctx.attempt())) : Future.succeededFuture(),
        new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(10)).setJitter(0)));
    await(metered.client().enqueue(WORK, new JsonObject()));
    await(metered.client().enqueue(WORK, new JsonObject().put("fail", 1)));
    await(metered.client().enqueue(WORK, new JsonObject().put("fail", 9), new EnqueueOptions().setMaxAttempts(1)));
    await(metered.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("idle")));
    // a task no worker of queue default handles (a mistyped name): a warning on /ready, counted by the gauge
    await(metered.client().enqueue(Task.json("wrok"), new JsonObject()));
    // a run whose worker vanished: the leader's rescuer takes it back
    sql("insert into {schema}.workers (id, queues, heartbeat_at) values ('ghost', '{default}', now() - interval '1 hour')");
    long lost = await(metered.client().enqueue(WORK, new JsonObject()));
    sql("update {schema}.jobs set state = 'running', attempt = 1, lease_owner = 'ghost', "
        + "lease_expires_at = now() - interval '1 second' where id = $1", lost);

    await(vertx.deployVerticle(() -> metered.worker(fastLiveness(), handlers), new DeploymentOptions()));
    eventually(Duration.ofSeconds(15), () -> count("queue = 'default' and task = 'work' and state <> 'dead'") == 0);
    eventually(Duration.ofSeconds(10), () -> {
      String text = http.get("/metrics").body();
      return value(text, "spool_jobs_dead", "queue=default") == 1 && value(text, "spool_leader_present") == 1
          && value(text, "spool_queue_unserved_jobs", "queue=idle") == 1
          && value(text, "spool_queue_unserved_jobs", "queue=default") == 1;
    });
    return http.get("/metrics").body();
  }

  /** The {@code expr} of every rule: one line, or a block scalar ({@code expr: |}) of the lines indented below it. */
  static List<String> ruleExpressions(List<String> lines) {
    List<String> exprs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.stripLeading();
      if (!trimmed.startsWith("expr:")) {
        continue;
      }
      String value = trimmed.substring("expr:".length()).strip();
      if (!value.startsWith("|") && !value.startsWith(">")) {
        exprs.add(value);
        continue;
      }
      int indent = line.length() - trimmed.length();
      StringBuilder block = new StringBuilder();
      while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
          || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent)) {
        block.append(lines.get(++i).strip()).append('\n');
      }
      exprs.add(block.toString());
    }
    return exprs;
  }

  /** Every {@code targets[].expr} of the dashboard, in panels and in panels nested in rows. */
  static void targets(Object node, List<String> out) {
    if (node instanceof JsonObject object) {
      if (object.getValue("targets") instanceof JsonArray targets) {
        targets.forEach(t -> out.add(((JsonObject) t).getString("expr")));
      }
      object.forEach(e -> targets(e.getValue(), out));
    } else if (node instanceof JsonArray array) {
      array.forEach(e -> targets(e, out));
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
