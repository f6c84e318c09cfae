package dev.spool.examples.retries;

import dev.spool.EnqueueOptions;
import dev.spool.HandlerOptions;
import dev.spool.Job;
import dev.spool.JobHandlers;
import dev.spool.JobState;
import dev.spool.RetryPolicy;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.codecs.JacksonCodec;
import dev.spool.examples.ExampleDatabase;
import dev.spool.examples.retries.FakePaymentApi.Behaviour;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Retries, timeouts and the dead-letter queue around a flaky external call. Four orders are charged
 * through {@link FakePaymentApi}; each meets another failure and ends as Spool's policy says:
 *
 * <pre>
 * order-ok        completed  attempt 1  the API answered at once
 * order-flaky     completed  attempt 3  two 503s, each retried after a backoff
 * order-hangs     dead       attempt 3  every run cut off at the 500 ms timeout: attempts used up
 * order-declined  dead       attempt 1  a 422 is final: GiveUpException, no retry
 * </pre>
 *
 * The dead jobs stay in the table in state {@code dead} with their last error (class, message, stack
 * excerpt, attempt): that is the dead-letter queue. Options: {@code --db postgresql://...}.
 */
public final class FlakyApiExample {

  public static final Task<Charge> CHARGE = Task.of("charge-card", JacksonCodec.of(Charge.class));

  /** Each run may take this long; the API's "hangs" never answers, so its runs end here. */
  public static final Duration CALL_TIMEOUT = Duration.ofMillis(500);
  /** Runs per charge, the first included. */
  public static final int MAX_ATTEMPTS = 3;
  /** Backoff: 200 ms after the first failure, then 400 ms, ±10 %. */
  public static final RetryPolicy RETRY = new RetryPolicy().setBase(Duration.ofMillis(200)).setFactor(2)
      .setMaxDelay(Duration.ofSeconds(5)).setJitter(0.1);

  /** The orders charged, and how the API treats each. */
  public static final Map<String, Behaviour> ORDERS = orders();

  private FlakyApiExample() {}

  public static void main(String[] args) throws Exception {
    try (ExampleDatabase db = ExampleDatabase.fromArgs(args)) {
      Vertx vertx = Vertx.vertx();
      try {
        // Kept, so that the completed charges can be shown next to the dead ones.
        Spool spool = Spool.builder(vertx).connectingTo(db.uri())
            .options(new SpoolOptions().setSchema("examples_retries").setKeepCompleted(true)).build();
        FakePaymentApi api = new FakePaymentApi();
        ORDERS.forEach(api::behave);
        Map<String, Job> outcome = ExampleDatabase.await(run(vertx, spool, api), 60);

        System.out.printf("%-16s %-10s %-8s %s%n", "order", "state", "attempt", "last error");
        outcome.forEach((order, job) -> System.out.printf("%-16s %-10s %-8d %s%n", order, job.state().sqlName(),
            job.attempt(), job.lastError() == null ? "" : job.lastError().getString("class") + ": " + job.lastError().getString("message")));
        System.out.printf("%nDead-letter queue: %d job(s), kept with their errors; the payment API saw %d abandoned call(s).%n",
            outcome.values().stream().filter(j -> j.state() == JobState.DEAD).count(), api.abandonedCalls());
      } finally {
        ExampleDatabase.await(vertx.close(), 60);
      }
    }
  }

  /**
   * Starts the API and a worker, charges every order of {@link #ORDERS}, and completes with each order's
   * job once all of them have finished (completed or dead).
   */
  public static Future<Map<String, Job>> run(Vertx vertx, Spool spool, FakePaymentApi api) {
    HttpClient http = vertx.createHttpClient();
    HandlerOptions options = chargeOptions();
    return spool.migrate()
        .compose(v -> api.start(vertx))
        .compose(v -> spool.deployWorkers(new WorkerOptions(),
            new JobHandlers().register(CHARGE, new ChargeHandler(http, api.port()), options), 1))
        .compose(v -> {
          Map<String, Future<Long>> ids = new LinkedHashMap<>();
          ORDERS.keySet().forEach(order -> ids.put(order,
              spool.client().enqueue(CHARGE, new Charge(order, 4200), new EnqueueOptions().setMaxAttempts(MAX_ATTEMPTS))));
          return Future.all(new ArrayList<>(ids.values())).compose(all -> {
            Map<String, Future<Job>> finished = new LinkedHashMap<>();
            ids.forEach((order, id) -> finished.put(order, whenFinished(vertx, spool, id.result())));
            return Future.all(new ArrayList<>(finished.values())).map(all2 -> {
              Map<String, Job> jobs = new LinkedHashMap<>();
              finished.forEach((order, job) -> jobs.put(order, job.result()));
              return jobs;
            });
          });
        });
  }

  /** The charge handler's options: the call's timeout and the retry policy. */
  public static HandlerOptions chargeOptions() {
    return new HandlerOptions().setTimeout(CALL_TIMEOUT).setRetryPolicy(RETRY);
  }

  /** Polls the job until it is completed or dead. (A notification would do; polling keeps this short.) */
  static Future<Job> whenFinished(Vertx vertx, Spool spool, long id) {
    Promise<Job> finished = Promise.promise();
    vertx.setPeriodic(100, timer -> spool.client().find(id).onSuccess((Optional<Job> job) -> {
      if (job.isPresent() && (job.get().state() == JobState.COMPLETED || job.get().state() == JobState.DEAD)) {
        vertx.cancelTimer(timer);
        finished.tryComplete(job.get());
      }
    }));
    return finished.future();
  }

  private static Map<String, Behaviour> orders() {
    Map<String, Behaviour> orders = new LinkedHashMap<>();
    orders.put("order-ok", Behaviour.OK);
    orders.put("order-flaky", Behaviour.FLAKY);
    orders.put("order-hangs", Behaviour.HANGS);
    orders.put("order-declined", Behaviour.DECLINES);
    return Collections.unmodifiableMap(orders);
  }
}
