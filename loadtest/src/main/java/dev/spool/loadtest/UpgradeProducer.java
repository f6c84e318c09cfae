package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.JobRequest;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.Workflow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The producer process of {@code upgrade}, run on a release's own jar ({@code java -cp spool.jar:upgrade-task.jar}),
 * so jobs are enqueued and awaited by the client of the release being rolled: plain jobs at a steady rate, small
 * workflows (a chain of 3, a chord of 2 and its callback) and jobs it awaits. Arguments: database URI, schema,
 * plain jobs/s, job ms, workflows/s, awaits/s. Prints {@code READY}, then per enqueue
 * {@code ENQ <kind> <µs> <id>...} or {@code ENQFAIL <kind> <µs> <error>}, per await
 * {@code AWAITED ok|fail <ms> <detail>}; on {@code STOP} from stdin stops enqueueing, waits for what is in flight,
 * prints {@code DONE} and exits. Uses only API that both releases have, like {@link UpgradeTask}.
 */
public final class UpgradeProducer {

  static final long TICK_MS = 50;
  static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(60);

  private final Spool spool;
  private final Task<JsonObject> task = Task.json(UpgradeTask.NAME);
  private final JsonObject args;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong awaits = new AtomicLong();
  private final AtomicLong workflows = new AtomicLong();

  private UpgradeProducer(Spool spool, int jobMs) {
    this.spool = spool;
    this.args = new JsonObject().put("ms", jobMs);
  }

  public static void main(String[] argv) throws Exception {
    Vertx vertx = Vertx.vertx();
    Spool spool = Spool.builder(vertx).connectingTo(argv[0]).options(new SpoolOptions().setSchema(argv[1])).build();
    UpgradeProducer producer = new UpgradeProducer(spool, Integer.parseInt(argv[3]));
    List<Long> timers = producer.start(Integer.parseInt(argv[2]), Integer.parseInt(argv[4]), Integer.parseInt(argv[5]));
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    String line;
    while ((line = in.readLine()) != null && !line.equals("STOP")) {
      // only STOP (or the end of stdin: the load tester went away) ends the run
    }
    timers.forEach(vertx::cancelTimer);
    long deadline = System.nanoTime() + AWAIT_TIMEOUT.toNanos() * 2;
    while (producer.inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    System.out.println("DONE");
    System.out.flush();
    vertx.close().toCompletionStage().toCompletableFuture().get();
    System.exit(0);
  }

  private List<Long> start(int rate, int workflowsPerSecond, int awaitsPerSecond) {
    List<Long> timers = new ArrayList<>();
    long start = System.nanoTime();
    long[] sent = {0};
    timers.add(spool.vertx().setPeriodic(TICK_MS, t -> {
      int due = (int) ((System.nanoTime() - start) * rate / 1_000_000_000L - sent[0]);
      if (due > 0) {
        sent[0] += due;
        enqueuePlain(due);
      }
    }));
    if (workflowsPerSecond > 0) {
      timers.add(spool.vertx().setPeriodic(Math.max(1, 1000 / workflowsPerSecond), t -> enqueueWorkflows()));
    }
    if (awaitsPerSecond > 0) {
      timers.add(spool.vertx().setPeriodic(Math.max(1, 1000 / awaitsPerSecond), t -> enqueueAndAwait()));
    }
    return timers;
  }

  private void enqueuePlain(int n) {
    List<JsonObject> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(args);
    }
    timed("plain", spool.client().enqueueBatch(task, batch, new EnqueueOptions()));
  }

  private void enqueueWorkflows() {
    long n = workflows.incrementAndGet();
    timed("chain", spool.client().enqueueWorkflow(Workflow.chain("chain-" + n, requests(3)))
        .map(run -> List.copyOf(run.steps().values())));
    timed("chord", spool.client().enqueueWorkflow(Workflow.chord("chord-" + n, requests(2),
        new JobRequest<>(task, args, new EnqueueOptions()))).map(run -> List.copyOf(run.steps().values())));
  }

  private List<JobRequest<?>> requests(int n) {
    List<JobRequest<?>> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(new JobRequest<>(task, args, new EnqueueOptions()));
    }
    return jobs;
  }

  /** One job awaited: the await must end with the job's result, its arguments. */
  private void enqueueAndAwait() {
    JsonObject awaited = args.copy().put("await", awaits.incrementAndGet());
    inFlight.incrementAndGet();
    long start = System.nanoTime();
    timed("await", spool.client().enqueue(task, awaited).map(List::of))
        .compose(ids -> spool.client().await(ids.get(0), AWAIT_TIMEOUT))
        .onComplete(ar -> {
          long ms = (System.nanoTime() - start) / 1_000_000;
          boolean ok = ar.succeeded() && ar.result().isCompleted() && awaited.equals(ar.result().json());
          print("AWAITED " + (ok ? "ok " : "fail ") + ms + " "
              + (ok ? "" : ar.succeeded() ? ar.result().state() + " " + ar.result().json() : String.valueOf(ar.cause())));
          inFlight.decrementAndGet();
        });
  }

  private Future<List<Long>> timed(String kind, Future<List<Long>> enqueue) {
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    return enqueue.onComplete(ar -> {
      long us = (System.nanoTime() - start) / 1_000;
      if (ar.succeeded()) {
        StringBuilder line = new StringBuilder("ENQ ").append(kind).append(' ').append(us);
        ar.result().forEach(id -> line.append(' ').append(id));
        print(line.toString());
      } else {
        print("ENQFAIL " + kind + " " + us + " " + ar.cause());
      }
      inFlight.decrementAndGet();
    });
  }

  private static void print(String line) {
    System.out.println(line.replace('\n', ' '));
  }
}
