package dev.spool.loadtest;

import dev.spool.Spool;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The SQL floor under the horizon scenario: the floor's table (floor/schema.sql, empty), jobs inserted at the
 * run's rate in one statement a tick, and pgbench running floor/horizon-worker.sql (delete.sql's claim and
 * ack, with each claim's pickup lags logged) paced with {@code -R} so it polls instead of spinning: a claim
 * every {@code 1 / rate} s per client at most, which adds up to that much to each pickup. Its table is vacuumed
 * every {@code vacuumSeconds} by a {@link StandInVacuum}.
 */
final class FloorHorizonTarget implements HorizonTarget {

  static final int CLIENTS = 2;
  static final int PROBE_BATCH = SpoolHorizonTarget.PROBE_BATCH;

  private final Spool spool;
  private final Checks checks;
  private final String uri;
  private final int claimsPerSecond;
  private final int batch;
  private final int seconds;
  private final int vacuumSeconds;
  private final StandInVacuum vacuum;
  private final Progress progress;
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong enqueueErrors = new AtomicLong();
  /** Enqueue statements sent and not yet answered: the table is dropped only once they are (see stop). */
  private final AtomicLong enqueuesInFlight = new AtomicLong();
  private volatile String lastEnqueueError;
  private Process pgbench;
  private Path dir;

  /** @param seconds how long pgbench runs: the whole run and a margin */
  FloorHorizonTarget(Spool spool, Checks checks, String uri, int claimsPerSecond, int batch, int vacuumSeconds,
      int seconds, Progress progress) {
    this.vacuumSeconds = vacuumSeconds;
    this.spool = spool;
    this.checks = checks;
    this.uri = uri;
    this.claimsPerSecond = claimsPerSecond;
    this.batch = batch;
    this.seconds = seconds;
    this.progress = progress;
    this.vacuum = new StandInVacuum(spool.vertx(), spool.pool(), checks.sql("HorizonFloorVacuum"), vacuumSeconds);
  }

  @Override
  public void setUp() throws IOException, InterruptedException {
    dir = Files.createTempDirectory("spool-floor-horizon");
    Path schema = extract("schema.sql");
    extract("horizon-worker.sql");
    Blocking.await(spool.pool().query(checks.sql("HorizonFloorDrop")).execute());
    Process psql = new ProcessBuilder("psql", "-qX", uri, "-v", "ON_ERROR_STOP=1", "-v", "n=0", "-f", schema.toString())
        .redirectErrorStream(true).start();
    String out = new String(psql.getInputStream().readAllBytes());
    if (psql.waitFor() != 0) {
      throw new IOException("psql failed on the floor's schema: " + out);
    }
    Blocking.await(spool.pool().query(checks.sql("HorizonFloorPickupLog")).execute());
  }

  private Path extract(String name) throws IOException {
    try (InputStream in = FloorHorizonTarget.class.getResourceAsStream("/dev/spool/loadtest/floor/" + name)) {
      return Files.write(dir.resolve(name), Objects.requireNonNull(in, name).readAllBytes());
    }
  }

  @Override
  public void startWorker() throws IOException {
    pgbench = new ProcessBuilder(List.of("pgbench", "-n", "-c", String.valueOf(CLIENTS), "-j", String.valueOf(CLIENTS),
        "-T", String.valueOf(seconds), "-R", String.valueOf(claimsPerSecond), "-D", "batch=" + batch,
        "-f", dir.resolve("horizon-worker.sql").toString(), uri))
        .redirectErrorStream(true).redirectOutput(dir.resolve("pgbench.log").toFile()).start();
    vacuum.start();
    progress.line("floor: pgbench up (%d clients, %d claims/s in all, batch %d; its log: %s)", CLIENTS,
        claimsPerSecond, batch, dir.resolve("pgbench.log"));
  }

  @Override
  public void enqueue(int n) {
    enqueuesInFlight.incrementAndGet();
    spool.pool().preparedQuery(checks.sql("HorizonFloorEnqueue")).execute(Tuple.of(n)).onComplete(ar -> {
      enqueuesInFlight.decrementAndGet();
      if (ar.succeeded()) {
        enqueued.addAndGet(n);
      } else {
        enqueueErrors.addAndGet(n);
        lastEnqueueError = String.valueOf(ar.cause());
        progress.line("floor enqueue of %d jobs failed: %s", n, ar.cause());
      }
    });
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
    return "spool_floor_jobs";
  }

  @Override
  public long backlog() {
    return Blocking.await(spool.pool().query(checks.sql("HorizonFloorBacklog")).execute()).iterator().next()
        .getLong("backlog");
  }

  @Override
  public Histogram pickups(long fromMillis, long toMillis) {
    Histogram all = new Histogram(Steady.HISTOGRAM_DIGITS);
    Tuple range = Tuple.of(time(fromMillis), time(toMillis));
    for (Row row : Blocking.await(spool.pool().preparedQuery(checks.sql("HorizonFloorPickups")).execute(range))) {
      all.recordValue(Math.max(0, Math.round(row.getDouble(0) * 1000)));
    }
    return all;
  }

  private static OffsetDateTime time(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC);
  }

  @Override
  public ClaimProbe probe() {
    return new ClaimProbe(spool.vertx(), checks.sql("HorizonFloorClaim"), Tuple.of(PROBE_BATCH));
  }

  @Override
  public String pinReadSql() {
    return checks.sql("HorizonPinReadFloor");
  }

  @Override
  public String analyticsSql() {
    return checks.sql("HorizonAnalyticsFloor");
  }

  @Override
  public void stop() throws InterruptedException {
    vacuum.stop();
    if (pgbench != null) {
      pgbench.destroy();
      pgbench.waitFor(30, TimeUnit.SECONDS);
    }
    // an enqueue still queued for a connection when the run ends must not meet a dropped table (a false error)
    for (int i = 0; i < 100 && enqueuesInFlight.get() > 0; i++) {
      Thread.sleep(100);
    }
    Blocking.await(spool.pool().query(checks.sql("HorizonFloorDrop")).execute());
  }

  @Override
  public JsonObject describe() {
    return new JsonObject().put("pgbench_clients", CLIENTS).put("claims_per_s", claimsPerSecond).put("batch", batch)
        .put("probe_batch", PROBE_BATCH).put("vacuum_every_s", vacuumSeconds).put("pgbench_log", dir == null ? null : dir.resolve("pgbench.log").toString())
        .put("last_enqueue_error", lastEnqueueError);
  }
}
