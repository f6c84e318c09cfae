package dev.spool.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One statement run again and again on a connection of its own, about every {@link #INTERVAL_MS} (at once after
 * a slower one), each run's start and end kept: how long the statement stalled while something else happened is
 * the longest run that overlapped it. {@code migration-stall} runs one for the enqueue and one for the claim.
 */
final class StallProbe {

  static final long INTERVAL_MS = 10;

  /** One run of the statement, in {@link System#nanoTime()}; {@code error} is null when it succeeded. */
  record Run(long startNanos, long endNanos, String error) {}

  /** What the probe saw over a window: its runs, the longest of them, and its failures. */
  record Window(int runs, double longestMs, int errors, String lastError) {}

  private final Vertx vertx;
  private final String name;
  private final String sql;
  private final List<Run> runs = new ArrayList<>();
  private final Promise<Void> stopped = Promise.promise();
  private PgConnection connection;
  private volatile boolean running = true;

  StallProbe(Vertx vertx, String name, String sql) {
    this.vertx = vertx;
    this.name = name;
    this.sql = sql;
  }

  /** Connects and starts; completes once the first run is done. */
  Future<Void> start(String uri) {
    return PgConnection.connect(vertx, PgConnectOptions.fromUri(uri)
            .setProperties(Map.of("application_name", "stall-probe-" + name)))
        .compose(c -> {
          connection = c;
          Promise<Void> first = Promise.promise();
          loop(first);
          return first.future();
        });
  }

  private void loop(Promise<Void> first) {
    long start = System.nanoTime();
    connection.preparedQuery(sql).execute().onComplete(ar -> {
      long end = System.nanoTime();
      synchronized (runs) {
        runs.add(new Run(start, end, ar.succeeded() ? null : String.valueOf(ar.cause().getMessage())));
      }
      first.tryComplete();
      if (!running) {
        stopped.tryComplete();
        return;
      }
      long pause = Math.max(1, INTERVAL_MS - (end - start) / 1_000_000);
      vertx.setTimer(pause, t -> loop(first));
    });
  }

  /** The runs that overlapped {@code [fromNanos, toNanos]}. */
  Window during(long fromNanos, long toNanos) {
    int count = 0;
    long longest = 0;
    int errors = 0;
    String lastError = null;
    synchronized (runs) {
      for (Run run : runs) {
        if (run.startNanos() <= toNanos && run.endNanos() >= fromNanos) {
          count++;
          longest = Math.max(longest, run.endNanos() - run.startNanos());
          if (run.error() != null) {
            errors++;
            lastError = run.error();
          }
        }
      }
    }
    return new Window(count, Math.round(longest / 1e5) / 10.0, errors, lastError);
  }

  /** Stops after the run in flight and closes the connection. */
  Future<Void> stop() {
    running = false;
    return stopped.future().compose(v -> connection.close());
  }
}
