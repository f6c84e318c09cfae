package dev.spool.loadtest;

import dev.spool.Spool;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Graphile Worker (a PostgreSQL job queue for Node.js) under the horizon scenario: graphile/horizon-peer.mjs
 * run by {@code node} against the Graphile Worker installed in {@code installDir} (where the peer's bench
 * script in ../shared/bench puts it), with its runner at {@code concurrency} and a no-op task. The run's clock
 * says how many jobs are due each tick, as for the other targets; the script enqueues them with Graphile's own
 * {@code addJobs} and reports each job's pickup (handler start minus run_at). Its claim is probed as
 * Graphile's worker sends it (HorizonGraphileClaim), its table ({@code graphile_worker._private_jobs}) is
 * vacuumed by a {@link StandInVacuum}, and its schema is dropped before and after the run.
 */
final class GraphileHorizonTarget implements HorizonTarget {

  /** The version whose claim statement HorizonGraphileClaim copies; another installed version is refused. */
  static final String VERSION = "0.17.3";
  static final int PROBE_BATCH = SpoolHorizonTarget.PROBE_BATCH;
  static final String TASK = "noop";
  static final long READY_TIMEOUT_S = 120;
  static final long STOP_TIMEOUT_S = 30;
  /** How long a report waits for the script to report the seconds it covers (it does every 100 ms). */
  static final long REPORT_WAIT_MS = 2_000;

  private final Spool spool;
  private final Checks checks;
  private final String uri;
  private final Path installDir;
  private final int concurrency;
  private final int localQueue;
  private final int vacuumSeconds;
  private final StandInVacuum vacuum;
  private final Progress progress;
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong enqueueErrors = new AtomicLong();
  /** Pickup latencies in microseconds, by the epoch second the jobs started. */
  private final Map<Long, Histogram> pickups = new ConcurrentSkipListMap<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile String lastEnqueueError;
  /** The script has reported every second before this one (epoch seconds). */
  private volatile long reportedUpTo;
  private Process node;
  private Writer stdin;
  private Path dir;

  GraphileHorizonTarget(Spool spool, Checks checks, String uri, Path installDir, int concurrency, int localQueue,
      int vacuumSeconds, Progress progress) {
    this.spool = spool;
    this.checks = checks;
    this.uri = uri;
    this.installDir = installDir;
    this.concurrency = concurrency;
    this.localQueue = localQueue;
    this.vacuumSeconds = vacuumSeconds;
    this.progress = progress;
    this.vacuum = new StandInVacuum(spool.vertx(), spool.pool(), checks.sql("HorizonGraphileVacuum"), vacuumSeconds);
  }

  /**
   * Where the peer's bench script installs Graphile Worker: {@code $SPOOL_PEER_CACHE}, else
   * {@code $XDG_CACHE_HOME/spool-peers/graphile-worker}, else {@code ~/.cache/spool-peers/graphile-worker}.
   */
  static Path defaultInstallDir() {
    String cache = System.getenv("SPOOL_PEER_CACHE");
    if (cache != null && !cache.isBlank()) {
      return Path.of(cache);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("spool-peers").resolve("graphile-worker");
  }

  /**
   * Why this target cannot run here (no {@code node} on the PATH, Graphile Worker not installed in
   * {@code installDir} or another version), or null when it can.
   */
  static String unavailable(Path installDir) {
    try {
      Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      version.getInputStream().readAllBytes();
      if (version.waitFor() != 0) {
        return "`node --version` failed: --target graphile needs Node.js on the PATH";
      }
    } catch (IOException e) {
      return "no `node` on the PATH: --target graphile needs Node.js";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    Path manifest = installDir.resolve("node_modules/graphile-worker/package.json");
    if (!Files.isRegularFile(manifest)) {
      return "Graphile Worker is not installed in " + installDir + ": run ../shared/bench/peers/graphile-worker/run.sh "
          + "once (it installs graphile-worker " + VERSION + " there with npm), or `npm install graphile-worker@"
          + VERSION + " pg@8` in that folder, or name another with --graphile-dir";
    }
    try {
      String found = new JsonObject(Files.readString(manifest)).getString("version");
      return VERSION.equals(found) ? null : "Graphile Worker " + found + " is installed in " + installDir + "; the "
          + "horizon target copies the claim statement of " + VERSION + ": install that version";
    } catch (IOException | RuntimeException e) {
      return "unreadable " + manifest + ": " + e.getMessage();
    }
  }

  @Override
  public void setUp() {
    String why = unavailable(installDir);
    if (why != null) {
      throw new IllegalStateException(why);
    }
    Blocking.await(spool.pool().query(checks.sql("HorizonGraphileDrop")).execute());
  }

  @Override
  public void startWorker() throws IOException, InterruptedException {
    dir = Files.createTempDirectory("spool-graphile-horizon");
    Path script = dir.resolve("horizon-peer.mjs");
    try (InputStream in = GraphileHorizonTarget.class.getResourceAsStream("/dev/spool/loadtest/graphile/horizon-peer.mjs")) {
      Files.write(script, Objects.requireNonNull(in, "horizon-peer.mjs").readAllBytes());
    }
    // the script beside a link to the install's node_modules: its imports resolve there, the install is not written to
    Files.createSymbolicLink(dir.resolve("node_modules"), installDir.resolve("node_modules").toAbsolutePath());
    ProcessBuilder builder = new ProcessBuilder("node", script.toString()).directory(dir.toFile());
    builder.environment().put("DATABASE_URL", uri);
    builder.environment().put("CONCURRENCY", String.valueOf(concurrency));
    builder.environment().put("LOCAL_QUEUE", String.valueOf(localQueue));
    node = builder.start();
    ChildJvm.track(node);
    stdin = new java.io.OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
    daemon("graphile-stderr", () -> lines(node.getErrorStream()).lines()
        .forEach(line -> progress.line("graphile: %s", line)));
    BufferedReader out = lines(node.getInputStream());
    CountDownLatch ready = new CountDownLatch(1);
    String[] version = {null};
    daemon("graphile-stdout", () -> {
      try {
        out.lines().forEach(line -> {
          if (line.startsWith("READY ")) {
            version[0] = line.substring(6).trim();
            ready.countDown();
          } else {
            onLine(line);
          }
        });
      } finally {
        ready.countDown(); // the script ended: whoever waits for READY learns it now
      }
    });
    if (!ready.await(READY_TIMEOUT_S, TimeUnit.SECONDS) || version[0] == null) {
      boolean exited = node.waitFor(5, TimeUnit.SECONDS);
      if (!exited) {
        node.destroyForcibly();
      }
      throw new IOException("Graphile Worker's runner did not start within " + READY_TIMEOUT_S + " s ("
          + (exited ? "node exited with " + node.exitValue() : "node killed") + "; its errors are in the progress lines)");
    }
    vacuum.start();
    progress.line("graphile: Graphile Worker %s up (node, concurrency %d, %s; its table vacuumed every %d s)",
        version[0], concurrency, localQueue > 0 ? "localQueue of " + localQueue : "one job a claim", vacuumSeconds);
  }

  private static BufferedReader lines(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(() -> {
      try {
        body.run();
      } catch (UncheckedIOException e) {
        // the process ended and its pipe closed under the reader: its output is over
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** One line of the script's stdout after READY (its protocol is at the top of horizon-peer.mjs). */
  void onLine(String line) {
    if (line.startsWith("PICKUP ")) {
      String[] parts = line.split(" ", 3);
      Histogram second = new Histogram(Steady.HISTOGRAM_DIGITS);
      if (parts.length == 3) {
        for (String lag : parts[2].split(",")) {
          second.recordValue(Long.parseLong(lag));
        }
      }
      pickups.merge(Long.parseLong(parts[1]), second, (a, b) -> {
        a.add(b);
        return a;
      });
    } else if (line.startsWith("UPTO ")) {
      reportedUpTo = Long.parseLong(line.substring(5).trim());
    } else if (line.startsWith("ENQUEUED ")) {
      enqueued.addAndGet(Long.parseLong(line.substring(9).trim()));
    } else if (line.startsWith("FAILED ")) {
      String[] parts = line.split(" ", 3);
      enqueueErrors.addAndGet(Long.parseLong(parts[1]));
      lastEnqueueError = parts.length == 3 ? parts[2] : "";
      progress.line("graphile enqueue of %s jobs failed: %s", parts[1], lastEnqueueError);
    } else if (line.equals("STOPPED")) {
      stopped.countDown();
    } else {
      progress.line("graphile: %s", line);
    }
  }

  @Override
  public void enqueue(int n) {
    // a line to the script's stdin: a pipe's buffer takes it at once while the script keeps reading
    synchronized (this) {
      try {
        stdin.write(n + "\n");
        stdin.flush();
      } catch (IOException e) {
          enqueueErrors.addAndGet(n);
        lastEnqueueError = "the Graphile script's input is closed: " + e.getMessage();
      }
    }
  }

  @Override
  public long enqueued() {
    return enqueued.get();
  }

  @Override
  public long enqueueErrors() {
    return enqueueErrors.get();
  }

  @Override
  public String table() {
    return "graphile_worker._private_jobs";
  }

  @Override
  public long backlog() {
    return Blocking.await(spool.pool().query(checks.sql("HorizonGraphileBacklog")).execute()).iterator().next()
        .getLong("backlog");
  }

  /** The whole seconds that began in {@code [fromMillis, toMillis)}, once the script has reported them. */
  @Override
  public Histogram pickups(long fromMillis, long toMillis) {
    Histogram all = new Histogram(Steady.HISTOGRAM_DIGITS);
    long from = fromMillis / 1000;
    long to = toMillis / 1000;
    long deadline = System.currentTimeMillis() + REPORT_WAIT_MS;
    while (reportedUpTo < to && node != null && node.isAlive() && System.currentTimeMillis() < deadline) {
      Blocking.sleep(20);
    }
    pickups.forEach((second, h) -> {
      if (second >= from && second < to) {
        all.add(h);
      }
    });
    return all;
  }

  @Override
  public ClaimProbe probe() {
    Integer task = Blocking.await(spool.pool().preparedQuery(checks.sql("HorizonGraphileTaskId")).execute(Tuple.of(TASK)))
        .iterator().next().getInteger("id");
    return new ClaimProbe(spool.vertx(), checks.sql("HorizonGraphileClaim"),
        Tuple.of("horizon-probe", new Integer[] {task}, PROBE_BATCH));
  }

  @Override
  public String pinReadSql() {
    return checks.sql("HorizonPinReadGraphile");
  }

  @Override
  public String analyticsSql() {
    return checks.sql("HorizonAnalyticsGraphile");
  }

  /** Closes the script's input: it waits for its enqueues, stops the runner (running jobs finish) and exits. */
  @Override
  public void stop() throws InterruptedException {
    vacuum.stop();
    if (node != null) {
      synchronized (this) {
        try {
          stdin.close();
        } catch (IOException e) {
          // already closed: the script has ended
        }
      }
      if (!stopped.await(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
        progress.line("graphile: no STOPPED within %d s; stopping it", STOP_TIMEOUT_S);
      }
      node.destroy();
      if (!node.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
    Blocking.await(spool.pool().query(checks.sql("HorizonGraphileDrop")).execute());
  }

  @Override
  public JsonObject describe() {
    return new JsonObject().put("graphile_worker", VERSION).put("install", installDir.toString())
        .put("concurrency", concurrency).put("local_queue", localQueue).put("probe_batch", PROBE_BATCH)
        .put("vacuum_every_s", vacuumSeconds)
        .put("enqueue", "Graphile's addJobs, the jobs due each tick of the run's clock")
        .put("pickup", "handler start minus run_at, microseconds (node's wall clock)")
        .put("last_enqueue_error", lastEnqueueError);
  }
}
