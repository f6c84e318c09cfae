package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code spool migrate --status} and {@code --dry-run}, in-process against the test's schema. */
class MigrateCommandTest extends SpoolTestBase {

  record Result(int code, String out, String err) {
    JsonObject json() {
      return new JsonObject(out);
    }
  }

  private Result spool(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--db", TestDatabase.uri(), "--schema", schema));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new SpoolCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private int latest() {
    return sql("select max(version) from {schema}.schema_version").iterator().next().getInteger(0);
  }

  @Test
  void statusPrintsAppliedAndPendingMigrationsAndTheCompatibleRange() {
    int latest = latest();
    sql("delete from {schema}.schema_version where version = $1", latest);

    Result json = spool("migrate", "--status", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonObject status = json.json();
    assertThat(status.getInteger("runtimeVersion")).isEqualTo(latest);
    assertThat(status.getInteger("schemaVersion")).isEqualTo(latest - 1);
    assertThat(status.getBoolean("runtimeWorks")).isFalse();
    assertThat(status.getString("verdict")).contains("run `spool migrate`");
    assertThat(status.getJsonObject("compatible").getInteger("to")).isEqualTo(latest - 1);
    assertThat(status.getJsonArray("applied")).hasSize(latest - 1);
    assertThat(status.getJsonArray("applied").getJsonObject(0).fieldNames())
        .containsExactlyInAnyOrder("version", "name", "compatibleFrom", "appliedAt");
    JsonArray pending = status.getJsonArray("pending");
    assertThat(pending).hasSize(1);
    assertThat(pending.getJsonObject(0).getInteger("version")).isEqualTo(latest);
    assertThat(pending.getJsonObject(0).getString("appliedAt")).isNull();

    Result text = spool("migrate", "--status");
    assertThat(text.code()).isZero();
    assertThat(text.out()).contains("schema " + schema + ": version " + (latest - 1) + ", " + (latest - 1)
        + " migrations applied, 1 pending for this Spool (version " + latest + ")")
        .contains(String.format("pending:%n  V%03d", latest));
    assertThat(latest()).as("--status changes nothing").isEqualTo(latest - 1);

    Result migrated = spool("migrate", "--json");
    assertThat(migrated.json().getJsonArray("applied")).containsExactly(latest);
    Result after = spool("migrate", "--status", "--json");
    assertThat(after.json().getBoolean("runtimeWorks")).isTrue();
    assertThat(after.json().getJsonArray("pending")).isEmpty();
    assertThat(spool("migrate", "--status").out()).contains("works with Spool runtimes of versions "
        + after.json().getJsonObject("compatible").getInteger("from") + " to " + latest);
  }

  @Test
  void dryRunPrintsEachPendingStepsSqlLockAndEstimateAndChangesNothing() {
    int latest = latest();
    // the two newest migrations pending: V018 alters a table of the kept history, V019 drops functions only
    sql("delete from {schema}.schema_version where version >= $1", latest - 1);

    Result json = spool("migrate", "--dry-run", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonObject plan = json.json();
    assertThat(plan.getInteger("fromVersion")).isEqualTo(latest - 2);
    assertThat(plan.getInteger("toVersion")).isEqualTo(latest);
    assertThat(plan.getLong("lockTimeoutMs")).isEqualTo(500);
    List<JsonObject> steps = plan.getJsonArray("steps").stream().map(JsonObject.class::cast).toList();
    assertThat(steps).extracting(step -> step.getInteger("version")).containsExactly(latest - 1, latest);
    assertThat(steps.get(0).getString("sql")).contains(schema + ".jobs");
    // the first statement of the steps on a table of jobs or of the kept history (V018's: a column of the registry of
    // jobs_done's partitions)
    JsonObject statement = steps.stream().flatMap(step -> step.getJsonArray("statements").stream())
        .map(JsonObject.class::cast)
        .filter(s -> s.getString("table") != null && s.getString("table").startsWith(schema + ".jobs"))
        .findFirst().orElseThrow();
    assertThat(statement.fieldNames()).containsExactlyInAnyOrder("sql", "table", "lock", "blocks", "work", "rows",
        "bytes", "estimateMs");
    assertThat(statement.getString("lock")).isNotEqualTo("not derived");

    Result text = spool("migrate", "--dry-run");
    assertThat(text.code()).isZero();
    JsonObject last = steps.get(1);
    assertThat(text.out()).contains("schema " + schema + ": version " + (latest - 2) + " -> " + latest)
        .contains(String.format("V%03d %s", latest - 1, steps.get(0).getString("name")))
        .contains("lock " + statement.getString("lock") + " on " + statement.getString("table") + "; blocks ")
        .contains("each statement waits at most 500 ms for its lock")
        .contains(String.format("V%03d %s (works with runtimes from version %d)", latest, last.getString("name"),
            last.getInteger("compatibleFrom")));
    assertThat(latest()).as("--dry-run changes nothing").isEqualTo(latest - 2);

    Result none = spool("migrate", "--json");
    assertThat(none.code()).isZero();
    assertThat(spool("migrate", "--dry-run").out()).contains("nothing to migrate");
  }

  @Test
  void statusAndDryRunTakeNoOtherActionAndLockOptionsAreChecked() {
    Result both = spool("migrate", "--status", "--dry-run", "--json");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.json().getString("error")).isEqualTo("--status and --dry-run change nothing: use one of them alone");
    assertThat(spool("migrate", "--dry-run", "--history", "on").code()).isEqualTo(2);
    Result badAttempts = spool("migrate", "--lock-attempts", "0", "--json");
    assertThat(badAttempts.code()).isEqualTo(2);
    assertThat(badAttempts.json().getString("error"))
        .isEqualTo("--lock-timeout must be at least 1ms and --lock-attempts at least 1");
  }
}
