package dev.spool.cli;

import dev.spool.MigrateOptions;
import dev.spool.MigrationPlan;
import dev.spool.SchemaStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

/** The output of {@code migrate --status} and {@code migrate --dry-run}: JSON for scripts, text for people. */
final class MigrationReports {

  private MigrationReports() {}

  /** One report in both forms. */
  record Report(JsonObject json, String text) {}

  static Report status(SchemaStatus status) {
    JsonObject json = new JsonObject()
        .put("schema", status.schema())
        .put("runtimeVersion", status.runtimeVersion())
        .put("schemaVersion", status.schemaVersion())
        .put("compatible", new JsonObject().put("from", status.oldestCompatibleRuntime()).put("to", status.schemaVersion()))
        .put("runtimeWorks", status.runtimeWorks())
        .put("verdict", status.verdict())
        .put("applied", migrations(status.applied()))
        .put("pending", migrations(status.pending()));
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    out.printf("schema %s: version %d, %d migrations applied, %d pending for this Spool (version %d)%n", status.schema(),
        status.schemaVersion(), status.applied().size(), status.pending().size(), status.runtimeVersion());
    if (status.schemaVersion() > 0) {
      out.printf("works with Spool runtimes of versions %d to %d (a newer one runs migrate first)%n",
          status.oldestCompatibleRuntime(), status.schemaVersion());
    }
    out.printf("this Spool: %s%n", status.verdict());
    table(out, "applied", status.applied());
    table(out, "pending", status.pending());
    out.flush();
    return new Report(json, text.toString());
  }

  static Report plan(MigrationPlan plan, MigrateOptions options) {
    JsonArray steps = new JsonArray();
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    if (plan.steps().isEmpty()) {
      out.printf("schema %s at version %d: nothing to migrate%n", plan.schema(), plan.fromVersion());
    } else {
      out.printf("schema %s: version %d -> %d, %d pending migrations, estimated %s in all%n", plan.schema(),
          plan.fromVersion(), plan.toVersion(), plan.steps().size(), human(plan.estimate()));
    }
    for (MigrationPlan.Step step : plan.steps()) {
      JsonArray statements = new JsonArray();
      out.printf("%nV%03d %s (works with runtimes from version %d): strongest lock %s, estimated %s%n", step.version(),
          step.name(), step.compatibleFrom(), step.lock(), human(step.estimate()));
      int i = 0;
      for (MigrationPlan.Statement s : step.statements()) {
        statements.add(new JsonObject().put("sql", s.sql()).put("table", s.table()).put("lock", s.lock())
            .put("blocks", s.blocks()).put("work", s.work()).put("rows", s.rows()).put("bytes", s.bytes())
            .put("estimateMs", s.estimate().toMillis()));
        out.printf("  %d. %s%n", ++i, withoutComments(s.sql()).replace("\n", "\n     "));
        out.printf("     lock %s%s; blocks %s%n", s.lock(), s.table() == null ? "" : " on " + s.table(), s.blocks());
        out.printf("     %s%s; estimated %s%n", s.work(), s.table() == null ? ""
            : " on " + (s.bytes() == 0 ? "an empty or new table" : rows(s.rows()) + ", " + megabytes(s.bytes())),
            human(s.estimate()));
      }
      steps.add(new JsonObject().put("version", step.version()).put("name", step.name())
          .put("compatibleFrom", step.compatibleFrom()).put("lock", step.lock())
          .put("estimateMs", step.estimate().toMillis()).put("sql", step.sql()).put("statements", statements));
    }
    String waits = "each statement waits at most " + options.getLockTimeout().toMillis() + " ms for its lock "
        + "(lock_timeout); migrate then rolls back and retries, up to " + options.getLockAttempts() + " attempts";
    if (!plan.steps().isEmpty()) {
      out.printf("%n%s%nestimates: %s%n", waits, plan.basis());
    }
    out.flush();
    JsonObject json = new JsonObject().put("schema", plan.schema()).put("fromVersion", plan.fromVersion())
        .put("toVersion", plan.toVersion()).put("estimateMs", plan.estimate().toMillis()).put("steps", steps)
        .put("lockTimeoutMs", options.getLockTimeout().toMillis()).put("lockAttempts", options.getLockAttempts())
        .put("basis", plan.basis());
    return new Report(json, text.toString());
  }

  private static JsonArray migrations(List<SchemaStatus.Migration> migrations) {
    JsonArray array = new JsonArray();
    for (SchemaStatus.Migration m : migrations) {
      array.add(new JsonObject().put("version", m.version()).put("name", m.name())
          .put("compatibleFrom", m.compatibleFrom())
          .put("appliedAt", m.appliedAt() == null ? null : m.appliedAt().toString()));
    }
    return array;
  }

  private static void table(PrintWriter out, String title, List<SchemaStatus.Migration> migrations) {
    out.printf("%s:%s%n", title, migrations.isEmpty() ? " none" : "");
    for (SchemaStatus.Migration m : migrations) {
      out.printf("  V%03d %-22s works with runtimes from %-3d %s%n", m.version(), m.name(), m.compatibleFrom(),
          m.appliedAt() == null ? "" : "applied " + m.appliedAt());
    }
  }

  private static String withoutComments(String sql) {
    return String.join("\n", sql.lines().filter(l -> !l.strip().startsWith("--")).toList()).strip();
  }

  private static String human(Duration d) {
    long ms = d.toMillis();
    return ms < 10 ? "< 10 ms" : ms < 10_000 ? ms + " ms" : String.format("%.1f s", ms / 1000.0);
  }

  private static String rows(long rows) {
    return rows < 0 ? "rows not yet estimated (never analyzed)" : String.format("about %,d rows", rows);
  }

  private static String megabytes(long bytes) {
    return String.format("%.1f MB", bytes / 1048576.0);
  }
}
