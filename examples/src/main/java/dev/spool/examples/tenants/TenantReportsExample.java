package dev.spool.examples.tenants;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.JobRequest;
import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.examples.ExampleDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A multi-tenant queue: report jobs keyed by tenant, in a queue that is fair between tenants, runs at most
 * two reports of one tenant at once (the partner API allows two connections per account) and starts at
 * most 20 a second per tenant. A big tenant enqueues 400 reports at once, two small ones 5 each right
 * after; with the fair queue the small tenants are done long before the big one, and no tenant ever has
 * more than two reports running.
 *
 * <pre>
 * tenant    reports  done after (ms)  most at once
 * acme          400             ...              2
 * tiny-1          5             ...              2
 * tiny-2          5             ...              2
 * </pre>
 *
 * The same queue in a config file: {@code queues.reports: {fair: true, keyConcurrency: 2, keyRateLimit: 20/1s}}.
 * Options: {@code --db postgresql://...}.
 */
public final class TenantReportsExample {

  public static final Task<JsonObject> REPORT = Task.json("build-report");
  public static final String QUEUE = "reports";
  /** Fair between tenants, two at once and 20 starts a second per tenant, across all workers. */
  public static final QueueOptions TENANT_LIMITS = new QueueOptions().setFair(true).setKeyConcurrency(2)
      .setKeyRateLimit(RateLimit.perSecond(20));
  /** How long one report takes. */
  public static final Duration REPORT_TIME = Duration.ofMillis(10);

  private TenantReportsExample() {}

  /** What each tenant saw: its reports, when its last one finished, and its most running at once. */
  public record TenantOutcome(String tenant, int reports, long doneAfterMs, int mostAtOnce) {}

  public static void main(String[] args) throws Exception {
    try (ExampleDatabase db = ExampleDatabase.fromArgs(args)) {
      Vertx vertx = Vertx.vertx();
      try {
        Spool spool = Spool.builder(vertx).connectingTo(db.uri()).options(new SpoolOptions().setSchema("spool_tenants")).build();
        ExampleDatabase.await(spool.migrate(), 60);
        Map<String, TenantOutcome> outcome = ExampleDatabase.await(run(vertx, spool, Map.of("acme", 400, "tiny-1", 5, "tiny-2", 5)), 120);
        System.out.printf("%-8s %8s %16s %13s%n", "tenant", "reports", "done after (ms)", "most at once");
        outcome.values().stream().sorted((a, b) -> Long.compare(a.doneAfterMs(), b.doneAfterMs())).forEach(o ->
            System.out.printf("%-8s %8d %16d %13d%n", o.tenant(), o.reports(), o.doneAfterMs(), o.mostAtOnce()));
      } finally {
        ExampleDatabase.await(vertx.close(), 30);
      }
    }
  }

  /**
   * Enqueues the reports (the biggest tenant first), runs two workers on the queue and completes with each
   * tenant's outcome once every report ran.
   */
  public static Future<Map<String, TenantOutcome>> run(Vertx vertx, Spool spool, Map<String, Integer> reports) {
    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    Map<String, Integer> mostAtOnce = new ConcurrentHashMap<>();
    Map<String, Long> lastDone = new ConcurrentHashMap<>();
    List<String> finished = new CopyOnWriteArrayList<>();
    int total = reports.values().stream().mapToInt(Integer::intValue).sum();
    Promise<Void> allDone = Promise.promise();
    long start = System.currentTimeMillis();
    JobHandlers handlers = new JobHandlers().register(REPORT, (args, ctx) -> {
      String tenant = args.getString("tenant");
      mostAtOnce.merge(tenant, running.computeIfAbsent(tenant, t -> new AtomicInteger()).incrementAndGet(), Math::max);
      Promise<Void> built = Promise.promise();
      vertx.setTimer(REPORT_TIME.toMillis(), t -> {
        running.get(tenant).decrementAndGet();
        lastDone.put(tenant, System.currentTimeMillis() - start);
        finished.add(tenant);
        if (finished.size() == total) {
          allDone.tryComplete();
        }
        built.complete();
      });
      return built.future();
    });
    List<JobRequest<?>> jobs = new ArrayList<>();
    reports.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(e -> {
      for (int i = 0; i < e.getValue(); i++) {
        jobs.add(new JobRequest<>(REPORT, new JsonObject().put("tenant", e.getKey()).put("n", i),
            new EnqueueOptions().setQueue(QUEUE).setKey(e.getKey())));
      }
    });
    WorkerOptions workers = new WorkerOptions().setQueues(QUEUE).setConcurrency(8).setQueueOptions(QUEUE, TENANT_LIMITS);
    return spool.client().enqueueAll(jobs)
        .compose(ids -> spool.deployWorkers(workers, handlers, 2))
        .compose(deployment -> allDone.future().compose(v -> vertx.undeploy(deployment)))
        .map(v -> {
          Map<String, TenantOutcome> outcome = new ConcurrentHashMap<>();
          reports.forEach((tenant, n) -> outcome.put(tenant,
              new TenantOutcome(tenant, n, lastDone.get(tenant), mostAtOnce.get(tenant))));
          return outcome;
        });
  }
}
