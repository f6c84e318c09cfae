package dev.spool.admin.impl;

import dev.spool.JobAdmin;
import dev.spool.Spool;
import dev.spool.VacuumHorizon;
import dev.spool.admin.AdminOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /ready}: this node is not being recycled nor stopping, the database answers, a leader holds the
 * maintenance lease, this node's failure rate is under its threshold, no due job of a queue that is not
 * paused has waited too long, (as configured) no due job lacks a live worker to claim it, and (when
 * {@code maxVacuumHorizonAge} is set) no session has held back vacuum too long. Each failed check adds a reason;
 * unserved work the options do not make a reason is a warning. The checks that could run still report their
 * values, with this node's stuck handlers.
 */
public final class Readiness {

  /** The answer: ready or not, why not, what is wrong without failing it, and what each check saw. */
  record Answer(boolean ready, List<String> reasons, List<String> warnings, JsonObject checks) {
    JsonObject toJson() {
      return new JsonObject().put("status", ready ? "ready" : "not_ready").put("reasons", new JsonArray(reasons))
          .put("warnings", new JsonArray(warnings)).put("checks", checks);
    }
  }

  private final Spool spool;
  private final JobAdmin admin;
  private final AdminOptions options;
  private final RateWindow rates;
  private volatile boolean stopping;

  Readiness(Spool spool, JobAdmin admin, AdminOptions options, RateWindow rates) {
    this.spool = spool;
    this.admin = admin;
    this.options = options;
    this.rates = rates;
  }

  /**
   * Readiness with a rate window of its own, for a host other than the admin API ({@code ReadinessProbe}), which
   * calls {@link #sample} once a second and {@link #checkJson} on one context, as AdminRoutes does on its verticle's.
   */
  public static Readiness standalone(Spool spool, JobAdmin admin, AdminOptions options) {
    return new Readiness(spool, admin, options, new RateWindow(spool.stats(), options.getRateWindow().toNanos()));
  }

  /** Samples this node's counters for the failure rate (standalone only: AdminRoutes samples its own window). */
  public void sample() {
    rates.sample(System.nanoTime());
  }

  /** {@link #check}, as {@code GET /ready} answers it. */
  public Future<JsonObject> checkJson() {
    return check().map(Answer::toJson);
  }

  /** From now on the node is not ready: it stops, finishing what runs. */
  void stopping() {
    stopping = true;
  }

  Future<Answer> check() {
    List<String> reasons = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    JsonObject checks = new JsonObject();

    // A process being recycled is not ready for work, whatever else holds: its supervisor should replace it.
    String recycling = spool.recycleReason().orElse(null);
    checks.put("recycling", recycling).put("stuck_handlers", spool.stats().stuckRuns().size());
    if (recycling != null) {
      reasons.add("this node is being recycled: " + recycling);
    }
    checks.put("stopping", stopping);
    if (stopping && recycling == null) {
      reasons.add("this node is stopping: it finishes its running jobs and claims no more");
    }

    double failureRate = rates.failureRate();
    long runs = rates.runs();
    checks.put("failure_rate", failureRate).put("runs_in_window", runs);
    if (runs >= options.getMinRunsForRate() && failureRate > options.getMaxFailureRate()) {
      reasons.add(String.format(Locale.ROOT, "%.0f%% of the last %d runs on this node failed (threshold %.0f%%)",
          failureRate * 100, runs, options.getMaxFailureRate() * 100));
    }

    Future<Void> ping = admin.ping();
    return ping.compose(v -> {
      checks.put("database", "ok");
      Future<Void> leader = admin.leader().map(holder -> {
            String id = holder.orElse(null);
            checks.put("leader", id);
            if (id == null && options.isRequireLeader()) {
              reasons.add("no worker holds the maintenance lease: no worker is running, or none reaches the database");
            }
            return null;
          });
      Future<Void> oldest = admin.oldestDueWaits().map(waits -> {
        JsonObject ages = new JsonObject();
        waits.forEach((queue, wait) -> {
          double age = wait.toMillis() / 1000.0;
          ages.put(queue, Math.round(age * 10) / 10.0);
          if (options.getMaxOldestAvailable() != null && wait.compareTo(options.getMaxOldestAvailable()) > 0) {
            reasons.add(String.format(Locale.ROOT, "the oldest due job of queue %s has waited %.0f s (threshold %d s)",
                queue, age, options.getMaxOldestAvailable().toSeconds()));
          }
        });
        checks.put("oldest_available_seconds", ages);
        return null;
      });
      // Reported either way, a reason only where configured: by default a task no live worker handles (a
      // stray or mistyped enqueue) is a warning, else one job would take every worker of its queue out of service.
      Future<Void> unserved = admin.unserved(JobAdmin.LIVE_WITHIN).map(list -> {
        checks.put("unserved", new JsonArray(list.stream().map(u -> u.queue() + "/" + u.task()).toList()));
        list.forEach(u -> {
          boolean fails = u.queueServed() ? options.isRequireServedTasks() : options.isRequireServedQueues();
          (fails ? reasons : warnings).add(u.message());
        });
        return null;
      });
      Future<Void> horizon = options.getMaxVacuumHorizonAge() == null ? Future.succeededFuture()
          : admin.vacuumHorizon().map(h -> {
            VacuumHorizon.Holder holder = h.oldestTimed().orElse(null);
            checks.put("vacuum_horizon", holder == null ? null : holder.toJson());
            if (holder != null && holder.age().compareTo(options.getMaxVacuumHorizonAge()) > 0) {
              reasons.add(String.format(Locale.ROOT, "a snapshot %.0f s old holds back vacuum (threshold %d s): %s",
                  holder.age().toMillis() / 1000.0, options.getMaxVacuumHorizonAge().toSeconds(), holder.describe()));
            }
            return null;
          });
      return Future.join(recover(leader, reasons), recover(oldest, reasons), recover(unserved, reasons),
          recover(horizon, reasons)).<Void>mapEmpty();
    }, e -> {
      checks.put("database", e.toString());
      reasons.add("the database does not answer: " + e.getMessage());
      return Future.succeededFuture();
    }).map(v -> new Answer(reasons.isEmpty(), reasons, warnings, checks));
  }

  private static Future<Void> recover(Future<Void> check, List<String> reasons) {
    return check.recover(e -> {
      reasons.add("a readiness query failed: " + e.getMessage());
      return Future.succeededFuture();
    });
  }
}
