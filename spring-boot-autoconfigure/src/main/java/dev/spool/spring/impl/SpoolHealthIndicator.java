package dev.spool.spring.impl;

import dev.spool.JobAdmin;
import dev.spool.Spool;
import dev.spool.Unserved;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code spool} health of the application, from the checks of the admin API's {@code /ready}: this node
 * is not being recycled, the database answers, a leader holds the maintenance lease (when this node runs
 * workers), no due job of an unpaused queue has waited longer than {@code spool.admin.max-oldest-available},
 * and every queue with due jobs has a worker for their task ({@code spool.admin.require-served-queues}).
 * Down lists the reasons; the values each check saw are its details.
 */
public final class SpoolHealthIndicator implements HealthIndicator {

  /** How long one check may take before the indicator answers down. */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);

  private final Spool spool;
  private final JobAdmin admin;
  private final boolean requireLeader;
  private final Duration maxOldestAvailable;
  private final boolean requireServedQueues;

  /**
   * @param admin   the {@code admin} section of the configuration ({@code SpoolConfig.admin()})
   * @param workers whether this node runs workers: only then is a missing leader its problem
   */
  public SpoolHealthIndicator(Spool spool, JobAdmin admin, JsonObject adminConfig, boolean workers) {
    this.spool = spool;
    this.admin = admin;
    this.requireLeader = workers && adminConfig.getBoolean("requireLeader", true);
    Long oldest = adminConfig.getLong("maxOldestAvailableMs");
    this.maxOldestAvailable = oldest == null ? null : Duration.ofMillis(oldest);
    this.requireServedQueues = adminConfig.getBoolean("requireServedQueues", true);
  }

  @Override
  public Health health() {
    List<String> reasons = new ArrayList<>();
    Map<String, Object> checks = new LinkedHashMap<>();
    Optional<String> recycling = spool.recycleReason();
    checks.put("recycling", recycling.orElse(null));
    recycling.ifPresent(reason -> reasons.add("this node is being recycled: " + reason));
    try {
      Await.result(admin.ping(), CHECK_TIMEOUT, "the database ping");
      checks.put("database", "ok");
    } catch (RuntimeException e) {
      checks.put("database", e.toString());
      reasons.add("the database does not answer: " + e.getMessage());
      return Health.down().withDetail("reasons", reasons).withDetails(checks).build();
    }
    try {
      String leader = Await.result(admin.leader(), CHECK_TIMEOUT, "the leader query").orElse(null);
      checks.put("leader", leader);
      if (leader == null && requireLeader) {
        reasons.add("no worker holds the maintenance lease: no worker is running, or none reaches the database");
      }
      Map<String, Object> ages = new LinkedHashMap<>();
      Await.result(admin.oldestDueWaits(), CHECK_TIMEOUT, "the oldest-job query").forEach((queue, wait) -> {
        ages.put(queue, wait.toMillis() / 1000.0);
        if (maxOldestAvailable != null && wait.compareTo(maxOldestAvailable) > 0) {
          reasons.add(String.format(Locale.ROOT, "the oldest due job of queue %s has waited %.0f s (threshold %d s)",
              queue, wait.toMillis() / 1000.0, maxOldestAvailable.toSeconds()));
        }
      });
      checks.put("oldest_available_seconds", ages);
      if (requireServedQueues) {
        List<Unserved> unserved = Await.result(admin.unserved(JobAdmin.LIVE_WITHIN), CHECK_TIMEOUT, "the unserved query");
        checks.put("unserved", unserved.stream().map(u -> u.queue() + "/" + u.task()).toList());
        unserved.forEach(u -> reasons.add(u.message()));
      }
    } catch (RuntimeException e) {
      reasons.add("a readiness query failed: " + e.getMessage());
    }
    checks.put("stuck_handlers", spool.stats().stuckRuns().size());
    Health.Builder health = reasons.isEmpty() ? Health.up() : Health.down().withDetail("reasons", reasons);
    return health.withDetails(checks).build();
  }
}
