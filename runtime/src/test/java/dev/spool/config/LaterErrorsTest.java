package dev.spool.config;

import static dev.spool.config.TestFiles.load;
import static dev.spool.config.TestFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A problem found after the configuration loaded (a task no handler serves, a setting another component
 * refuses) names its place as load's own errors do: {@link SpoolConfig#error} points at the file's line,
 * the variable or the flag that set what it is about.
 */
class LaterErrorsTest {

  @TempDir
  Path dir;

  private String file() {
    return dir.resolve("spool.yaml").toString();
  }

  @Test
  void aTaskEntryIsPlacedAtTheLineOfItsFirstKeyInTheFile() {
    SpoolConfig config = load(yaml(dir,
        "worker:",
        "  concurrency: 4",
        "tasks:",
        "  acc.greet:",
        "    retry:",
        "      maxAttempts: 3",
        "    timeout: 5s"));

    ConfigException e = config.error("tasks.acc.greet", "no handler serves this task");

    assertThat(e).hasMessage(file() + ":5: tasks.acc.greet: no handler serves this task");
    assertThat(e.file()).isEqualTo(file());
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.path()).isEqualTo("tasks.acc.greet");
  }

  @Test
  void aTaskWithoutKeysIsPlacedAtItsName() {
    SpoolConfig config = load(yaml(dir, "tasks:", "  greet: {}"));
    assertThat(config.error("tasks.greet", "no handler serves this task"))
        .hasMessage(file() + ":2: tasks.greet: no handler serves this task");
  }

  @Test
  void aKeyIsPlacedWhereItsValueCameFrom() {
    SpoolConfig config = SpoolConfig.load(yaml(dir, "admin:", "  port: 7317", "  host: 0.0.0.0"),
        Map.of("SPOOL_ADMIN_PORT", "7318"), Map.of("admin.token", ""), Map.of("admin.token", "--admin-token"), null);

    assertThat(config.error("admin.host", "needs a token")).hasMessage(file() + ":3: admin.host: needs a token");
    assertThat(config.error("admin.port", "in use")).hasMessage("env SPOOL_ADMIN_PORT: admin.port: in use");
    assertThat(config.error("admin.token", "empty")).hasMessage("flag --admin-token: admin.token: empty");
    // a default inside a section the file has: the section's line
    assertThat(config.error("admin.dashboard", "no")).hasMessage(file() + ":1: admin.dashboard: no");
  }

  @Test
  void anEntryOnlyTheEnvironmentNamedIsPlacedAtTheVariable() {
    SpoolConfig config = SpoolConfig.load(null, Map.of("SPOOL_TASKS_SEND_EMAIL_TIMEOUT", "5s"), Map.of(), null);
    assertThat(config.error("tasks.send_email", "no handler serves this task"))
        .hasMessage("env SPOOL_TASKS_SEND_EMAIL_TIMEOUT: tasks.send_email: no handler serves this task");
  }

  @Test
  void aDefaultHasNoPlace() {
    assertThat(SpoolConfig.defaults().error("worker.concurrency", "too many")).hasMessage("worker.concurrency: too many");
  }

  @Test
  void aDatabaseUrlThatCannotWorkFailsAtLoadWithItsLine() {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> load(yaml(dir, "schema: jobs", "database:", "  url: mysql://db/jobs")));
    assertThat(e).hasMessage(file() + ":3: database.url: a database URL starts with postgresql:// (or postgres://), "
        + "not mysql://db/jobs");
  }

  @Test
  void aHandlerJarThatDoesNotExistIsNamedAtItsLine() {
    Path file = yaml(dir, "worker:", "  handlerJars:", "    - lib/handlers.jar");
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> SpoolConfig.handlerJars(file, Map.of(), Map.of(), Map.of()));
    assertThat(e).hasMessage(file() + ":3: worker.handlerJars[0]: no such file or folder: "
        + dir.resolve("lib/handlers.jar"));
  }
}
