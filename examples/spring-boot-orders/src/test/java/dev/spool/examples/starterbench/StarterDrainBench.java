package dev.spool.examples.starterbench;

import dev.spool.EnqueueOptions;
import dev.spool.JobClient;
import dev.spool.JobContext;
import dev.spool.JobHandler;
import dev.spool.JobState;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.spring.SpoolHandler;
import dev.spool.spring.SpoolWorkerLifecycle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * Issue 23's drain figure: N no-op jobs (loadtest's {@code loadtest.noop}, batches of 5,000) drained by the
 * starter's wiring, a Spring context whose {@code @SpoolHandler} bean runs them on workers the starter deploys,
 * to compare with {@code java -jar loadtest/target/spool-loadtest.jar drain} on the same box. Like drain, the
 * clock starts as the workers start (here: the lifecycle phase just before the starter's) and stops when
 * every job has run and no unfinished row is left; a warm-up run of its own context goes first. Arguments:
 * {@code DB_URL JOBS WARMUP_JOBS INSTANCES CONCURRENCY [event-loop|blocking]} (the handler bean's
 * {@code runOn}: event-loop is drain's no-op, blocking the starter's default). Prints one JSON line. Its package
 * is outside {@code dev.spool.examples.orders}, so the orders application's component scan never finds it.
 *
 * <pre>
 * mvn -q -o -pl examples/spring-boot-orders -am test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.spool.examples.starterbench.StarterDrainBench \
 *   -Dexec.args="postgresql://postgres@127.0.0.1:5432/db 100000 50000 2 100 event-loop"
 * </pre>
 */
public final class StarterDrainBench {

  static final Task<JsonObject> NOOP = Task.json("loadtest.noop");
  static final String SCHEMA = "spool_starter_bench";
  static final int ENQUEUE_BATCH = 5_000;

  /** Jobs run by the handler beans, and when the workers started (nanoTime). */
  static final AtomicLong RAN = new AtomicLong();
  static volatile long workersStarted;

  public static void main(String[] args) throws Exception {
    String db = args[0];
    int jobs = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    String runOn = args.length > 5 ? args[5] : "event-loop";
    if (warmup > 0) {
      run(db, warmup, args[3], args[4], runOn);
    }
    JsonObject result = run(db, jobs, args[3], args[4], runOn);
    System.out.println(result.put("warmup_jobs", warmup).encode());
    System.exit(0);
  }

  private static JsonObject run(String db, int jobs, String instances, String concurrency, String runOn) {
    Vertx vertx = Vertx.vertx();
    Spool spool = Spool.builder(vertx).connectingTo(db).options(new SpoolOptions().setSchema(SCHEMA)).build();
    spool.pool().query("drop schema if exists " + SCHEMA + " cascade").execute().await();
    spool.migrate().await();
    List<JsonObject> batch = new ArrayList<>(ENQUEUE_BATCH);
    for (int i = 0; i < ENQUEUE_BATCH; i++) {
      batch.add(new JsonObject().put("n", i));
    }
    for (int done = 0; done < jobs; done += ENQUEUE_BATCH) {
      int n = Math.min(ENQUEUE_BATCH, jobs - done);
      spool.client().enqueueBatch(NOOP, n == ENQUEUE_BATCH ? batch : batch.subList(0, n), new EnqueueOptions()).await();
    }
    RAN.set(0);
    URI uri = URI.create(db);
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
    Map<String, Object> properties = new HashMap<>();
    properties.put("spring.config.name", "starter-drain-bench"); // not the orders app's application.properties
    properties.put("spring.datasource.url", "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath());
    properties.put("spring.datasource.username", user);
    properties.put("spool.schema", SCHEMA);
    properties.put("spool.worker.instances", instances);
    properties.put("spool.worker.concurrency", concurrency);
    properties.put("bench.run-on", runOn);
    long contextStart = System.nanoTime();
    SpringApplication app = new SpringApplication(BenchApp.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setDefaultProperties(properties);
    ConfigurableApplicationContext context = app.run();
    double contextSeconds = (workersStarted - contextStart) / 1e9;
    JobClient client = context.getBean(Spool.class).client();
    while (RAN.get() < jobs) {
      Thread.onSpinWait();
      sleepMs(1);
    }
    // as drain: done when no unfinished row is left, so acks still buffered in a worker do not count
    while (unfinished(client) > 0) {
      sleepMs(2);
    }
    double seconds = (System.nanoTime() - workersStarted) / 1e9;
    context.close();
    spool.pool().query("drop schema if exists " + SCHEMA + " cascade").execute().await();
    spool.close().await();
    vertx.close().await();
    return new JsonObject().put("command", "starter-drain").put("jobs", jobs).put("run_on", runOn)
        .put("instances", Integer.parseInt(instances)).put("concurrency", Integer.parseInt(concurrency))
        .put("drain_seconds", Math.round(seconds * 1000) / 1000.0).put("drain_jobs_per_s", Math.round(jobs / seconds))
        .put("context_until_workers_s", Math.round(contextSeconds * 1000) / 1000.0);
  }

  private static long unfinished(JobClient client) {
    Map<String, Map<JobState, Long>> counts = client.countByQueueAndState().await();
    return counts.values().stream().flatMap(m -> m.entrySet().stream())
        .filter(e -> e.getKey() != JobState.COMPLETED).mapToLong(Map.Entry::getValue).sum();
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The bench's application: the starter, a DataSource, and one no-op handler bean. */
  @SpringBootApplication
  public static class BenchApp {

    @Bean
    Object noopHandler(org.springframework.core.env.Environment env) {
      return env.getProperty("bench.run-on").equals("blocking") ? new BlockingNoop() : new EventLoopNoop();
    }

    /** Records when the starter's workers start: the phase just before theirs. */
    @Bean
    SmartLifecycle workersClock() {
      return new SmartLifecycle() {
        private volatile boolean running;

        @Override
        public void start() {
          workersStarted = System.nanoTime();
          running = true;
        }

        @Override
        public void stop() {
          running = false;
        }

        @Override
        public boolean isRunning() {
          return running;
        }

        @Override
        public int getPhase() {
          return SpoolWorkerLifecycle.PHASE - 1;
        }
      };
    }
  }

  @SpoolHandler(value = "loadtest.noop", runOn = SpoolHandler.RunOn.EVENT_LOOP)
  static final class EventLoopNoop implements JobHandler<JsonObject> {
    @Override
    public Future<?> handle(JsonObject args, JobContext context) {
      RAN.incrementAndGet();
      return Future.succeededFuture();
    }
  }

  @SpoolHandler("loadtest.noop")
  static final class BlockingNoop implements dev.spool.BlockingJobHandler<JsonObject> {
    @Override
    public void run(JsonObject args, JobContext context) {
      RAN.incrementAndGet();
    }
  }
}
