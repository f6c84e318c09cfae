package dev.spool.impl.claim;

import dev.spool.impl.stats.Stats;
import dev.spool.WorkerOptions;
import dev.spool.impl.Service;
import dev.spool.impl.complete.Completer;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.maintenance.Liveness;
import dev.spool.impl.sql.Lineage;
import dev.spool.impl.execute.Executor;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The claim loop of one queue: keeps a prefetch buffer filled with claimed jobs and starts them as
 * handler slots free up, up to the concurrency limit.
 *
 * <p>It claims when woken (a NOTIFY for its queue, the poll timer, a retry falling due) and, while the
 * queue keeps returning full batches, again as soon as there is room; a short batch means the queue is
 * drained and the loop sleeps until the next wake-up. Wake-ups that arrive while a claim is in flight
 * are folded into one follow-up claim.
 *
 * <p>All methods run on the owning verticle's event loop.
 */
public final class Producer implements Service, PolledQueue {

  private static final System.Logger LOG = System.getLogger(Producer.class.getName());
  private static final long MAX_CLAIM_BACKOFF_MS = 5_000;
  private static final long DUE_GRAIN_MS = 10;
  static final int MAX_CLAIMS_IN_FLIGHT = 2;
  /** The claim's order: lower priority first, then the earliest due, then the oldest. */
  public static final Comparator<ClaimedJob> CLAIM_ORDER = Comparator.comparingInt(ClaimedJob::priority)
      .thenComparing(ClaimedJob::runAt).thenComparingLong(ClaimedJob::id);
  private static final long DUE_MARGIN_MS = 20;

  private final Vertx vertx;
  /** What each claim sends, and the floors it reads from. */
  private final Claims claims;
  private final String queue;
  private final String owner;
  private final WorkerOptions options;
  private final Executor executor;
  private final Completer completer;
  private final Stats.Recorder stats;

  /**
   * Prefetched jobs in claim order across claims, not only within one: a rescued job keeps its old place at
   * the head of the line (its run_at), so when a later claim brings it, it starts before the jobs this worker
   * prefetched earlier rather than after them — a killed worker's jobs then wait for a claim, not for every
   * survivor to work through a full buffer first.
   */
  private final ClaimOrderBuffer buffer = new ClaimOrderBuffer(CLAIM_ORDER);
  private final Map<Long, ClaimedJob> running = new HashMap<>();
  private Lineage lineage = Lineage.NONE;
  /**
   * Claims on their way. While a queue keeps returning full batches a second claim is pipelined behind
   * the first, so the database starts on it while this loop is still busy with the previous answer
   * (one claim at a time left the backend idle for every round trip).
   */
  private int claimsInFlight;
  private int claimedAhead;
  private boolean wokenWhileClaiming;
  /** Room was made for rescued jobs: the next claim goes out whatever its size (see {@link #rescued}). */
  private boolean makingRoom;
  private boolean queueHasMore;
  private boolean dispatching;
  private boolean stopped;
  private long pollTimer = -1;
  private long dueTimer = -1;
  private long dueAt = Long.MAX_VALUE;
  private final TreeSet<Long> dueTimes = new TreeSet<>();
  private int failedClaims;
  private int heldAtStop;
  private Promise<Void> idle;
  private boolean ownPoll = true;
  private Liveness liveness = Liveness.always();

  public Producer(Vertx vertx, SqlClient client, Queries queries, String queue, Set<String> tasks, String owner,
      WorkerOptions options, Executor executor, Completer completer, Stats.Recorder stats) {
    this.vertx = vertx;
    this.claims = new Claims(vertx, client, queries, queue, tasks.toArray(String[]::new), owner, stats);
    this.queue = queue;
    this.owner = owner;
    this.options = options;
    this.executor = executor;
    this.completer = completer;
    this.stats = stats;
    claims.onLowered(this::wake);
  }

  public String queue() {
    return queue;
  }

  /**
   * From now on claims through the limits' own statement ({@code ClaimJobsLimited} or {@code ClaimJobsKeyed}),
   * for a queue with cluster-wide limits; call before start.
   */
  public void limitBy(ClaimLimits limits, Queries queries) {
    claims.limitBy(limits, queries);
  }

  /**
   * From now on the claim reads the queue from per-priority floors ({@link ClaimFrontier}), a keyed queue's from
   * floors per key and priority ({@link KeyFrontier}), with head scans on {@code pool} beside the claims: a claim's
   * cost then stays flat while a long transaction elsewhere keeps vacuum from removing the index entries of claimed
   * jobs. Call before start.
   */
  public void readsHeadOn(SqlClient pool) {
    claims.readsHeadOn(pool);
  }

  /**
   * The floors this queue's claims read from, for the worker's poll to look at the queue the same way ({@code
   * DueQueuesFrom}); null while they are unknown or unused (a keyed queue, no head scan landed yet).
   */
  @Override
  public ClaimFrontier floors() {
    return claims.floors();
  }

  /** True when this queue is claimed by the plain claim, not through cluster-wide limits. */
  public boolean claimsPlainly() {
    return !claims.limited();
  }

  /**
   * A job of this queue that the completer claimed for this worker (a workflow step its ack released, see
   * {@code Handoff}): it starts like one this loop claimed, or goes back if the loop has stopped.
   */
  public void adopt(ClaimedJob job) {
    if (stopped) {
      completer.release(job);
      return;
    }
    buffer.add(job);
    stats.claimed(queue, 1);
    dispatch();
  }

  /** Leaves the fallback poll to a {@link QueuePoller} of the worker's queues; call before start. */
  @Override
  public void polledTogether() {
    this.ownPoll = false;
  }

  /**
   * True when the last claim found the queue drained and nothing is on its way: only a wake-up (a NOTIFY,
   * a due retry, the poll) makes it claim again.
   */
  @Override
  public boolean waitsForWork() {
    return !stopped && !queueHasMore && claimsInFlight == 0;
  }

  /**
   * From now on claims and starts jobs only while {@code liveness} says the rescuer cannot have declared
   * this worker dead; call before start, and call {@link #regained()} when it is sure again.
   */
  public void gatedBy(Liveness liveness) {
    this.liveness = liveness;
  }

  /**
   * The worker is sure of its registration again after a lapse: the jobs it prefetched before may have been
   * rescued and handed to another worker, so they go back instead of being started (a release lands only
   * on a run still this worker's, like any ack), and the loop claims afresh.
   */
  public void regained() {
    if (stopped) {
      return;
    }
    int handedBack = handBackBuffered();
    claims.readHeadNext(); // what it handed back sits below the floors
    if (handedBack > 0) {
      LOG.log(System.Logger.Level.WARNING, "queue {0}: heartbeats confirmed again after a lapse; {1} prefetched jobs "
          + "handed back unstarted, as they may have been rescued meanwhile", queue, handedBack);
    }
    wake();
  }

  private boolean alive() {
    return liveness.isAlive(System.nanoTime());
  }

  /** Claims at once, then whenever woken, polling as a fallback (its own poll, or the worker's). */
  @Override
  public Future<Void> start() {
    if (ownPoll) {
      pollTimer = vertx.setPeriodic(options.getPollInterval().toMillis(), t -> wake());
    }
    claims.scanHeadWhenDue();
    wake();
    return Future.succeededFuture();
  }

  /**
   * The rescuer put {@code count} jobs of this queue back at the head of the line (a worker died holding
   * them, or lost its lease). A full buffer would leave them waiting until this worker had started all it
   * prefetched: instead as many prefetched jobs as are missing room for them go back unstarted, from the
   * tail of the buffer (they are not duplicates: they never ran), and the room is claimed at once. The
   * rescued jobs sort first, so the claim brings them and they start next. Every survivor does the same,
   * so the rescued jobs spread over all their handler slots. A queue claimed through cluster-wide limits
   * only wakes (reading its head next): its claims are bounded by the limits, not by the buffer.
   */
  public void rescued(int count) {
    if (stopped || !alive()) {
      return;
    }
    claims.readHeadNext(); // rescued jobs keep their place in line, below the floors
    if (!claims.limited()) {
      int handBack = Math.min(count - room(), buffer.size());
      for (int i = 0; i < handBack; i++) {
        completer.release(buffer.pollLast());
      }
      makingRoom |= handBack > 0;
    }
    wake();
  }

  private int room() {
    return options.getConcurrency() + options.getPrefetch() - running.size() - buffer.size() - claimedAhead;
  }

  /** Something may be due: claim if there is room. */
  @Override
  public void wake() {
    // a worker unsure that it is still registered claims nothing: the claim could land after the rescuer
    // reaped it and hand it jobs it would then start beside their rescued runs; regained() wakes it
    if (stopped || !alive()) {
      return;
    }
    int maxInFlight = !claims.limited() && queueHasMore ? MAX_CLAIMS_IN_FLIGHT : 1;
    if (claimsInFlight >= maxInFlight) {
      wokenWhileClaiming = true;
      return;
    }
    int batch = Math.min(room(), options.getBatchSize());
    // Claim small batches only when the buffer is about to run dry, or to bring rescued jobs; otherwise wait
    // for a fuller one.
    if (batch <= 0
        || (!makingRoom && batch < options.getBatchSize() / 2 && buffer.size() > options.getConcurrency() / 2)) {
      return;
    }
    claim(batch);
    if (queueHasMore) {
      wake(); // pipeline the next claim behind this one while there is room
    }
  }

  /** A job of this queue falls due in {@code delayMs}: wake then, without waiting for the poll. */
  public void wakeIn(long delayMs) {
    if (stopped) {
      return;
    }
    // Due times are kept per 10 ms: a burst of retries costs a handful of timers, not one each.
    // The database sets run_at when the retry is written, up to one ack flush later than now, so wake
    // after that; an early wake would find nothing and leave the job to the poll.
    long writtenBy = System.currentTimeMillis() + options.getAckFlushInterval().toMillis() + DUE_MARGIN_MS;
    long at = (writtenBy + delayMs + DUE_GRAIN_MS - 1) / DUE_GRAIN_MS * DUE_GRAIN_MS;
    dueTimes.add(at);
    armDueTimer();
  }

  private void armDueTimer() {
    if (dueTimes.isEmpty() || dueTimes.first() == dueAt) {
      return;
    }
    if (dueTimer >= 0) {
      vertx.cancelTimer(dueTimer);
    }
    dueAt = dueTimes.first();
    dueTimer = vertx.setTimer(Math.max(1, dueAt - System.currentTimeMillis()), t -> {
      dueTimer = -1;
      dueAt = Long.MAX_VALUE;
      dueTimes.headSet(System.currentTimeMillis() + 1).clear();
      armDueTimer();
      wake();
    });
  }

  private void claim(int batch) {
    claimsInFlight++;
    claimedAhead += batch;
    makingRoom = false;
    wokenWhileClaiming = false;
    claims.claim(batch, options.getLease().toMillis(), lineage).onComplete(ar -> {
      claimsInFlight--;
      claimedAhead -= batch;
      if (ar.failed()) {
        failedClaims++;
        long delay = Math.min(MAX_CLAIM_BACKOFF_MS, 50L << Math.min(failedClaims, 10));
        LOG.log(System.Logger.Level.WARNING, "claim on queue {0} failed ({1}); trying again in {2} ms",
            queue, ar.cause().toString(), delay);
        vertx.setTimer(delay, t -> wake());
        handBackBuffered();
        checkIdle();
        return;
      }
      failedClaims = 0;
      ar.result().waitsMs().forEach(this::wakeIn); // a limit cut the claim short: try again when it allows more
      List<ClaimedJob> claimedJobs = ar.result().jobs();
      int count = claimedJobs.size();
      if (stopped) {
        claimedJobs.forEach(completer::release);
      } else {
        buffer.addSorted(claimedJobs);
      }
      stats.claimed(queue, count);
      queueHasMore = count == batch;
      dispatch();
      if (queueHasMore || wokenWhileClaiming) {
        wake();
      }
      checkIdle();
    });
  }

  private void dispatch() {
    if (dispatching) {
      return;
    }
    dispatching = true;
    try {
      // nor does it start what it prefetched: those jobs may be running elsewhere by now
      boolean alive = alive(); // read once a dispatch: the clock is not worth a call per job
      while (!stopped && alive && running.size() < options.getConcurrency() && !buffer.isEmpty()) {
        ClaimedJob job = buffer.poll();
        running.put(job.id(), job);
        executor.run(job).onComplete(ar -> finished(job));
      }
    } finally {
      dispatching = false;
    }
  }

  private void finished(ClaimedJob job) {
    running.remove(job.id());
    if (stopped) {
      checkIdle();
      return;
    }
    dispatch();
    if (queueHasMore && !dispatching) {
      wake();
    }
  }

  /**
   * The database could not be reached (a claim or a heartbeat failed): the jobs waiting in the buffer go
   * back without running. Their claims may have been lost with the connection (a worker's writes commit
   * asynchronously, and a crash or a failover drops the last of them), and then another worker claims them
   * again: running them here too would run them twice. A hand-back is fenced like every outcome, so one of
   * a lost claim changes nothing, and it is written once the database answers again.
   */
  public int handBackBuffered() {
    int handedBack = buffer.size();
    while (!buffer.isEmpty()) {
      completer.release(buffer.poll());
    }
    return handedBack;
  }

  /**
   * Stops claiming and hands prefetched jobs back; running handlers go on and their outcomes are written
   * as usual. For a worker being recycled; {@link #stop()} does this first.
   */
  public void pause() {
    if (stopped) {
      return;
    }
    stopped = true;
    vertx.cancelTimer(pollTimer);
    claims.stop();
    if (dueTimer >= 0) {
      vertx.cancelTimer(dueTimer);
    }
    handBackBuffered();
  }

  /**
   * Stops claiming, hands prefetched jobs back, and completes when the running handlers have finished
   * or the shutdown timeout has passed; jobs still running then are given up and retried elsewhere. Stuck
   * runs whose job is held ({@code onStuck: hold}) are not waited for, and are not given up either: no
   * outcome is written for them, so their jobs run again only once this worker's lease on them ends.
   */
  @Override
  public Future<Void> stop() {
    long timeoutMs = options.getShutdownTimeout().toMillis();
    pause();
    idle = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeoutMs), t -> {
      List<ClaimedJob> left = new ArrayList<>(running.values());
      for (ClaimedJob job : left) {
        if (job.isStuck() && !job.isSettled()) {
          heldAtStop++;
          executor.leave(job);
        } else {
          executor.abandon(job, executor.optionsOf(job.task()),
              new IllegalStateException("worker " + owner + " stopped while " + job + " was still running"));
        }
      }
      running.clear();
      idle.tryComplete();
    });
    checkIdle();
    return idle.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private void checkIdle() {
    if (idle == null || claimsInFlight > 0) {
      return;
    }
    for (ClaimedJob job : running.values()) {
      if (!job.isStuck() || job.isSettled()) {
        return; // a handler that may still return in time
      }
    }
    // only held stuck runs are left: waiting for them would only delay the stop (a recycle, often)
    for (ClaimedJob job : running.values()) {
      heldAtStop++;
      executor.leave(job);
    }
    running.clear();
    idle.tryComplete();
  }

  /** True when this producer stopped while holding jobs of stuck handlers (left to the rescuer). */
  public boolean leftStuckJobs() {
    return heldAtStop > 0;
  }

  /**
   * A cancel was requested for this job: a running handler is told through its context; a job still
   * waiting in the buffer never starts and ends cancelled. Returns false when this queue does not hold it.
   */
  public boolean cancel(long id) {
    ClaimedJob job = running.get(id);
    if (job != null) {
      job.cancel();
      return true;
    }
    for (ClaimedJob waiting : buffer) {
      if (waiting.id() == id) {
        buffer.remove(waiting);
        waiting.cancel();
        executor.abandon(waiting, executor.optionsOf(waiting.task()),
            new IllegalStateException(waiting + " was cancelled before it started"));
        return true;
      }
    }
    return false;
  }

  /**
   * Somebody now awaits this job (the claim read its row before): its ack must tell them. Returns false when
   * this queue does not hold it.
   */
  public boolean flag(long id) {
    ClaimedJob job = running.get(id);
    if (job == null) {
      for (ClaimedJob waiting : buffer) {
        if (waiting.id() == id) {
          job = waiting;
          break;
        }
      }
    }
    if (job == null) {
      return false;
    }
    job.flag();
    return true;
  }

  /** Where the jobs this producer claims read their parents. */
  public void lineage(Lineage lineage) {
    this.lineage = lineage;
  }

  /** Running jobs that reported progress since the last call, with it (for the heartbeat). */
  public void takeProgress(java.util.function.BiConsumer<ClaimedJob, io.vertx.core.json.JsonObject> sink) {
    for (ClaimedJob job : running.values()) {
      io.vertx.core.json.JsonObject progress = job.takeProgress();
      if (progress != null) {
        sink.accept(job, progress);
      }
    }
  }

  /** Adds the ids of the jobs whose handler runs, while {@code out} has fewer than {@code max}. */
  public void runningIds(List<Long> out, int max) {
    for (Long id : running.keySet()) {
      if (out.size() >= max) {
        return;
      }
      out.add(id);
    }
  }

  /** Adds the id of every job this producer holds, running or waiting in the buffer, to {@code out}. */
  public void heldIds(List<Long> out) {
    out.addAll(running.keySet());
    for (ClaimedJob waiting : buffer) {
      out.add(waiting.id());
    }
  }

  /** Jobs held in the prefetch buffer (a test and metrics signal). */
  public int buffered() {
    return buffer.size();
  }

  /** Handlers running now (a test and metrics signal). */
  public int runningCount() {
    return running.size();
  }
}
