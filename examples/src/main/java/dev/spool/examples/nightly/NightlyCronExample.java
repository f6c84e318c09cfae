package dev.spool.examples.nightly;

import dev.spool.JobContext;
import dev.spool.JobHandlers;
import dev.spool.PeriodicJob;
import dev.spool.PeriodicJob.CatchUp;
import dev.spool.Spool;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.examples.ExampleDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A nightly cron job, and what becomes of the nights it misses while the application is down. Two
 * periodic jobs fire at 02:00 Paris time ({@code "0 2 * * *"}, zone {@code Europe/Paris}), each with
 * the catch-up policy its work calls for, within a 7-day window:
 *
 * <ul>
 *   <li>{@code daily-sales-report}, {@link CatchUp#ALL}: each night reports on the day before, so every
 *       missed night still needs its own report. The handler takes the day from {@code ctx.runAt()}, the
 *       slot, not from the clock: a run caught up days later reports on its own night's day.
 *   <li>{@code rebuild-search-index}, {@link CatchUp#LATEST}: one rebuild brings the index up to date,
 *       however many nights were missed, so only the latest missed night runs.
 * </ul>
 *
 * The run starts the same application twice, each deployment with a Vert.x of its own as a process
 * would have. Deployment 1 starts at 01:59:57 on night 1, runs that night's jobs and stops. The
 * application stays down for {@code --nights-down} nights (3 by default); deployment 2 starts at 08:00
 * after the last of them, and its leader enqueues the missed slots as the policies say:
 *
 * <pre>
 * night of          daily-sales-report (ALL)   rebuild-search-index (LATEST)
 * Mon 2 Jun 02:00   deployment 1               deployment 1
 * Tue 3 Jun 02:00   deployment 2 (caught up)   not run
 * Wed 4 Jun 02:00   deployment 2 (caught up)   not run
 * Thu 5 Jun 02:00   deployment 2 (caught up)   deployment 2 (caught up)
 * </pre>
 *
 * Each slot runs once: its job's unique key is {@code periodic:<name>:<slot>}, and the leader records
 * the last slot handled in {@code periodic_jobs}, so a further restart enqueues none of them again.
 * Nights older than the window are not caught up ({@code --nights-down 10} shows three of them left out).
 *
 * <p><b>The clock is simulated</b>, so that the run takes seconds rather than days: Spool's scheduler
 * reads the time from {@code Spool.builder(vertx).clock(...)}, here a {@link SimulatedClock} set to night
 * 1 (2 June 2025; in the past, so each slot is due by the database's real clock too) and made to jump
 * over the downtime. The election, the claims and the database are real. In an application, leave out
 * {@code .clock(...)}: on the system clock, a process down over real nights catches up the same way. To
 * watch that without waiting for nights, schedule {@code "* * * * *"} (every minute), stop the process
 * for a few minutes and start it again.
 *
 * <p>Options: {@code --db postgresql://...} and {@code --nights-down 3}. Since its clock goes back to
 * 2025, each run starts from an empty {@code examples_nightly} schema (dropped first).
 */
public final class NightlyCronExample {

  public static final String SCHEMA = "examples_nightly";
  public static final Task<JsonObject> SALES_REPORT = Task.json("daily-sales-report");
  public static final Task<JsonObject> SEARCH_INDEX = Task.json("rebuild-search-index");
  public static final String EVERY_NIGHT = "0 2 * * *";
  public static final ZoneId ZONE = ZoneId.of("Europe/Paris");
  public static final Duration CATCH_UP_WINDOW = Duration.ofDays(7);
  /** The date of night 1 (a summer week, with no change of daylight saving time among its nights). */
  public static final LocalDate FIRST_NIGHT = LocalDate.of(2025, 6, 2);

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE d MMM HH:mm:ss", Locale.ENGLISH);
  private static final DateTimeFormatter SLOT = DateTimeFormatter.ofPattern("EEE d MMM HH:mm z", Locale.ENGLISH);

  /** One run of a nightly job: its task, the slot it ran for ({@code ctx.runAt()}), the deployment that ran it. */
  public record Run(String task, Instant slot, int deployment) {}

  private final String uri;
  private final String schema;
  private final SimulatedClock clock = new SimulatedClock(ZONE);
  private final List<Run> runs = new CopyOnWriteArrayList<>();

  public NightlyCronExample(String uri, String schema) {
    this.uri = uri;
    this.schema = schema;
  }

  public static void main(String[] args) throws Exception {
    int nightsDown = Integer.parseInt(ExampleDatabase.option(args, "--nights-down", "3"));
    if (nightsDown < 1 || nightsDown > 60) {
      throw new IllegalArgumentException("--nights-down must be between 1 and 60, got " + nightsDown);
    }
    try (ExampleDatabase db = ExampleDatabase.fromArgs(args)) {
      dropSchema(db.uri());
      System.out.printf("The clock is simulated: night 1 is %s, and the clock jumps over the %d night(s) the "
          + "application is down. Times are %s.%n%n", DAY.format(FIRST_NIGHT), nightsDown, ZONE);
      NightlyCronExample example = new NightlyCronExample(db.uri(), SCHEMA);
      example.run(nightsDown);
      System.out.println();
      example.nights(nightsDown).forEach(System.out::println);
    }
  }

  /** The periodic jobs, declared alike in every deployment (every node of an application). */
  public static List<PeriodicJob<JsonObject>> periodicJobs() {
    return List.of(
        PeriodicJob.cron(SALES_REPORT.name(), EVERY_NIGHT, SALES_REPORT, new JsonObject()).zone(ZONE)
            .catchUp(CatchUp.ALL).catchUpWindow(CATCH_UP_WINDOW),
        PeriodicJob.cron(SEARCH_INDEX.name(), EVERY_NIGHT, SEARCH_INDEX, new JsonObject()).zone(ZONE)
            .catchUp(CatchUp.LATEST).catchUpWindow(CATCH_UP_WINDOW));
  }

  /** 02:00 of night {@code n} (night 1 is {@link #FIRST_NIGHT}), the slot both jobs fire at. */
  public static Instant night(int n) {
    return FIRST_NIGHT.plusDays(n - 1).atTime(2, 0).atZone(ZONE).toInstant();
  }

  /** When deployment 2 starts: 08:00 the morning after the last night missed. */
  public static Instant restart(int nightsDown) {
    return FIRST_NIGHT.plusDays(nightsDown).atTime(8, 0).atZone(ZONE).toInstant();
  }

  /** Night 1 with deployment 1, then {@code nightsDown} nights with nothing running, then deployment 2. */
  public void run(int nightsDown) throws Exception {
    Vertx first = start(1, FIRST_NIGHT.atTime(1, 59, 57).atZone(ZONE).toInstant());
    try {
      awaitRuns(1, 2); // night 1, both jobs on time
    } finally {
      stop(first);
    }
    log("deployment 1 has stopped; the application stays down for %d night(s)", nightsDown);

    Vertx second = start(2, restart(nightsDown));
    try {
      // ALL: each missed night within the window; LATEST: the last one
      awaitRuns(2, (int) Math.min(nightsDown, CATCH_UP_WINDOW.toDays()) + 1);
      Thread.sleep(1000); // room for a run that should not come
    } finally {
      stop(second);
    }
  }

  /**
   * Starts a deployment at {@code simulatedNow}: its own Vert.x and Spool with the periodic jobs, and one
   * worker verticle (the only one, so it is elected leader and schedules at once).
   */
  public Vertx start(int deployment, Instant simulatedNow) throws Exception {
    Vertx vertx = Vertx.vertx();
    Spool.Builder builder = Spool.builder(vertx).connectingTo(uri).schema(schema).clock(clock);
    periodicJobs().forEach(builder::periodic);
    Spool spool = builder.build();
    ExampleDatabase.await(spool.migrate(), 60);
    clock.set(simulatedNow);
    log("deployment %d starts", deployment);
    JobHandlers handlers = new JobHandlers()
        .register(SALES_REPORT, (args, ctx) -> ran(deployment, ctx,
            "reported the sales of " + DAY.format(ctx.runAt().atZone(ZONE).toLocalDate().minusDays(1))))
        .register(SEARCH_INDEX, (args, ctx) -> ran(deployment, ctx, "rebuilt the search index"));
    ExampleDatabase.await(spool.deployWorkers(new WorkerOptions(), handlers, 1), 60);
    return vertx;
  }

  /** Stops a deployment: its worker finishes what it runs and hands over the leadership. */
  public void stop(Vertx deployment) throws Exception {
    ExampleDatabase.await(deployment.close(), 60);
  }

  /** The runs so far, in the order they happened. */
  public List<Run> runs() {
    return List.copyOf(runs);
  }

  private Future<Void> ran(int deployment, JobContext ctx, String what) {
    runs.add(new Run(ctx.task(), ctx.runAt(), deployment));
    log("deployment %d: %-20s for the slot of %s: %s", deployment, ctx.task(), slot(ctx.runAt()), what);
    return Future.succeededFuture();
  }

  private void awaitRuns(int deployment, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (runs.stream().filter(r -> r.deployment() == deployment).count() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("deployment " + deployment + " did not run " + count + " job(s) within 30 s");
      }
      Thread.sleep(50);
    }
  }

  /** A line per night from night 1 to the last missed one: which deployment ran each job's slot. */
  public List<String> nights(int nightsDown) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("%-18s %-28s %s", "night of", SALES_REPORT.name() + " (ALL)", SEARCH_INDEX.name() + " (LATEST)"));
    for (int n = 1; n <= nightsDown + 1; n++) {
      Instant slot = night(n);
      lines.add(String.format("%-18s %-28s %s", DAY.format(slot.atZone(ZONE)) + " 02:00",
          ranBy(SALES_REPORT, slot), ranBy(SEARCH_INDEX, slot)));
    }
    long twice = runs.stream().map(r -> r.task() + r.slot()).distinct().count() - runs.size();
    lines.add(twice == 0 ? "No slot ran twice." : "SLOTS THAT RAN MORE THAN ONCE: " + -twice);
    return lines;
  }

  private String ranBy(Task<?> task, Instant slot) {
    List<Integer> by = runs.stream().filter(r -> r.task().equals(task.name()) && r.slot().equals(slot))
        .map(Run::deployment).toList();
    if (by.isEmpty()) {
      return "not run";
    }
    return by.size() > 1 ? "RAN " + by.size() + " TIMES" : "deployment " + by.get(0) + (by.get(0) > 1 ? " (caught up)" : "");
  }

  private void log(String format, Object... args) {
    System.out.printf("[%s] %s%n", TIME.format(clock.instant().atZone(ZONE)), String.format(format, args));
  }

  private static String slot(Instant slot) {
    return SLOT.format(slot.atZone(ZONE)) + " (" + slot.atOffset(ZoneOffset.UTC).toLocalTime() + " UTC)";
  }

  /** The clock goes back to 2025 on every run, so the example starts from an empty schema of its own. */
  static void dropSchema(String uri) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Spool spool = Spool.builder(vertx).connectingTo(uri).schema(SCHEMA).build();
      ExampleDatabase.await(spool.pool().query("drop schema if exists " + SCHEMA + " cascade").execute(), 60);
    } finally {
      ExampleDatabase.await(vertx.close(), 60);
    }
  }
}
