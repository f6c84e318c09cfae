package dev.spool.cli;

import dev.spool.MigrateOptions;
import dev.spool.SchemaStatus;
import dev.spool.SpoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Creates or updates Spool's schema, and turns job history on or off; or, changing nothing, says where the
 * schema stands ({@code --status}) or what migrating would run ({@code --dry-run}).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Create or update Spool's schema.")
final class MigrateCommand extends Operator {

  /** {@code --history on|off}. */
  enum Switch { on, off }

  @Option(names = "--history", description = "record every job's state transitions: on or off (default: leave as is)")
  Switch history;

  @Option(names = "--status", description = "print the applied and pending migrations and the runtime versions "
      + "that work with the schema; change nothing")
  boolean status;

  @Option(names = "--dry-run", description = "print each pending migration's SQL, the lock each statement takes and "
      + "an estimate of how long it holds it on the tables as they are; change nothing")
  boolean dryRun;

  @Option(names = "--lock-timeout", converter = DurationConverter.class, description = "the longest a statement "
      + "waits for a lock before the attempt rolls back and is retried (default: 500ms)")
  Duration lockTimeout;

  @Option(names = "--lock-attempts", description = "attempts in all before giving up on a lock (default: "
      + MigrateOptions.DEFAULT_LOCK_ATTEMPTS + ")")
  Integer lockAttempts;

  @Override
  SpoolOptions spoolOptions(SpoolOptions configured) {
    return history == null ? configured : configured.setHistory(history == Switch.on);
  }

  @Override
  int run(Session session) throws Exception {
    if (status && dryRun || (status || dryRun) && (history != null || lockTimeout != null || lockAttempts != null)) {
      return fail(USAGE, "--status and --dry-run change nothing: use one of them alone");
    }
    if (lockTimeout != null && lockTimeout.toMillis() < 1 || lockAttempts != null && lockAttempts < 1) {
      return fail(USAGE, "--lock-timeout must be at least 1ms and --lock-attempts at least 1");
    }
    if (status) {
      return report(MigrationReports.status(Await.result(session.spool.schemaStatus())));
    }
    if (dryRun) {
      return report(MigrationReports.plan(Await.result(session.spool.migrationPlan()), new MigrateOptions()));
    }
    MigrateOptions options = new MigrateOptions().setOnRetry(note -> {
      spec.commandLine().getErr().println(note);
      spec.commandLine().getErr().flush();
    });
    if (lockTimeout != null) {
      options.setLockTimeout(lockTimeout);
    }
    if (lockAttempts != null) {
      options.setLockAttempts(lockAttempts);
    }
    List<Integer> applied = Await.result(session.spool.migrate(options));
    String schema = session.spool.options().getSchema();
    boolean historyOn = Await.result(session.admin.historyEnabled());
    SchemaStatus now = Await.result(session.spool.schemaStatus());
    if (json) {
      return printJson(new JsonObject().put("schema", schema).put("applied", new JsonArray(applied))
          .put("version", now.schemaVersion()).put("runtimeVersion", now.runtimeVersion()).put("history", historyOn), OK);
    }
    String done = now.schemaVersion() > now.runtimeVersion()
        ? "schema " + schema + " is at version " + now.schemaVersion() + ", newer than this Spool's "
            + now.runtimeVersion() + ": left as it is"
        : applied.isEmpty() ? "schema " + schema + " is up to date (version " + now.schemaVersion() + ")"
        : "applied migrations " + applied + " to schema " + schema + " (now at version " + now.schemaVersion() + ")";
    out().println(done + "; job history is " + (historyOn ? "on" : "off"));
    return OK;
  }

  private int report(MigrationReports.Report report) {
    if (json) {
      return printJson(report.json(), OK);
    }
    out().print(report.text());
    out().flush();
    return OK;
  }
}
