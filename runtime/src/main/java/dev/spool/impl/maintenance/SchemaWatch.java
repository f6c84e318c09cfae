package dev.spool.impl.maintenance;

import dev.spool.impl.Service;
import dev.spool.impl.sql.SchemaVersions;
import dev.spool.impl.sql.SchemaVersions.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A worker's check of the schema's version ({@link SchemaVersions}). At start it fails the worker with
 * {@link dev.spool.SchemaVersionException} when the worker may not work against the schema (too old a
 * schema: run migrate; too new: upgrade this process), before the worker registers or claims. While the
 * worker runs it reads the version again every interval: when a migration by a newer release has taken the
 * schema beyond this release's compatibility window, it logs why once and tells the worker, which claims
 * nothing more. A failed read (the database away) changes nothing: the heartbeat deals with outages.
 */
public final class SchemaWatch implements Service {

  private static final System.Logger LOG = System.getLogger(SchemaWatch.class.getName());

  private final SqlClient client;
  private final SchemaVersions versions;
  private final long intervalMs;
  private final Consumer<Verdict> outOfWindow;
  private final Ticker ticker;
  private boolean checking;
  private boolean tripped;

  /** @param outOfWindow told once, on the worker's context, when the schema has left this release's window */
  public SchemaWatch(Vertx vertx, SqlClient client, SchemaVersions versions, Duration interval,
      Consumer<Verdict> outOfWindow) {
    this.client = client;
    this.versions = versions;
    this.intervalMs = interval.toMillis();
    this.outOfWindow = outOfWindow;
    this.ticker = new Ticker(vertx);
  }

  @Override
  public Future<Void> start() {
    return versions.require(client).map(verdict -> {
      if (verdict.fit() == SchemaVersions.Fit.OLDER_RUNTIME) {
        LOG.log(System.Logger.Level.INFO, "{0}: going on", verdict.message());
      }
      ticker.start(intervalMs, this::check);
      return null;
    });
  }

  private void check() {
    if (checking || tripped) {
      return;
    }
    checking = true;
    versions.check(client).onComplete(ar -> {
      checking = false;
      if (ar.failed() || ar.result().works() || tripped || !ticker.running()) {
        return;
      }
      tripped = true;
      ticker.stop();
      LOG.log(System.Logger.Level.ERROR, "{0}. This worker claims no more jobs; it finishes those it runs",
          ar.result().message());
      outOfWindow.accept(ar.result());
    });
  }

  @Override
  public Future<Void> stop() {
    return ticker.stop();
  }
}
