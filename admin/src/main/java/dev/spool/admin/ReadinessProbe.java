package dev.spool.admin;

import dev.spool.JobAdmin;
import dev.spool.Spool;
import dev.spool.admin.impl.Readiness;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * The checks of the admin API's {@code GET /ready}, for a host other than the admin API (Spring Boot's
 * {@code spool} health indicator): this node is not being recycled, the database answers, a leader holds the
 * maintenance lease, this node's failure rate over {@link AdminOptions#getRateWindow} is under
 * {@link AdminOptions#getMaxFailureRate}, no due job has waited too long, every due job has a live worker, no
 * snapshot holds back vacuum too long: each as {@link AdminOptions} sets it. It samples this node's run counters
 * once a second, for the failure rate, until closed.
 */
public final class ReadinessProbe implements AutoCloseable {

  private final Spool spool;
  private final Readiness readiness;
  private final Context context;
  private volatile long timer = -1;

  /**
   * Starts sampling this node's run counters.
   *
   * @param spool the Spool whose node is checked
   * @param admin the Spool's admin client
   * @param options the thresholds and which checks fail readiness (host, port and token are not used)
   */
  public ReadinessProbe(Spool spool, JobAdmin admin, AdminOptions options) {
    this.spool = spool;
    this.readiness = Readiness.standalone(spool, admin, new AdminOptions(options));
    // one context for the samples and the checks, which share the rate window
    this.context = spool.vertx().getOrCreateContext();
    context.runOnContext(v -> timer = spool.vertx().setPeriodic(1000, id -> readiness.sample()));
  }

  /**
   * Runs the checks.
   *
   * @return what {@code GET /ready} answers: {@code status} ({@code ready} or {@code not_ready}), {@code reasons},
   *     {@code warnings} and {@code checks} (what each check saw)
   */
  public Future<JsonObject> check() {
    Promise<JsonObject> answer = Promise.promise();
    context.runOnContext(v -> readiness.checkJson().onComplete(answer));
    return answer.future();
  }

  /** Stops sampling. */
  @Override
  public void close() {
    try {
      context.runOnContext(v -> {
        if (timer >= 0) {
          spool.vertx().cancelTimer(timer);
        }
      });
    } catch (RuntimeException e) {
      // the Vert.x instance was closed first, and its timers with it
    }
  }
}
