package dev.spool.loadtest;

import dev.spool.SpoolOptions;
import dev.spool.impl.sql.Migrations;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code migration-stall}: how long each migration holds up enqueue and claim on a large jobs table (issue 26).
 * Exits 1 when a probe's longest enqueue or claim during a migration passes {@code --max-stall-ms}, or a probe's
 * statement failed.
 */
@Command(name = "migration-stall", mixinStandardHelpOptions = true,
    description = "Build the schema at the version before --from, fill its jobs table (half available, half "
        + "completed and kept), then apply each migration from --from to --to in turn on that table while a probe "
        + "enqueues one job and another claims one about every 10 ms, each on a connection of its own; report per "
        + "migration its duration and the longest enqueue and claim meanwhile.")
final class MigrationStallCommand implements Callable<Integer> {

  /** The default table: ten million jobs, as issue 26 asks. */
  static final long DEFAULT_ROWS = 10_000_000;
  /** V001 creates the jobs table: there is nothing to fill before it. */
  static final int DEFAULT_FROM = 2;
  static final long DEFAULT_MAX_STALL_MS = 1_000;
  static final String DEFAULT_SCHEMA = "spool_stall";

  @Spec
  CommandSpec spec;

  @Option(names = "--db", description = "PostgreSQL URL (else SPOOL_DATABASE_URL, else an embedded PostgreSQL)")
  String db;

  @Option(names = "--schema", description = "the scratch schema, dropped first (default: ${DEFAULT-VALUE})")
  String schema = DEFAULT_SCHEMA;

  @Option(names = "--rows", description = "jobs in the table (default: ${DEFAULT-VALUE})")
  long rows = DEFAULT_ROWS;

  @Option(names = "--from", description = "the first migration measured; the table is filled at the one before "
      + "(default: ${DEFAULT-VALUE})")
  int from = DEFAULT_FROM;

  @Option(names = "--to", description = "the last migration measured (default: this build's latest)")
  int to = Migrations.latest();

  @Option(names = "--max-stall-ms", description = "exit 1 when an enqueue or a claim took longer during a migration "
      + "(default: ${DEFAULT-VALUE})")
  long maxStallMs = DEFAULT_MAX_STALL_MS;

  @Option(names = "--keep", description = "leave the schema and its table in place afterwards")
  boolean keep;

  @Option(names = "--json", description = "print only the JSON line (no progress on stderr)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    validate();
    JsonObject result = JsonRun.print(spec, json, db, (progress, uri) -> new MigrationStall(this, progress).run(uri));
    return result.getJsonArray("over_max_stall").isEmpty() && result.getLong("probe_errors") == 0 ? 0 : 1;
  }

  /** Bad input fails before anything is built. */
  void validate() {
    SpoolOptions.checkSchemaName(schema);
    int latest = Migrations.latest();
    if (from < DEFAULT_FROM || from > latest) {
      throw new IllegalArgumentException("--from is " + DEFAULT_FROM + " to " + latest + " (V001 creates the jobs "
          + "table), got " + from);
    }
    if (to < from || to > latest) {
      throw new IllegalArgumentException("--to is --from (" + from + ") to " + latest + ", got " + to);
    }
    if (rows < 0) {
      throw new IllegalArgumentException("--rows must be 0 or more, got " + rows);
    }
    if (maxStallMs <= 0) {
      throw new IllegalArgumentException("--max-stall-ms must be positive, got " + maxStallMs);
    }
  }
}
