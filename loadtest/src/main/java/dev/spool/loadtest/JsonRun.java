package dev.spool.loadtest;

import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How a measuring command runs: progress on stderr (none with {@code --json}), the database its {@code --db}
 * names (else {@code SPOOL_DATABASE_URL}, else an embedded one), and its one JSON line on stdout. The drain, soak
 * and horizon commands go through it and judge the line themselves.
 */
final class JsonRun {

  /** The measurement of one run, given its progress and the database's URI. */
  interface Measurement {
    JsonObject run(Progress progress, String uri) throws Exception;
  }

  private JsonRun() {}

  /** Runs {@code measurement} and prints its JSON line; returns the line for the command to judge. */
  static JsonObject print(CommandSpec spec, boolean json, String db, Measurement measurement) throws Exception {
    Progress progress = json ? Progress.quiet() : Progress.to(spec.commandLine().getErr());
    JsonObject result;
    try (DatabaseChoice database = DatabaseChoice.resolve(db, true, line -> progress.line("%s", line))) {
      result = measurement.run(progress, database.uri());
    }
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    return result;
  }
}
