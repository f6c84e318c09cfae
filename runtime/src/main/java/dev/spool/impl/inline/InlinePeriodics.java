package dev.spool.impl.inline;

import dev.spool.PeriodicJob;
import dev.spool.Spool;
import dev.spool.impl.maintenance.Scheduler;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.function.Supplier;

/**
 * The test kit's periodic scheduler (spool-test builds it; nothing in the runtime does): the leader's own
 * {@link Scheduler}, on the Spool's pool and clock, for periodic jobs a test declares, with a pass on demand
 * after the test moved time. All work runs on one event-loop context of its own.
 */
public final class InlinePeriodics {

  private final Context context;
  private final Scheduler scheduler;

  public InlinePeriodics(Spool spool, List<PeriodicJob<?>> jobs) {
    this.context = spool.vertx().getOrCreateContext();
    this.scheduler = new Scheduler(spool.vertx(), spool.pool(), new Queries(spool.options().getSchema()), spool.clock(),
        List.copyOf(jobs), spool.options().getMaxPayloadBytes(), new Scheduler.Options());
  }

  /** Starts scheduling as a newly elected leader does; completes after its first pass. */
  public Future<Void> start() {
    return on(scheduler::start);
  }

  /** Enqueues the slots the clock has reached since the last pass. */
  public Future<Void> passNow() {
    return on(scheduler::passNow);
  }

  public Future<Void> stop() {
    return on(scheduler::stop);
  }

  private Future<Void> on(Supplier<Future<Void>> work) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future();
  }
}
