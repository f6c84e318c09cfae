package dev.spool.testing;

import static dev.spool.testing.TestDatabase.await;

import dev.spool.Spool;
import dev.spool.SpoolOptions;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh Vert.x and a migrated Spool in a schema of the test's own, dropped afterwards. Tests read rows
 * through {@link #sql} to assert what a user would see in the table.
 */
public abstract class SpoolTestBase {

  protected Vertx vertx;
  protected Spool spool;
  protected String schema;
  private final List<Vertx> extraVertx = new ArrayList<>();

  @BeforeEach
  void startSpool() {
    vertx = Vertx.vertx();
    schema = TestDatabase.freshSchema();
    spool = newSpool(vertx, spoolOptions().setSchema(schema));
    await(spool.migrate());
  }

  @AfterEach
  void stopSpool() {
    for (Vertx other : extraVertx) {
      await(other.close());
    }
    await(vertx.close());
    Vertx cleaner = Vertx.vertx();
    try {
      Spool dropper = newSpool(cleaner, new SpoolOptions().setSchema(schema));
      await(dropper.pool().query("drop schema if exists " + schema + " cascade").execute());
    } finally {
      await(cleaner.close());
    }
  }

  /** Options of the Spool under test; override to change them. */
  protected SpoolOptions spoolOptions() {
    return new SpoolOptions();
  }

  /** A second Vert.x instance (as a second worker process would have), closed after the test. */
  protected Vertx otherVertx() {
    Vertx other = Vertx.vertx();
    extraVertx.add(other);
    return other;
  }

  protected Spool newSpool(Vertx on, SpoolOptions options) {
    return Spool.builder(on).connectingTo(TestDatabase.uri()).options(options).build();
  }

  /** Runs a test query; {@code {schema}} stands for the test's schema. */
  protected RowSet<Row> sql(String query, Object... params) {
    String filled = query.replace("{schema}", schema);
    return await(params.length == 0 ? spool.pool().query(filled).execute()
        : spool.pool().preparedQuery(filled).execute(Tuple.wrap(params)));
  }

  /** Rows of the jobs table matching {@code where}. */
  protected long count(String where, Object... params) {
    return sql("select count(*) from {schema}.jobs where " + where, params).iterator().next().getLong(0);
  }

  /** Jobs matching {@code where} wherever they are stored: the jobs table or the kept history (all_jobs, V017). */
  protected long countAll(String where, Object... params) {
    return sql("select count(*) from {schema}.all_jobs where " + where, params).iterator().next().getLong(0);
  }

  /** Polls {@code condition} every 20 ms until it holds; fails after {@code timeout}. */
  protected static void eventually(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
