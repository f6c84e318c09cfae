package dev.spool.loadtest;

import dev.spool.WorkerOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chaos}: W worker processes drain N jobs while a {@link Fault} strikes them: by default one of them
 * is killed with SIGKILL every S seconds (and replaced; every other kill takes the leader), optionally with
 * one PostgreSQL restart; {@code --fault partition} black-holes one worker's link to PostgreSQL for a while,
 * {@code --fault freeze} stops one with SIGSTOP, {@code --fault slow-link} drains half the jobs behind a link
 * adding 20 ms of round trip, {@code --fault failover} stops a scratch primary mid-run and promotes its
 * synchronous standby ({@link ChaosFailover}). Every execution is counted by the recording task in a log of
 * its own. Exits 1 when a job was lost or left running, or ran twice with no fault to explain it (not held by a
 * faulted worker, no failed run before it), or the faulted workers' jobs took longer than the target to start
 * again, or (slow-link) the slow half drained at less than {@code --min-rate-ratio} of the local half. With
 * {@code --workflows} the jobs are steps of small chords and chains, and a workflow left unfinished, a step
 * started before its parents completed or a callback run twice by anything but a kill fails the run too.
 * With {@code --effects tx} half the jobs write their effect in their completing transaction
 * ({@link ChaosEffects}), and an effect written twice or missing fails the run.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Kill -9, partition, freeze or slow down worker processes, or fail the database over, while jobs drain; "
        + "count losses, duplicates and recovery times.")
final class ChaosCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL)")
  String db;

  @Option(names = "--fault", defaultValue = "kill", converter = Fault.Converter.class, completionCandidates = Fault.Labels.class,
      description = "kill, partition, freeze, slow-link or failover (default: ${DEFAULT-VALUE})")
  Fault fault;

  @Option(names = "--fault-after", defaultValue = "5", description = "partition, freeze: seconds into the run (default: ${DEFAULT-VALUE})")
  double faultAfter;

  @Option(names = "--fault-seconds", defaultValue = "30",
      description = "partition, freeze: how long the worker is cut off or stopped (default: ${DEFAULT-VALUE})")
  double faultSeconds;

  @Option(names = "--link-rtt-ms", defaultValue = "20", description = "slow-link: round trip the link adds (default: ${DEFAULT-VALUE})")
  double linkRttMs;

  @Option(names = "--min-rate-ratio", defaultValue = "0.5",
      description = "slow-link: slow over local drain rate below which the run fails (default: ${DEFAULT-VALUE})")
  double minRateRatio;

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

  @Option(names = "--recovery-target",
      description = "seconds within which a faulted worker's jobs must run again (failover: within which a job starts on "
          + "the promoted standby after the primary stopped), else exit 1 (default: 5 for kill, 15 for partition, freeze "
          + "and failover: a worker that is only unreachable is declared dead after its worker timeout)")
  Double recoveryTarget;

  // Not the runtime's 1,000: a killed worker's jobs wait until survivors have room to claim them, and with
  // 8 handlers a full buffer of 1,000 is seconds of work (the worst kill took 8.8 s, of which 7.8 s waiting).
  @Option(names = "--prefetch", defaultValue = "100",
      description = "jobs each worker claims ahead of free handler slots (default: ${DEFAULT-VALUE})")
  int prefetch;

  @Option(names = "--heartbeat-ms", defaultValue = "500", description = "workers' heartbeat interval (default: ${DEFAULT-VALUE})")
  long heartbeatMs;

  @Option(names = "--rescue-ms", defaultValue = "250", description = "leader's rescue interval (default: ${DEFAULT-VALUE})")
  long rescueMs;

  @Option(names = "--worker-timeout-ms", defaultValue = "" + 5000,
      description = "silence after which a worker whose session lives is declared dead (default: ${DEFAULT-VALUE})")
  long workerTimeoutMs;

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

  @Option(names = "--failover-ports", defaultValue = "5442,5443",
      description = "ports of the scratch primary and standby with --fault failover (default: ${DEFAULT-VALUE})")
  String failoverPorts;

  @Option(names = "--json", description = "print only the JSON line (no progress on stderr)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (jobs < 1 || workers < 1 || killEvery <= 0 || jobMs < 0 || concurrency < 1 || chordSize < 1 || chainLength < 1
        || faultAfter < 0 || faultSeconds <= 0 || linkRttMs < 0) {
      spec.commandLine().getErr().println("--jobs, --workers, --kill-every, --concurrency, --chord-size, --chain-length and "
          + "--fault-seconds must be positive, --fault-after and --link-rtt-ms not negative");
      return 2;
    }
    if (fault != Fault.KILL && restartDb != null) {
      spec.commandLine().getErr().println("--restart-db goes with --fault kill only");
      return 2;
    }
    if (fault == Fault.SLOW_LINK && workflows) {
      spec.commandLine().getErr().println("--fault slow-link measures plain jobs: leave out --workflows");
      return 2;
    }
    try {
      workerOptions();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("bad worker settings: " + e.getMessage());
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
    if (fault == Fault.FAILOVER) {
      return failover(progress); // two clusters of its own, made and dropped by the run, as root; --db is not used
    }
    String uri = db != null ? db : System.getenv("SPOOL_DATABASE_URL");
    if (uri == null || uri.isBlank()) {
      spec.commandLine().getErr().println("chaos needs a database it can restart: pass --db or set SPOOL_DATABASE_URL");
      return 2;
    }
    var result = new Chaos(this, progress).run(uri);
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    double target = recoveryTarget != null ? recoveryTarget : fault == Fault.KILL ? 5 : 15;
    boolean failed = result.getLong("lost") > 0 || result.getBoolean("timed_out") || result.getLong("running_at_end") > 0
        || result.getDouble("max_recovery_s") > target || ChaosEffects.failed(result)
        || result.getLong("duplicates_unexplained") > 0
        || (fault == Fault.SLOW_LINK && result.getDouble("rate_ratio", 0.0) < minRateRatio)
        || (workflows && (result.getLong("workflows_completed") < result.getLong("workflows")
            || result.getLong("steps_before_parents") > 0 || result.getLong("callbacks_run_more_than_once_unexplained") > 0));
    return failed ? 1 : 0;
  }

  /** The settings of each worker process (WorkerOptions' JSON keys); WorkerOptions validates them. */
  JsonObject workerOptions() {
    JsonObject json = new JsonObject().put("concurrency", concurrency).put("prefetch", prefetch)
        .put("heartbeatIntervalMs", heartbeatMs).put("rescueIntervalMs", rescueMs).put("workerTimeoutMs", workerTimeoutMs);
    new WorkerOptions(json).validate();
    return json;
  }

  /**
   * {@code --fault failover}: its own clusters, so no --db; fails (exit 1) on a lost job, a run that timed out (a
   * stall: jobs left open after the promotion) or a first start on the promoted standby later than the target.
   */
  private int failover(Progress progress) throws Exception {
    int[] ports;
    try {
      ports = ChaosFailover.ports(failoverPorts);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    if (workflows) {
      spec.commandLine().getErr().println("--fault failover and --workflows cannot be combined");
      return 2;
    }
    var result = new ChaosFailover(this, progress, ports[0], ports[1]).run();
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    double target = recoveryTarget != null ? recoveryTarget : 15;
    return result.getLong("lost") > 0 || result.getBoolean("timed_out") || ChaosEffects.failed(result)
        || result.getInteger("failovers") == 0 || result.getDouble("max_recovery_s") > target ? 1 : 0;
  }
}
