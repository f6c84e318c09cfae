package dev.spool.loadtest;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chaos}: W worker processes drain N jobs while one of them is killed with SIGKILL every S
 * seconds (and replaced), optionally with one PostgreSQL restart; every execution is counted by the
 * recording task in a log of its own. Exits 1 when a job was lost or recovery took longer than the
 * target (15 s: Spool's promise for a {@code kill -9}'d worker). With {@code --workflows} the jobs are steps of
 * small chords and chains, and a workflow left unfinished, a step started before its parents completed or
 * a callback run twice by anything but a kill fails the run too. With {@code --effects tx} half the jobs
 * write their effect in their completing transaction ({@link ChaosEffects}), and an effect written twice or
 * missing fails the run; {@code --failover} replaces the kills with a primary stopped and its standby
 * promoted ({@link ChaosFailover}).
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Kill -9 worker processes (and optionally restart PostgreSQL) while jobs drain; count losses and duplicates.")
final class ChaosCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL)")
  String db;

  @Option(names = "--jobs", defaultValue = "200000", description = "jobs (default: ${DEFAULT-VALUE})")
  int jobs;

  @Option(names = "--workers", defaultValue = "3", description = "worker processes (default: ${DEFAULT-VALUE})")
  int workers;

  @Option(names = "--kill-every", defaultValue = "5", description = "seconds between kills (default: ${DEFAULT-VALUE})")
  double killEvery;

  @Option(names = "--restart-db", description = "shell command that restarts PostgreSQL, run once mid-way")
  String restartDb;

  @Option(names = "--job-ms", defaultValue = "10", description = "how long each job takes (default: ${DEFAULT-VALUE})")
  int jobMs;

  @Option(names = "--concurrency", defaultValue = "8", description = "handlers at once per worker process (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--schema", defaultValue = "spool_chaos", description = "scratch schema, dropped at start (default: ${DEFAULT-VALUE})")
  String schema;

  @Option(names = "--timeout", defaultValue = "900", description = "seconds to wait for every job (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--recovery-target", defaultValue = "15",
      description = "seconds within which a killed worker's jobs must run again, else exit 1 (default: ${DEFAULT-VALUE})")
  double recoveryTarget;

  @Option(names = "--workflows",
      description = "enqueue small chords and chains instead of plain jobs (about --jobs steps); check that every workflow "
          + "completed, no step started before its parents completed and no callback ran twice")
  boolean workflows;

  @Option(names = "--chord-size", defaultValue = "20", description = "parents of each chord with --workflows (default: ${DEFAULT-VALUE})")
  int chordSize;

  @Option(names = "--chain-length", defaultValue = "10", description = "steps of each chain with --workflows (default: ${DEFAULT-VALUE})")
  int chainLength;

  @Option(names = "--effects", description = "tx: half the jobs write their effect in their completing transaction "
      + "(JobContext.completeInTransaction); reports effect_duplicates (must be 0) beside the plain duplicates")
  String effects;

  @Option(names = "--failover", description = "fault: instead of kills, stop a scratch primary mid-run and promote its "
      + "synchronous standby (two clusters made and dropped by the run, as root; the --db server is not used); "
      + "reports no_claim_s. To be folded into --fault failover")
  boolean failover;

  @Option(names = "--failover-ports", defaultValue = "5442,5443",
      description = "ports of the scratch primary and standby with --failover (default: ${DEFAULT-VALUE})")
  String failoverPorts;

  @Option(names = "--json", description = "print only the JSON line (no progress on stderr)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (jobs < 1 || workers < 1 || killEvery <= 0 || jobMs < 0 || concurrency < 1 || chordSize < 1 || chainLength < 1) {
      spec.commandLine().getErr().println("--jobs, --workers, --kill-every, --concurrency, --chord-size and --chain-length must be positive");
      return 2;
    }
    if (effects != null && !effects.equals("tx")) {
      spec.commandLine().getErr().println("--effects takes tx (effects written in the job's completing transaction), not " + effects);
      return 2;
    }
    if (effects != null && workflows) {
      spec.commandLine().getErr().println("--effects tx and --workflows cannot be combined: pick one kind of job");
      return 2;
    }
    Progress progress = json ? Progress.quiet() : Progress.to(spec.commandLine().getErr());
    if (failover) {
      return failover(progress);
    }
    String uri = db != null ? db : System.getenv("SPOOL_DATABASE_URL");
    if (uri == null || uri.isBlank()) {
      spec.commandLine().getErr().println("chaos needs a database it can restart: pass --db or set SPOOL_DATABASE_URL");
      return 2;
    }
    var result = new Chaos(this, progress).run(uri);
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    boolean failed = result.getLong("lost") > 0 || result.getBoolean("timed_out")
        || result.getDouble("max_recovery_s") > recoveryTarget || ChaosEffects.failed(result)
        || (workflows && (result.getLong("workflows_completed") < result.getLong("workflows")
            || result.getLong("steps_before_parents") > 0 || result.getLong("callbacks_run_more_than_once_unexplained") > 0));
    return failed ? 1 : 0;
  }

  /** {@code --failover}: its own clusters, so no --db; fails (exit 1) on a lost job or a run that timed out. */
  private int failover(Progress progress) throws Exception {
    int[] ports;
    try {
      ports = ChaosFailover.ports(failoverPorts);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    if (workflows) {
      spec.commandLine().getErr().println("--failover and --workflows cannot be combined");
      return 2;
    }
    var result = new ChaosFailover(this, progress, ports[0], ports[1]).run();
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    return result.getLong("lost") > 0 || result.getBoolean("timed_out") || ChaosEffects.failed(result) ? 1 : 0;
  }
}
