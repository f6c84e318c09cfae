package dev.spool.impl.admin;

import dev.spool.Spool;
import dev.spool.admin.AdminOptions;
import dev.spool.impl.leader.Elector;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /ready}: the database answers, a leader holds the maintenance lease, this node's failure
 * rate is under its threshold, and no due job of a queue that is not paused has waited too long. Each
 * failed check adds a reason; the checks that could run still report their values.
 */
final class Readiness {

  /** The answer: ready or not, why not, and what each check saw. */
  record Answer(boolean ready, List<String> reasons, JsonObject checks) {
    JsonObject toJson() {
      return new JsonObject().put("status", ready ? "ready" : "not_ready").put("reasons", new JsonArray(reasons))
          .put("checks", checks);
    }
  }

  private final Spool spool;
  private final AdminOptions options;
  private final RateWindow rates;

  Readiness(Spool spool, AdminOptions options, RateWindow rates) {
    this.spool = spool;
    this.options = options;
    this.rates = rates;
  }

  Future<Answer> check() {
    List<String> reasons = new ArrayList<>();
    JsonObject checks = new JsonObject();

    double failureRate = rates.failureRate();
    long runs = rates.runs();
    checks.put("failure_rate", failureRate).put("runs_in_window", runs);
    if (runs >= options.getMinRunsForRate() && failureRate > options.getMaxFailureRate()) {
      reasons.add(String.format(Locale.ROOT, "%.0f%% of the last %d runs on this node failed (threshold %.0f%%)",
          failureRate * 100, runs, options.getMaxFailureRate() * 100));
    }

    Future<Void> ping = spool.pool().query(spool.queries().get("Ping")).execute().mapEmpty();
    return ping.compose(v -> {
      checks.put("database", "ok");
      Future<Void> leader = spool.pool().preparedQuery(spool.queries().get("CurrentLeader"))
          .execute(Tuple.of(Elector.MAINTENANCE)).map(rows -> {
            String id = rows.size() == 0 ? null : rows.iterator().next().getString("leader_id");
            checks.put("leader", id);
            if (id == null && options.isRequireLeader()) {
              reasons.add("no worker holds the maintenance lease: no worker is running, or none reaches the database");
            }
            return null;
          });
      Future<Void> oldest = spool.pool().query(spool.queries().get("OldestAvailable")).execute().map(rows -> {
        JsonObject ages = new JsonObject();
        for (Row row : rows) {
          double age = row.getDouble("age_seconds");
          ages.put(row.getString("queue"), Math.round(age * 10) / 10.0);
          if (options.getMaxOldestAvailable() != null && age * 1000 > options.getMaxOldestAvailable().toMillis()) {
            reasons.add(String.format(Locale.ROOT, "the oldest due job of queue %s has waited %.0f s (threshold %d s)",
                row.getString("queue"), age, options.getMaxOldestAvailable().toSeconds()));
          }
        }
        checks.put("oldest_available_seconds", ages);
        return null;
      });
      return Future.join(recover(leader, reasons), recover(oldest, reasons)).<Void>mapEmpty();
    }, e -> {
      checks.put("database", e.toString());
      reasons.add("the database does not answer: " + e.getMessage());
      return Future.succeededFuture();
    }).map(v -> new Answer(reasons.isEmpty(), reasons, checks));
  }

  private static Future<Void> recover(Future<Void> check, List<String> reasons) {
    return check.recover(e -> {
      reasons.add("a readiness query failed: " + e.getMessage());
      return Future.succeededFuture();
    });
  }
}
