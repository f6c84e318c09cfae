package dev.spool.loadtest;

import dev.spool.SpoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What an upgrade run does: the options of {@code upgrade}. */
public final class UpgradeSettings {

  public static final String DEFAULT_NEW_JAR = "cli/target/spool.jar";
  public static final int DEFAULT_WORKERS = 2;
  public static final int DEFAULT_RATE = 200;
  public static final int DEFAULT_JOB_MS = 10;
  public static final int DEFAULT_PHASE_SECONDS = 15;
  public static final int DEFAULT_WORKFLOWS_PER_SECOND = 2;
  public static final int DEFAULT_AWAITS_PER_SECOND = 4;
  public static final int DEFAULT_PERIODIC_SECONDS = 1;
  public static final int DEFAULT_GRACE_SECONDS = 60;
  public static final int DEFAULT_MAX_ERRORS = 5;
  /** How long a SIGTERMed worker gets to stop before it is killed (its shutdown timeout is 30 s). */
  public static final int STOP_SECONDS = 60;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL, else an embedded PostgreSQL)")
  String db;

  @Option(names = "--schema", description = "scratch schema, dropped and recreated (default: ${DEFAULT-VALUE})")
  String schema = "spool_upgrade";

  @Option(names = "--old-jar", paramLabel = "PATH", description = "the previous release's fat jar (its cli/target/spool.jar)")
  Path oldJar;

  @Option(names = "--old-commit", description = "build the previous release's jar from this commit of the repository "
      + "(cached under " + OldRelease.CACHE + ")")
  String oldCommit;

  @Option(names = "--new-jar", paramLabel = "PATH", description = "this release's fat jar (default: ${DEFAULT-VALUE})")
  Path newJar = Path.of(DEFAULT_NEW_JAR);

  @Option(names = "--workers", description = "worker processes of each release (default: ${DEFAULT-VALUE})")
  int workers = DEFAULT_WORKERS;

  @Option(names = "--rate", description = "plain jobs enqueued per second (default: ${DEFAULT-VALUE})")
  int rate = DEFAULT_RATE;

  @Option(names = "--job-ms", description = "how long each job runs (default: ${DEFAULT-VALUE})")
  int jobMs = DEFAULT_JOB_MS;

  @Option(names = "--phase-seconds", description = "seconds of each phase: old workers, both, new workers (default: ${DEFAULT-VALUE})")
  int phaseSeconds = DEFAULT_PHASE_SECONDS;

  @Option(names = "--workflows-per-s", description = "workflows (a chain of 3 and a chord of 2 + 1) per second (default: ${DEFAULT-VALUE})")
  int workflowsPerSecond = DEFAULT_WORKFLOWS_PER_SECOND;

  @Option(names = "--awaits-per-s", description = "jobs enqueued and awaited per second (default: ${DEFAULT-VALUE})")
  int awaitsPerSecond = DEFAULT_AWAITS_PER_SECOND;

  @Option(names = "--periodic-every", description = "seconds between the periodic job's slots (default: ${DEFAULT-VALUE})")
  int periodicSeconds = DEFAULT_PERIODIC_SECONDS;

  @Option(names = "--grace", description = "seconds the last jobs get to finish (default: ${DEFAULT-VALUE})")
  int graceSeconds = DEFAULT_GRACE_SECONDS;

  @Option(names = "--max-errors", description = "error lines either release's workers may log before the run fails (default: ${DEFAULT-VALUE})")
  int maxErrors = DEFAULT_MAX_ERRORS;

  void validate() {
    new SpoolOptions().setSchema(schema); // a bad name fails here, before any work
    if ((oldJar == null) == (oldCommit == null)) {
      throw new IllegalArgumentException("give the previous release as --old-jar PATH or --old-commit COMMIT (one of them)");
    }
    if (oldJar != null && !Files.isRegularFile(oldJar)) {
      throw new IllegalArgumentException("--old-jar " + oldJar + ": no such file");
    }
    if (!Files.isRegularFile(newJar)) {
      throw new IllegalArgumentException("--new-jar " + newJar + ": no such file (build it: mvn -pl cli -am -DskipTests package)");
    }
    if (workers < 1 || rate < 1 || jobMs < 1 || phaseSeconds < 1 || periodicSeconds < 1 || graceSeconds < 1) {
      throw new IllegalArgumentException("--workers, --rate, --job-ms, --phase-seconds, --periodic-every and --grace must be at least 1");
    }
    if (workflowsPerSecond < 0 || awaitsPerSecond < 0 || maxErrors < 0) {
      throw new IllegalArgumentException("--workflows-per-s, --awaits-per-s and --max-errors must be at least 0");
    }
  }
}
