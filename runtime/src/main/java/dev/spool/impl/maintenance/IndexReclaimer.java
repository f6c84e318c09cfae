package dev.spool.impl.maintenance;

import dev.spool.impl.Service;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs on the leader only, beside the {@link Vacuumer}: rebuilds an index of the jobs table that a held vacuum
 * horizon left far larger than its entries need, once the horizon has moved on.
 *
 * <p>Why: while a long transaction elsewhere holds the horizon, no index entry of a claimed or finished job may be
 * removed, and the indexes grow by every job that passes (about 100 bytes a job across them at 400 jobs/s). Vacuum
 * empties their pages once the transaction ends, and cuts the table's empty tail, but a B-tree keeps its emptied
 * pages for reuse and never gives them back: after six pinned minutes the indexes stayed at 14 MB for a queue of a
 * few hundred jobs, and every descent and scan of them reads a taller, sparser tree. {@code REINDEX CONCURRENTLY}
 * builds a fresh copy beside the old one, which serves claims and acks until an instant's swap.
 *
 * <p>An index is rebuilt when it is over {@link #DEFAULT_MIN_BYTES} and over {@link #DEFAULT_BYTES_PER_ENTRY}
 * bytes per entry the last vacuum counted (an entry needs 20 to 60), and only while no snapshot in the database is
 * older than {@link #DEFAULT_MAX_SNAPSHOT_AGE}: a rebuild waits for every older snapshot to end, and would wait
 * as long as the transaction that caused the bloat. It goes on a connection of its own, with a lock timeout, one
 * index at a time, at most once per {@link #DEFAULT_MIN_INTERVAL} per index. A rebuild that fails half-way leaves an
 * invalid copy that every write keeps up to date: the next pass drops it first. A role that may not rebuild (not
 * the table's owner) turns the reclaimer off with one log line, as the vacuumer does.
 */
public final class IndexReclaimer implements Service {

  private static final System.Logger LOG = System.getLogger(IndexReclaimer.class.getName());
  /** How often it looks (two catalog reads; nothing when no index is bloated). */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);
  /** Indexes below this size are left as they are, whatever their bloat. */
  public static final long DEFAULT_MIN_BYTES = 1L << 20;
  /** Bytes per counted entry above which an index is bloated. */
  public static final long DEFAULT_BYTES_PER_ENTRY = 400;
  /** Rebuilds wait until no snapshot in the database is older than this. */
  public static final Duration DEFAULT_MAX_SNAPSHOT_AGE = Duration.ofSeconds(5);
  /** The shortest time between two rebuilds of one index. */
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofMinutes(10);
  private static final Pattern INDEX_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final Ticker ticker;
  private final Pool connection;
  private final Queries queries;
  private final long minBytes;
  private final long bytesPerEntry;
  private final Map<String, Long> lastRebuilt = new HashMap<>();
  private boolean running;
  private boolean refused;
  private long rebuilds;

  /** @param connection a pool of one connection of its own: a rebuild holds it for as long as it takes */
  public IndexReclaimer(Vertx vertx, Pool connection, Queries queries) {
    this(vertx, connection, queries, DEFAULT_MIN_BYTES, DEFAULT_BYTES_PER_ENTRY);
  }

  IndexReclaimer(Vertx vertx, Pool connection, Queries queries, long minBytes, long bytesPerEntry) {
    this.ticker = new Ticker(vertx);
    this.connection = connection;
    this.queries = queries;
    this.minBytes = minBytes;
    this.bytesPerEntry = bytesPerEntry;
  }

  @Override
  public Future<Void> start() {
    if (!refused) {
      ticker.start(DEFAULT_CHECK_INTERVAL.toMillis(), this::runOnce);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    return ticker.stop();
  }

  /** Indexes rebuilt so far (a test signal). */
  public long rebuilds() {
    return rebuilds;
  }

  /** Drops what a failed rebuild left, then rebuilds the most bloated index when it may; completes with its name. */
  public Future<String> runOnce() {
    if (running || refused) {
      return Future.succeededFuture();
    }
    running = true;
    return connection.query(queries.get("InvalidJobIndexes")).execute()
        .compose(invalid -> {
          Future<Void> dropped = Future.succeededFuture();
          for (Row row : invalid) {
            String name = row.getString("name");
            dropped = dropped.compose(v -> run("DropJobIndex", name));
          }
          return dropped;
        })
        .compose(v -> connection.preparedQuery(queries.get("BloatedJobIndexes"))
            .execute(Tuple.of(minBytes, bytesPerEntry)))
        .compose(rows -> {
          long now = System.nanoTime();
          List<Row> bloated = new ArrayList<>();
          rows.forEach(bloated::add);
          for (Row row : bloated) {
            String name = row.getString("name");
            Long last = lastRebuilt.get(name);
            if (row.getDouble("oldest_snapshot_s") > DEFAULT_MAX_SNAPSHOT_AGE.toSeconds()) {
              return Future.<String>succeededFuture(); // it would wait for that snapshot: later
            }
            if (last != null && now - last < DEFAULT_MIN_INTERVAL.toNanos()) {
              continue;
            }
            lastRebuilt.put(name, now);
            long bytes = row.getLong("bytes");
            long entries = row.getLong("entries");
            return run("ReindexJobIndex", name).map(done -> {
              rebuilds++;
              LOG.log(System.Logger.Level.INFO, "rebuilt index {0}.{1}: {2} bytes for {3} entries, left by a held "
                  + "vacuum horizon", queries.schema(), name, bytes, entries);
              return name;
            });
          }
          return Future.<String>succeededFuture();
        })
        .recover(e -> {
          if (e.getMessage() != null && e.getMessage().contains("must be owner")) {
            refused = true;
            ticker.stop();
            LOG.log(System.Logger.Level.WARNING, "this role does not own {0}.jobs and cannot rebuild its indexes; "
                + "bloat a long transaction leaves in them stays until an owner runs REINDEX", queries.schema());
          } else {
            LOG.log(System.Logger.Level.WARNING, "rebuilding a bloated index of {0}.jobs failed ({1}); trying again "
                + "later", queries.schema(), e.getMessage());
          }
          return Future.succeededFuture();
        })
        .onComplete(ar -> running = false);
  }

  /** Runs a statement naming one index of the jobs table, on the reclaimer's connection under its timeouts. */
  private Future<Void> run(String statement, String index) {
    if (!INDEX_NAME.matcher(index).matches()) {
      return Future.failedFuture(new IllegalStateException("unexpected index name " + index));
    }
    String sql = queries.get(statement).replace("{index}", index);
    return connection.withConnection(c -> c.query(queries.get("ReclaimTimeouts")).execute()
        .compose(v -> c.query(sql).execute())).mapEmpty();
  }
}
