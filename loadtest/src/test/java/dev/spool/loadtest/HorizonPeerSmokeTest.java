package dev.spool.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spool.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code horizon --targets floor,graphile} in-process, short, against real PostgreSQL: Graphile Worker
 * (node and the install ../shared/bench's script makes; skipped when either is missing) runs the jobs the run's
 * clock enqueues through its own addJobs, and its reports carry what Spool's and the floor's do, beside the
 * floor's in one result and one side-by-side table. Timed figures are not asserted.
 */
class HorizonPeerSmokeTest {

  @Test
  void graphileWorkerRunsBesideTheFloorUnderTheSamePin() {
    String why = GraphileHorizonTarget.unavailable(GraphileHorizonTarget.defaultInstallDir());
    assumeTrue(why == null, why);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LoadTest.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("horizon",
        "--db", TestDatabase.uri(), "--targets", "floor,graphile", "--pin", "repeatable-read", "--rate", "100",
        "--warmup", "3", "--duration", "6", "--recovery", "3", "--report-every", "3");
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).as("stdout (stderr: %s)", err).hasSize(1);
    assertThat(exit).as("exit code (stderr: %s)", err).isZero();
    JsonObject result = new JsonObject(lines.get(0));
    assertThat(result.getJsonArray("targets")).containsExactly("floor", "graphile");
    assertThat(result.getJsonArray("failed_bounds")).isEmpty();
    JsonArray runs = result.getJsonArray("runs");
    assertThat(runs.stream().map(r -> ((JsonObject) r).getString("target")).toList()).containsExactly("floor", "graphile");

    JsonObject peer = runs.getJsonObject(1);
    assertThat(peer.getString("pin")).isEqualTo("repeatable-read");
    assertThat(peer.getJsonObject("target_settings").getString("graphile_worker")).isEqualTo(GraphileHorizonTarget.VERSION);
    assertThat(peer.getLong("enqueue_errors")).isZero();
    assertThat(peer.getLong("jobs")).isGreaterThan(1000);
    assertThat(peer.getString("claim_probe_error")).isNull();
    JsonArray reports = peer.getJsonArray("reports");
    assertThat(reports.stream().map(r -> ((JsonObject) r).getString("phase")).toList())
        .containsExactly("warmup", "pinned", "pinned", "released");
    for (Object o : reports) {
      JsonObject report = (JsonObject) o;
      // every window's jobs ran and were seen starting, their pickups measured, the claim probed
      assertThat(report.getLong("started_per_s")).as("%s", report).isGreaterThan(50);
      assertThat(report.getDouble("pickup_p50_ms")).as("%s", report).isNotNull();
      assertThat(report.getInteger("claim_probes")).as("%s", report).isPositive();
      assertThat(report.getDouble("claim_mean_ms")).as("%s", report).isNotNull();
      assertThat(report.getDouble("table_mb") + report.getDouble("index_mb")).as("%s", report).isPositive();
    }
    // the pin holds the peer's horizon too: its table's dead versions pile up until the release
    JsonObject lastPinned = reports.getJsonObject(2);
    assertThat(lastPinned.getDouble("horizon_age_s")).isGreaterThanOrEqualTo(1.0);
    assertThat(lastPinned.getLong("dead_tuples")).isGreaterThan(reports.getJsonObject(0).getLong("dead_tuples"));

    assertThat(err.toString()).contains("graphile, 100 jobs/s, pin repeatable-read:", "side by side, 100 jobs/s",
        "graphile pickup p50 / p99 ms", "floor pickup p50 / p99 ms");
    Vertx vertx = Vertx.vertx();
    try {
      PgConnection c = TestDatabase.await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())));
      long schemas = TestDatabase.await(c.query("select count(*) from pg_namespace where nspname = 'graphile_worker'")
          .execute()).iterator().next().getLong(0);
      assertThat(schemas).as("the peer's schema is dropped after the run").isZero();
      TestDatabase.await(c.close());
    } finally {
      TestDatabase.await(vertx.close());
    }
  }

  @Test
  void targetsAreCheckedBeforeAnyWork() {
    assertThat(refusal("--targets", "spool,mystery")).contains("a target is spool, floor or graphile, got mystery");
    assertThat(refusal("--targets", "floor,floor")).contains("--targets names a target twice: floor,floor");
    assertThat(refusal("--target", "floor", "--targets", "spool,floor")).contains("--target and --targets are exclusive");
    assertThat(refusal("--target", "graphile", "--graphile-dir", "/nonexistent/graphile"))
        .containsAnyOf("Graphile Worker is not installed in /nonexistent/graphile", "needs Node.js");
  }

  private static String refusal(String... args) {
    StringWriter err = new StringWriter();
    String[] command = new String[args.length + 3];
    command[0] = "horizon";
    command[1] = "--db";
    command[2] = TestDatabase.uri();
    System.arraycopy(args, 0, command, 3, args.length);
    int exit = LoadTest.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
        .execute(command);
    assertThat(exit).as("exit code (stderr: %s)", err).isEqualTo(2);
    return err.toString();
  }
}
