package dev.spool.metrics;

import dev.spool.JobContext;
import dev.spool.JobAdmin;
import dev.spool.QueueDepth;
import dev.spool.Spool;
import dev.spool.VacuumHorizon;
import dev.spool.spi.SpoolListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Spool's metrics in a Micrometer registry (Prometheus names shown):
 *
 * <ul>
 *   <li>{@code spool_jobs_total{queue,task,outcome}}: finished runs, outcome {@code completed}, {@code retried}
 *       or {@code dead};
 *   <li>{@code spool_job_duration_seconds{queue,task,outcome}}: histogram of run times;
 *   <li>{@code spool_job_retries_total{queue,task}}: failed runs that will be retried;
 *   <li>{@code spool_pickup_lag_seconds{queue}}: histogram of the time from a job becoming due to its start;
 *   <li>{@code spool_claim_batch_size{queue}}: histogram of jobs per claim (empty claims included);
 *   <li>{@code spool_jobs_active{queue}}: handlers running now on this node;
 *   <li>{@code spool_late_acks_total}: outcomes discarded because their run had been taken away;
 *   <li>{@code spool_jobs_rescued_total{queue,state}}: jobs the rescuer took back, by where they went;
 *   <li>{@code spool_job_soft_timeouts_total{queue,task}}: runs that passed their soft time limit;
 *   <li>{@code spool_stuck_handlers}: runs on this node whose handler has not returned by its hard limit plus
 *       the grace period (the list, with job ids, is in {@code /api/stats});
 *   <li>{@code spool_queue_depth{queue,state}}, {@code spool_jobs_dead{queue}} and
 *       {@code spool_queue_oldest_available_seconds{queue}}: gauges of the whole database, refreshed by a
 *       query every few seconds once {@link #watchQueues} is called (never on the workers' hot path);
 *   <li>{@code spool_leader_present} (1 while a worker holds the maintenance lease, else 0) and
 *       {@code spool_queue_unserved_jobs{queue}} (due jobs no live worker can claim, of the queue's first
 *       {@link JobAdmin#UNSERVED_SAMPLE}): refreshed with the queue gauges, for the "no leader" and "no worker
 *       for a queue with due jobs" alerts of {@code ops/prometheus/spool-alerts.yml};
 *   <li>{@code spool_vacuum_horizon_age_seconds{kind,pid,application_name}}: how long the oldest session or
 *       prepared transaction of the database has held back vacuum ({@link JobAdmin#vacuumHorizon}), labelled
 *       with who holds it once it is {@link #horizonNamedAfter} old (before that the labels are empty, so
 *       the ordinary short statements of the moment do not each make a series);
 *       {@code spool_vacuum_horizon_xid_age{kind}}: how many transactions old the oldest horizon of each kind
 *       is (replication slots have no time, only this); {@code spool_jobs_table_dead_tuples}: dead row versions
 *       of the jobs table. Refreshed with the queue gauges, for the "horizon held" alert.
 * </ul>
 *
 * <p>Pass it to {@link Spool.Builder#listener}. Per event it costs a map lookup or two and the meters'
 * own updates: meters are created once per queue and task and then reused.
 */
public final class MicrometerMetrics implements SpoolListener {

  /** The age from which the horizon gauge names its holder in labels, by default. */
  public static final Duration DEFAULT_HORIZON_NAMED_AFTER = Duration.ofMinutes(1);

  /** How often {@link #watchQueues} refreshes the queue gauges by default. */
  public static final Duration DEFAULT_QUEUE_REFRESH = Duration.ofSeconds(10);

  private static final SpoolListener.Outcome[] OUTCOMES = SpoolListener.Outcome.values();
  private static final double[] DURATION_BUCKETS_S =
      {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
  private static final double[] LAG_BUCKETS_S =
      {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600};
  /** Empty claims (an idle queue polled) land in the first bucket with the claims of one job. */
  private static final double[] BATCH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

  private final MeterRegistry registry;
  private final Map<String, QueueMeters> queues = new ConcurrentHashMap<>();
  private final Counter lateAcks;
  private final AtomicLong stuck = new AtomicLong();
  private final Map<String, Counter> rescued = new ConcurrentHashMap<>();
  /** Gauges of the queue refresh, by queue then reported state. */
  private final Map<String, Map<String, AtomicLong>> depth = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> dead = new ConcurrentHashMap<>();
  private final Map<String, DoubleValue> oldest = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> unserved = new ConcurrentHashMap<>();
  /** The horizon age gauge under its current labels; replaced when the named holder changes. */
  private final DoubleValue horizonAge = new DoubleValue();
  private volatile Duration horizonNamedAfter = DEFAULT_HORIZON_NAMED_AFTER;
  private Gauge horizonGauge;
  private List<String> horizonLabels;
  private final Map<String, AtomicLong> horizonXids = new ConcurrentHashMap<>();
  private final AtomicLong jobsDead = new AtomicLong(-1);
  /** -1 until the first refresh: then the gauge is absent rather than claiming a leader or none. */
  private final AtomicLong leaderPresent = new AtomicLong(-1);

  /**
   * Meters registered in {@code registry}; give this object to {@link dev.spool.Spool.Builder#listener}.
   *
   * @param registry where the meters go
   */
  public MicrometerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.lateAcks = Counter.builder("spool.late.acks")
        .description("Outcomes discarded because their run had been taken away (rescued or cancelled)")
        .register(registry);
    Gauge.builder("spool.stuck.handlers", stuck, AtomicLong::get)
        .description("Runs on this node whose handler has not returned by its hard limit plus the grace period")
        .register(registry);
  }

  /**
   * A Prometheus registry with default settings, for {@code new MicrometerMetrics(...)} and {@code /metrics}.
   *
   * @return a new registry
   */
  public static PrometheusMeterRegistry prometheusRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Vert.x's own Micrometer metrics as Spool's CLI enables them: JVM, HTTP server, event bus and verticles,
   * without the SQL client, pool and TCP client metrics (they time every statement and count every socket
   * read, and Spool's several clients share Vert.x's default pool name and untagged gauges, so their series
   * collide; Spool's own metrics say more about the database work, for less).
   *
   * @return the options
   */
  public static MicrometerMetricsOptions vertxMetricsOptions() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory("sql")
        .addDisabledMetricsCategory(MetricsDomain.NAMED_POOLS)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT);
  }

  /**
   * A Vert.x reporting {@link #vertxMetricsOptions()} to {@code registry}: give the same registry to Spool's metrics.
   *
   * @param registry where Vert.x's meters go
   * @return a new Vert.x instance
   */
  public static Vertx vertxWithMetrics(MeterRegistry registry) {
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(vertxMetricsOptions()))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
  }

  /**
   * From what age {@code spool_vacuum_horizon_age_seconds} names its holder in labels (a minute by default):
   * younger holders are the ordinary statements of the moment, and naming each would make a series per pid.
   *
   * @param age the age from which the holder is named, zero or positive
   * @return this
   * @throws IllegalArgumentException for null or a negative age
   */
  public MicrometerMetrics horizonNamedAfter(Duration age) {
    if (age == null || age.isNegative()) {
      throw new IllegalArgumentException("horizonNamedAfter must be zero or positive, got " + age);
    }
    this.horizonNamedAfter = age;
    return this;
  }

  /** {@return the registry the meters are in} */
  public MeterRegistry registry() {
    return registry;
  }

  // ---- events from the workers (hot path) ----

  @Override
  public void claimed(String queue, int count) {
    queue(queue).batchSize.record(count);
  }

  @Override
  public void started(JobContext job, long pickupLagMillis) {
    QueueMeters q = queue(job.queue());
    q.pickupLag.record(pickupLagMillis, TimeUnit.MILLISECONDS);
    q.active.increment();
  }

  @Override
  public void finished(JobContext job, Outcome outcome, long durationNanos, Throwable failure) {
    QueueMeters q = queue(job.queue());
    q.active.decrement();
    TaskMeters t = q.tasks.get(job.task());
    if (t == null) {
      t = q.tasks.computeIfAbsent(job.task(), task -> new TaskMeters(registry, job.queue(), task));
    }
    int i = outcome.ordinal();
    t.jobs[i].increment();
    t.duration[i].record(durationNanos, TimeUnit.NANOSECONDS);
    if (outcome == Outcome.RETRIED) {
      t.retries.increment();
    }
  }

  @Override
  public void lateAcks(long count) {
    lateAcks.increment(count);
  }

  @Override
  public void rescued(String queue, String state, int count) {
    rescued.computeIfAbsent(queue + '\u0000' + state, key -> Counter.builder("spool.jobs.rescued")
        .description("Jobs the rescuer took back from dead workers or expired leases, by the state they went to")
        .tag("queue", queue).tag("state", state).register(registry)).increment(count);
  }

  @Override
  public void softTimeout(JobContext job) {
    task(queue(job.queue()), job).softTimeouts.increment();
  }

  @Override
  public void stuck(JobContext job) {
    stuck.incrementAndGet();
  }

  @Override
  public void stuckEnded(JobContext job) {
    stuck.decrementAndGet();
  }

  private TaskMeters task(QueueMeters q, JobContext job) {
    TaskMeters t = q.tasks.get(job.task());
    return t != null ? t : q.tasks.computeIfAbsent(job.task(), task -> new TaskMeters(registry, job.queue(), task));
  }

  private QueueMeters queue(String queue) {
    QueueMeters q = queues.get(queue);
    return q != null ? q : queues.computeIfAbsent(queue, name -> new QueueMeters(registry, name));
  }

  // ---- gauges of the database ----

  /**
   * Refreshes the queue gauges every {@code interval} through {@code admin} ({@link JobAdmin#depths()}:
   * one query counting jobs per queue and state) until the returned handle is closed. A failed refresh
   * keeps the last values; refreshes never overlap.
   *
   * @param vertx the Vert.x instance whose timer refreshes
   * @param admin the admin the queries go through
   * @param interval the interval between refreshes
   * @return the handle that stops the refreshes
   */
  public AutoCloseable watchQueues(Vertx vertx, JobAdmin admin, Duration interval) {
    AtomicBoolean busy = new AtomicBoolean();
    long timer = vertx.setPeriodic(1, Math.max(1, interval.toMillis()), t -> {
      if (busy.compareAndSet(false, true)) {
        refreshQueues(admin).onComplete(ar -> busy.set(false));
      }
    });
    return () -> vertx.cancelTimer(timer);
  }

  /**
   * Refreshes the queue gauges once; gauges of queues and states that have no jobs now read 0. The leader and
   * unserved gauges are refreshed by their own queries beside it: one failing leaves the others' values fresh.
   *
   * @param admin the admin the queries go through
   * @return a future that completes once the queue gauges are refreshed
   */
  public Future<Void> refreshQueues(JobAdmin admin) {
    Future<Void> leader = admin.leader().map(holder -> {
      if (leaderPresent.getAndSet(holder.isPresent() ? 1 : 0) < 0) {
        Gauge.builder("spool.leader.present", leaderPresent, AtomicLong::get)
            .description("1 while a worker holds the maintenance lease (rescue, scheduling, pruning), else 0")
            .register(registry);
      }
      return null;
    });
    Future<Void> waiting = admin.unserved(JobAdmin.LIVE_WITHIN).map(list -> {
      Map<String, Long> jobs = new HashMap<>();
      list.forEach(u -> jobs.merge(u.queue(), u.jobs(), Long::sum));
      jobs.keySet().forEach(queue -> unserved.computeIfAbsent(queue,
          q -> gauge("spool.queue.unserved.jobs", "Due jobs no live worker can claim (sampled)", q, null)));
      unserved.forEach((queue, gauge) -> gauge.set(jobs.getOrDefault(queue, 0L)));
      return null;
    });
    return Future.join(depths(admin), leader, waiting, horizon(admin)).mapEmpty();
  }

  private Future<Void> horizon(JobAdmin admin) {
    return admin.vacuumHorizon().map(horizon -> {
      VacuumHorizon.Holder oldest = horizon.oldestTimed().orElse(null);
      double age = oldest == null ? 0 : oldest.age().toMillis() / 1000.0;
      List<String> labels = oldest == null || oldest.age().compareTo(horizonNamedAfter) < 0 ? List.of("", "", "")
          : List.of(oldest.kind().sqlName(), oldest.pid() == null ? "" : oldest.pid().toString(),
              oldest.name() == null ? "" : oldest.name());
      horizonAge.value = age;
      synchronized (horizonAge) {
        if (!labels.equals(horizonLabels)) {
          if (horizonGauge != null) {
            registry.remove(horizonGauge);
          }
          horizonGauge = Gauge.builder("spool.vacuum.horizon.age", horizonAge, v -> v.value).baseUnit("seconds")
              .description("How long the oldest session or prepared transaction has held back vacuum (its holder "
                  + "named once it is a minute old)")
              .tag("kind", labels.get(0)).tag("pid", labels.get(1)).tag("application_name", labels.get(2))
              .register(registry);
          horizonLabels = labels;
        }
      }
      Map<String, Long> xids = new HashMap<>();
      horizon.holders().forEach(h -> xids.put(h.kind().sqlName(), h.xidAge()));
      for (VacuumHorizon.Kind kind : VacuumHorizon.Kind.values()) {
        horizonXids.computeIfAbsent(kind.sqlName(), k -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder("spool.vacuum.horizon.xid.age", value, AtomicLong::get)
              .description("How many transactions old the oldest horizon of each kind of holder is")
              .tag("kind", k).register(registry);
          return value;
        }).set(xids.getOrDefault(kind.sqlName(), 0L));
      }
      if (jobsDead.getAndSet(horizon.jobsDead()) < 0) {
        Gauge.builder("spool.jobs.table.dead.tuples", jobsDead, AtomicLong::get)
            .description("Dead row versions of the jobs table (PostgreSQL's statistics): what claims walk past")
            .register(registry);
      }
      return null;
    });
  }

  private Future<Void> depths(JobAdmin admin) {
    return admin.depths().map(depths -> {
      Map<String, Map<String, Long>> counts = new HashMap<>();
      Map<String, Double> ages = new HashMap<>();
      for (QueueDepth d : depths) {
        String queue = d.queue();
        String state = d.state().sqlName();
        counts.computeIfAbsent(queue, q -> new HashMap<>()).put(state, d.jobs());
        if (state.equals("available")) {
          ages.put(queue, d.oldest().toMillis() / 1000.0);
        }
      }
      counts.forEach((queue, states) -> states.forEach((state, n) -> {
        depthGauge(queue, state);
        if (state.equals("dead")) {
          dead.computeIfAbsent(queue, q -> gauge("spool.jobs.dead", "Dead jobs stored", queue, null));
        }
      }));
      ages.keySet().forEach(this::oldestGauge);
      depth.forEach((queue, states) -> states.forEach((state, gauge) ->
          gauge.set(counts.getOrDefault(queue, Map.of()).getOrDefault(state, 0L))));
      dead.forEach((queue, gauge) -> gauge.set(counts.getOrDefault(queue, Map.of()).getOrDefault("dead", 0L)));
      oldest.forEach((queue, gauge) -> gauge.value = ages.getOrDefault(queue, 0.0));
      return null;
    });
  }

  private AtomicLong depthGauge(String queue, String state) {
    return depth.computeIfAbsent(queue, q -> new ConcurrentHashMap<>())
        .computeIfAbsent(state, s -> gauge("spool.queue.depth", "Jobs stored per queue and state", queue, state));
  }

  private DoubleValue oldestGauge(String queue) {
    return oldest.computeIfAbsent(queue, q -> {
      DoubleValue value = new DoubleValue();
      Gauge.builder("spool.queue.oldest.available", value, v -> v.value).baseUnit("seconds")
          .description("How long the oldest due job of the queue has waited").tag("queue", queue).register(registry);
      return value;
    });
  }

  private AtomicLong gauge(String name, String description, String queue, String state) {
    AtomicLong value = new AtomicLong();
    Gauge.Builder<AtomicLong> builder = Gauge.builder(name, value, AtomicLong::get).description(description)
        .tag("queue", queue);
    if (state != null) {
      builder.tag("state", state);
    }
    builder.register(registry);
    return value;
  }

  /** A gauge's value, written by the refresh and read by scrapes. */
  private static final class DoubleValue {
    volatile double value;
  }

  /** The meters of one queue. */
  private static final class QueueMeters {
    final Timer pickupLag;
    final DistributionSummary batchSize;
    final LongAdder active = new LongAdder();
    final Map<String, TaskMeters> tasks = new ConcurrentHashMap<>();

    QueueMeters(MeterRegistry registry, String queue) {
      pickupLag = Timer.builder("spool.pickup.lag").description("Time from a job becoming due to its handler starting")
          .tag("queue", queue).serviceLevelObjectives(durations(LAG_BUCKETS_S)).register(registry);
      batchSize = DistributionSummary.builder("spool.claim.batch.size").description("Jobs taken per claim")
          .tag("queue", queue).serviceLevelObjectives(BATCH_BUCKETS).register(registry);
      Gauge.builder("spool.jobs.active", active, LongAdder::sum).description("Handlers running now on this node")
          .tag("queue", queue).register(registry);
    }
  }

  /** The meters of one task in one queue, indexed by outcome ordinal. */
  private static final class TaskMeters {
    final Counter[] jobs = new Counter[OUTCOMES.length];
    final Timer[] duration = new Timer[OUTCOMES.length];
    final Counter retries;
    final Counter softTimeouts;

    TaskMeters(MeterRegistry registry, String queue, String task) {
      for (Outcome outcome : OUTCOMES) {
        String name = outcome.name().toLowerCase(Locale.ROOT);
        jobs[outcome.ordinal()] = Counter.builder("spool.jobs").description("Finished runs by outcome")
            .tag("queue", queue).tag("task", task).tag("outcome", name).register(registry);
        duration[outcome.ordinal()] = Timer.builder("spool.job.duration").description("Run time of handlers")
            .tag("queue", queue).tag("task", task).tag("outcome", name)
            .serviceLevelObjectives(durations(DURATION_BUCKETS_S)).register(registry);
      }
      retries = Counter.builder("spool.job.retries").description("Failed runs that will be retried")
          .tag("queue", queue).tag("task", task).register(registry);
      softTimeouts = Counter.builder("spool.job.soft.timeouts").description("Runs that passed their soft time limit")
          .tag("queue", queue).tag("task", task).register(registry);
    }
  }

  private static Duration[] durations(double[] seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
    }
    return out;
  }
}
