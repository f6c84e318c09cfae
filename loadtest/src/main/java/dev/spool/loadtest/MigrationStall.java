package dev.spool.loadtest;

import dev.spool.MigrateOptions;
import dev.spool.impl.sql.Migrations;
import dev.spool.impl.sql.Migrator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One migration-stall run: the schema at the version before {@code from}, its jobs table filled once (half available,
 * half completed and kept), then each migration from {@code from} to {@code to} applied in turn on that same table by
 * this build's migrator while two probes enqueue and claim, each on a connection of its own. Per migration: how long
 * it took and the longest enqueue and claim that overlapped it.
 */
final class MigrationStall {

  /** Rows a fill statement inserts: a few statements for ten million, with progress between them. */
  static final long CHUNK = 2_000_000;
  /** How long the probes run before the first migration: their own longest run with nothing else going on. */
  static final long BASELINE_MS = 2_000;
  /** A migration's wait for its locks and its index builds, at most (a build on 10,000,000 rows takes minutes). */
  static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(30);

  /** Held here: java.util.logging keeps loggers weakly, and a level set on one collected is lost. */
  private static final Logger PG_CLIENT = Logger.getLogger("io.vertx");

  private final MigrationStallCommand settings;
  private final Progress progress;

  MigrationStall(MigrationStallCommand settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  JsonObject run(String uri) {
    Map<String, String> sql = Checks.namedSql("dev/spool/loadtest/stall.sql", settings.schema);
    String schema = settings.schema;
    Vertx vertx = Vertx.vertx();
    // the migrator's "already exists, skipping" notices, logged as warnings, would bury the progress lines
    PG_CLIENT.setLevel(Level.SEVERE);
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(PgConnectOptions.fromUri(uri))
        .using(vertx).build();
    try {
      Blocking.await(pool.query(sql.get("DropSchema")).execute());
      int before = settings.from - 1;
      Blocking.await(Migrator.through(schema, before).migrate(vertx, pool, new MigrateOptions()));
      long fillStart = System.nanoTime();
      for (long first = 1; first <= settings.rows; first += CHUNK) {
        long last = Math.min(settings.rows, first + CHUNK - 1);
        Blocking.await(pool.preparedQuery(sql.get("FillJobs")).execute(Tuple.of(first, last)), MIGRATION_TIMEOUT);
        progress.line("schema %s at version %d: %,d of %,d jobs in", settings.schema, before, last, settings.rows);
      }
      Blocking.await(pool.query(sql.get("VacuumJobs")).execute(), MIGRATION_TIMEOUT);
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
      Row sizes = Blocking.await(pool.query(sql.get("TableSizes")).execute()).iterator().next();
      progress.line("filled and vacuumed in %.1f s: table %d MB, indexes %d MB", fillSeconds,
          sizes.getLong("heap") >> 20, sizes.getLong("indexes") >> 20);

      StallProbe enqueue = new StallProbe(vertx, "enqueue", sql.get("ProbeEnqueue"));
      StallProbe claim = new StallProbe(vertx, "claim", sql.get("ProbeClaim"));
      Blocking.await(enqueue.start(uri));
      Blocking.await(claim.start(uri));
      JsonArray migrations = new JsonArray();
      JsonObject baseline;
      try {
        long baseFrom = System.nanoTime();
        Blocking.sleep(BASELINE_MS);
        long baseTo = System.nanoTime();
        baseline = new JsonObject().put("enqueue_max_ms", enqueue.during(baseFrom, baseTo).longestMs())
            .put("claim_max_ms", claim.during(baseFrom, baseTo).longestMs());
        for (Migrations.Migration m : Migrations.known()) {
          if (m.version() >= settings.from && m.version() <= settings.to) {
            migrations.add(apply(vertx, pool, schema, m, enqueue, claim));
          }
        }
      } finally {
        Blocking.await(enqueue.stop());
        Blocking.await(claim.stop());
      }
      if (!settings.keep) {
        Blocking.await(pool.query(sql.get("DropSchema")).execute());
      }
      return result(fillSeconds, sizes, baseline, migrations);
    } finally {
      Blocking.await(pool.close());
      Blocking.await(vertx.close());
    }
  }

  private JsonObject apply(Vertx vertx, Pool pool, String schema, Migrations.Migration m, StallProbe enqueue,
      StallProbe claim) {
    long from = System.nanoTime();
    Blocking.await(Migrator.through(schema, m.version()).migrate(vertx, pool, new MigrateOptions()), MIGRATION_TIMEOUT);
    long to = System.nanoTime();
    Blocking.sleep(3 * StallProbe.INTERVAL_MS); // a run still in flight at the end is counted once it ends
    StallProbe.Window enqueues = enqueue.during(from, to);
    StallProbe.Window claims = claim.during(from, to);
    JsonObject one = new JsonObject().put("version", m.version()).put("name", m.name())
        .put("duration_ms", Math.round((to - from) / 1e5) / 10.0)
        .put("enqueue_stall_ms", enqueues.longestMs()).put("claim_stall_ms", claims.longestMs())
        .put("enqueues", enqueues.runs()).put("claims", claims.runs())
        .put("probe_errors", enqueues.errors() + claims.errors());
    String error = enqueues.lastError() != null ? enqueues.lastError() : claims.lastError();
    if (error != null) {
      one.put("last_probe_error", error);
    }
    progress.line("V%03d %s: %.1f ms; longest enqueue %.1f ms, claim %.1f ms (%d and %d runs)%s", m.version(),
        m.name(), one.getDouble("duration_ms"), enqueues.longestMs(), claims.longestMs(), enqueues.runs(),
        claims.runs(), error == null ? "" : "; probe error: " + error);
    return one;
  }

  private JsonObject result(double fillSeconds, Row sizes, JsonObject baseline, JsonArray migrations) {
    JsonArray over = new JsonArray();
    long errors = 0;
    for (Object o : migrations) {
      JsonObject m = (JsonObject) o;
      if (Math.max(m.getDouble("enqueue_stall_ms"), m.getDouble("claim_stall_ms")) > settings.maxStallMs) {
        over.add(m.getInteger("version"));
      }
      errors += m.getLong("probe_errors");
    }
    return new JsonObject().put("command", "migration-stall").put("rows", settings.rows)
        .put("from", settings.from).put("to", settings.to)
        .put("fill_s", Math.round(fillSeconds * 10) / 10.0)
        .put("table_mb", sizes.getLong("heap") >> 20).put("indexes_mb", sizes.getLong("indexes") >> 20)
        .put("baseline", baseline).put("max_stall_ms", settings.maxStallMs)
        .put("migrations", migrations).put("over_max_stall", over).put("probe_errors", errors);
  }
}
