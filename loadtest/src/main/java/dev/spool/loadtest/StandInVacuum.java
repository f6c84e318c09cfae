package dev.spool.loadtest;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * A stand-in for autovacuum in a horizon run (the servers here run it with a one-minute naptime, or not at
 * all): one named {@code VACUUM} statement every {@code seconds}, never two at once, as a queue without a
 * vacuumer of its own (the floor, Graphile Worker) gets at best.
 */
final class StandInVacuum {

  private final Vertx vertx;
  private final Pool pool;
  private final String vacuumSql;
  private final int seconds;
  private long timer = -1;
  private volatile boolean running;

  /** @param seconds between passes; 0 leaves the table to the server's autovacuum */
  StandInVacuum(Vertx vertx, Pool pool, String vacuumSql, int seconds) {
    this.vertx = vertx;
    this.pool = pool;
    this.vacuumSql = vacuumSql;
    this.seconds = seconds;
  }

  void start() {
    if (seconds > 0) {
      timer = vertx.setPeriodic(seconds * 1000L, t -> {
        if (!running) {
          running = true;
          pool.query(vacuumSql).execute().onComplete(ar -> running = false);
        }
      });
    }
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
