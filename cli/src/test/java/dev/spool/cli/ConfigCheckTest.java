package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spool config check}: the effective configuration with each value's source, or exit 2 and why. */
class ConfigCheckTest {

  @TempDir
  Path dir;

  @Test
  void theExampleFileOfTheRepositoryIsValid() throws Exception {
    Path example = Path.of("..", "spool.yaml").toAbsolutePath().normalize();
    CliProcess.Result result = CliProcess.run(dir, Map.of(), "config", "check", "--config", example.toString());

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("is valid").contains("worker.batchSize").contains("spool.yaml:");
  }

  @Test
  void printsEachValueWithItsSourceMasksSecretsAndNamesUnusedVariables() throws Exception {
    Path file = write("spool.yaml", """
        database:
          url: postgresql://app:filepassword@db/app
        worker:
          concurrency: 50
        admin:
          token: file-token
        """);
    CliProcess.Result result = CliProcess.run(dir,
        Map.of("SPOOL_WORKER_BATCH_SIZE", "200", "SPOOL_WORKR_PREFETCH", "5", "SPOOL_ADMIN_PORT", "7400"),
        "config", "check", "--config", file.toString(), "--json");

    assertThat(result.exit()).as(result.output()).isZero();
    JsonObject report = new JsonObject(result.output());
    Map<String, JsonObject> byPath = new java.util.HashMap<>();
    report.getJsonArray("entries").forEach(e -> byPath.put(((JsonObject) e).getString("path"), (JsonObject) e));
    assertThat(byPath.get("worker.concurrency").getString("source")).isEqualTo("file");
    assertThat(byPath.get("worker.concurrency").getString("detail")).endsWith("spool.yaml:4");
    assertThat(byPath.get("worker.batchSize").getString("source")).isEqualTo("env");
    assertThat(byPath.get("worker.batchSize").getValue("value").toString()).isEqualTo("200");
    assertThat(byPath.get("worker.prefetch").getString("source")).isEqualTo("default");
    assertThat(byPath.get("admin.port").getString("detail")).isEqualTo("SPOOL_ADMIN_PORT");
    assertThat(result.output()).doesNotContain("filepassword").doesNotContain("file-token");
    assertThat(report.getJsonArray("unusedEnvironment").getList()).containsExactly("SPOOL_WORKR_PREFETCH");
  }

  @Test
  void anUnknownKeyExitsTwoNamingTheKeyAndItsLine() throws Exception {
    Path file = write("spool.yaml", """
        worker:
          queues: [default]
          concurency: 5
        """);
    CliProcess.Result result = CliProcess.run(dir, Map.of(), "config", "check", "--config", file.toString());

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.output().strip()).isEqualTo(
        "error: " + file + ":3: worker.concurency: unknown key (did you mean worker.concurrency?)");
  }

  @Test
  void aWrongTypeANegativeSizeABadCronAndABadZoneEachExitTwoWithTheirLine() throws Exception {
    assertInvalid("worker:\n  concurrency: lots\n", ":2: worker.concurrency:");
    assertInvalid("worker:\n  batchSize: -3\n", ":2: worker.batchSize: must be at least 1");
    assertInvalid("periodic:\n  - name: n\n    cron: \"61 * * * *\"\n    task: t\n", ":3: periodic[0].cron:");
    assertInvalid("periodic:\n  - name: n\n    every: 1m\n    zone: Mars/Olympus\n    task: t\n", ":4: periodic[0].zone:");
    assertInvalid("tasks:\n  t:\n    retry:\n      giveUpOn: [com.example.NoSuchException]\n", ":4: tasks.t.retry.giveUpOn[0]:");
    assertInvalid("worker: [not, a, map\n", "does not parse");
  }

  @Test
  void aBadValueFromTheEnvironmentNamesTheVariable() throws Exception {
    CliProcess.Result result = CliProcess.run(dir, Map.of("SPOOL_WORKER_CONCURRENCY", "lots"), "config", "check");

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.output()).contains("SPOOL_WORKER_CONCURRENCY").contains("worker.concurrency");
  }

  @Test
  void aMissingFileIsAUsageError() throws Exception {
    CliProcess.Result result = CliProcess.run(dir, Map.of(), "config", "check", "--config", "nowhere.yaml");

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.output()).contains("nowhere.yaml: no such file");
  }

  private void assertInvalid(String yaml, String expected) throws Exception {
    Path file = write("bad.yaml", yaml);
    CliProcess.Result result = CliProcess.run(dir, Map.of(), "config", "check", "--config", file.toString());
    assertThat(result.exit()).as(yaml + "\n" + result.output()).isEqualTo(2);
    assertThat(result.output()).as(yaml).contains(expected);
    assertThat(result.output().strip().lines().count()).as(result.output()).isEqualTo(1);
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }
}
