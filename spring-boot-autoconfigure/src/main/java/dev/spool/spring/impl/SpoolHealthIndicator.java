package dev.spool.spring.impl;

import dev.spool.admin.ReadinessProbe;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code spool} health of the application: the checks of the admin API's {@code /ready}, run by the admin
 * module's own {@link ReadinessProbe} with the {@code spool.admin.*} thresholds (the failure rate of this node's
 * runs included), so both answer alike. Down lists the reasons; warnings (unserved work that is not made a
 * reason) and the values each check saw are details.
 */
public final class SpoolHealthIndicator implements HealthIndicator, DisposableBean {

  /** How long the checks may take before the indicator answers down. */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);

  private final ReadinessProbe probe;

  /**
   * @param probe the readiness checks, closed with this bean
   */
  public SpoolHealthIndicator(ReadinessProbe probe) {
    this.probe = probe;
  }

  @Override
  public Health health() {
    JsonObject answer;
    try {
      answer = Await.result(probe.check(), CHECK_TIMEOUT, "the readiness checks");
    } catch (RuntimeException e) {
      return Health.down().withDetail("reasons", List.of("the readiness checks failed: " + e.getMessage())).build();
    }
    List<Object> reasons = answer.getJsonArray("reasons").getList();
    List<Object> warnings = answer.getJsonArray("warnings").getList();
    Health.Builder health = reasons.isEmpty() ? Health.up() : Health.down().withDetail("reasons", reasons);
    if (!warnings.isEmpty()) {
      health.withDetail("warnings", warnings);
    }
    Map<String, Object> checks = new LinkedHashMap<>(); // with the nulls of checks that found nothing (no leader)
    answer.getJsonObject("checks").forEach(check -> checks.put(check.getKey(), plain(check.getValue())));
    return health.withDetails(checks).build();
  }

  /** Vert.x JSON as plain maps and lists, which Spring's JSON writer renders as they are. */
  private static Object plain(Object value) {
    if (value instanceof JsonObject object) {
      Map<String, Object> map = new LinkedHashMap<>();
      object.forEach(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (value instanceof JsonArray array) {
      List<Object> list = new ArrayList<>();
      array.forEach(v -> list.add(plain(v)));
      return list;
    }
    return value;
  }

  @Override
  public void destroy() {
    probe.close();
  }
}
