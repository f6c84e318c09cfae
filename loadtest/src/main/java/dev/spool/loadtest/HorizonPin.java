package dev.spool.loadtest;

import dev.spool.loadtest.HorizonSettings.Pin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sessions that hold the vacuum horizon during a horizon run, each with {@code application_name}
 * {@value #APPLICATION} so the run's own gauges can name them: one REPEATABLE READ transaction that reads the
 * queue's table and stays open, or three analytical queries of {@code seconds} each, the second starting a third
 * of the way into the first and the third two thirds, each connection running its next query as soon as the last
 * ends, so some snapshot is always held and the oldest is never older than one query.
 */
final class HorizonPin {

  static final String APPLICATION = "horizon-pin";
  static final int ANALYTICS_SESSIONS = 3;

  private final Vertx vertx;
  private final String uri;
  private final String readSql;
  private final String analyticsSql;
  private final String cancelSql;
  private final List<PgConnection> connections = new ArrayList<>();
  private final List<Integer> pids = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private volatile boolean released;
  private Pin shape = Pin.NONE;

  HorizonPin(Vertx vertx, String uri, String readSql, String analyticsSql, String cancelSql) {
    this.vertx = vertx;
    this.uri = uri;
    this.readSql = readSql;
    this.analyticsSql = analyticsSql;
    this.cancelSql = cancelSql;
  }

  /** Takes the pin; completes once the first snapshot is held. */
  Future<Void> start(Pin pin, int analyticsSeconds) {
    shape = pin;
    return switch (pin) {
      case NONE -> Future.succeededFuture();
      case REPEATABLE_READ -> connect().compose(c -> c.query("begin isolation level repeatable read").execute()
          .compose(v -> c.query(readSql).execute())).mapEmpty();
      case ANALYTICS -> {
        List<Future<PgConnection>> opened = new ArrayList<>();
        for (int i = 0; i < ANALYTICS_SESSIONS; i++) {
          opened.add(connect());
        }
        yield Future.all(opened).map(all -> {
          for (int i = 0; i < ANALYTICS_SESSIONS; i++) {
            PgConnection c = opened.get(i).result();
            long delayMs = Math.max(1, i * analyticsSeconds * 1000L / ANALYTICS_SESSIONS);
            timers.add(vertx.setTimer(delayMs, t -> analytics(c, analyticsSeconds)));
          }
          return null;
        });
      }
    };
  }

  private void analytics(PgConnection c, int seconds) {
    if (released) {
      return;
    }
    c.preparedQuery(analyticsSql).execute(Tuple.of((double) seconds)).onComplete(ar -> analytics(c, seconds));
  }

  /** The backend pids of the pin's sessions. */
  List<Integer> pids() {
    synchronized (pids) {
      return List.copyOf(pids);
    }
  }

  /** Ends the pin: statements running are cancelled, the transaction rolled back, the sessions closed. */
  Future<Void> release(io.vertx.sqlclient.SqlClient client) {
    released = true;
    timers.forEach(vertx::cancelTimer);
    Future<?> cancelled = pids().isEmpty() ? Future.succeededFuture()
        : client.preparedQuery(cancelSql).execute(Tuple.of(pids().toArray(new Integer[0])));
    return cancelled.compose(v -> {
      List<Future<Void>> closed = new ArrayList<>();
      connections.forEach(c -> closed.add(shape != Pin.REPEATABLE_READ ? c.close()
          : c.query("rollback").execute().otherwiseEmpty().compose(x -> c.close())));
      return Future.join(closed);
    }).mapEmpty();
  }

  private Future<PgConnection> connect() {
    return PgConnection.connect(vertx, PgConnectOptions.fromUri(uri).setProperties(Map.of("application_name", APPLICATION)))
        .compose(c -> {
          connections.add(c);
          return c.query("select pg_backend_pid()").execute().map(rows -> {
            synchronized (pids) {
              pids.add(rows.iterator().next().getInteger(0));
            }
            return c;
          });
        });
  }
}
