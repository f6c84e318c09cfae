package dev.spool.impl.claim;

import dev.spool.impl.job.ClaimedJob;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Where the claim of one queue starts reading: per priority, a floor on run_at below which it assumes no job of
 * its tasks is available ({@code ClaimJobsFrom}, or {@code claim_limited}'s floors for a queue with cluster-wide
 * limits, see {@link ClaimLimits#frontierBatch}), and the head scans ({@code ClaimHead}) that make the assumption
 * safe.
 *
 * <p>Why: an index entry of a claimed job can be removed only by a vacuum that no open snapshot holds back.
 * While a long transaction anywhere in the database holds one, every job claimed since stays in the claim
 * index, and a claim reading the queue from its head checks each of them in the table before it reaches a
 * job it may take: the claim's cost grows with every job done since the snapshot was taken. A claim from the
 * floors starts past them, and walks only the entries of jobs claimed since the floors last moved.
 *
 * <p>The floors move up after each claim that took every due job it could see (a short batch, or the whole of
 * a priority below the last one in a full batch): to the claim's time less {@link #DEFAULT_MARGIN_MS}, which
 * leaves room for the jobs of enqueues still in their transaction then (their run_at is their transaction's
 * start, older than its commit), or to the run_at of the last job taken. They move down only through a head
 * scan: it reads the queue from its head, as the exact claim does, and sets each floor to the earliest job of
 * the producer's tasks it finds. So a job that becomes available below a floor (an enqueue whose transaction
 * ran longer than the margin, a job handed back unstarted, a run_at set in the past, a priority not seen
 * before) is claimed after the next head scan, never lost. Head scans run beside the claims on another
 * connection, no more often than every {@link #DEFAULT_MIN_HEAD_SCAN_INTERVAL_MS} and taking at most one
 * {@link HeadScanPace#SHARE}th of the time: with a clean index a few times a second, with a held one
 * every few seconds.
 *
 * <p>Times are kept as microseconds on the database's clock: the producer's estimate of it runs on
 * {@link System#nanoTime()} from the last head scan's reading, a little behind the database's, which only
 * lowers the floors.
 *
 * <p>Not thread-safe: used on the producer's event loop.
 */
final class ClaimFrontier {

  /** How far below a claim's time its floors stay, for enqueues whose transaction had not committed then. */
  static final long DEFAULT_MARGIN_MS = 1_000;
  /** The shortest time between two head scans of one producer. */
  static final long DEFAULT_MIN_HEAD_SCAN_INTERVAL_MS = 100;

  private final HeadScanPace pace;
  private final long marginMicros;
  /** Per priority with available jobs seen by a head scan, its floor (µs since the epoch, database clock). */
  private final TreeMap<Short, Long> floors = new TreeMap<>();
  private long databaseMinusLocalMicros;
  private boolean known;
  /** The count of the last head scan that lowered a floor: a claim sent before it may not raise what it lowered. */
  private int loweredAt;

  ClaimFrontier() {
    this(System::nanoTime, DEFAULT_MARGIN_MS, DEFAULT_MIN_HEAD_SCAN_INTERVAL_MS);
  }

  ClaimFrontier(LongSupplier nanoTime, long marginMs, long minHeadScanIntervalMs) {
    this.pace = new HeadScanPace(nanoTime, minHeadScanIntervalMs);
    this.marginMicros = marginMs * 1_000;
  }

  /**
   * True once a head scan has landed and named a priority: until then claims read from the head (an empty queue's
   * is cheap to read; a queue whose jobs all have other tasks is read as before).
   */
  boolean known() {
    return known && !floors.isEmpty();
  }

  /** When head scans may run; a failed one leaves the floors as they were. */
  HeadScanPace pace() {
    return pace;
  }

  /**
   * A head scan landed: {@code priorities} with available jobs, the earliest run_at of the producer's tasks in
   * each ({@code null} when none), the scan's snapshot time and the database's clock when it ended. Returns true
   * when a floor went down or a priority appeared: there may be jobs to claim that the last claims could not see.
   */
  boolean headScanned(Short[] priorities, OffsetDateTime[] firstRunAts, OffsetDateTime snapshotAt,
      OffsetDateTime clockAt) {
    int scans = pace.landed((micros(clockAt) - micros(snapshotAt)) * 1_000);
    databaseMinusLocalMicros = micros(clockAt) - pace.nanoTime() / 1_000;
    long ceiling = micros(snapshotAt) - marginMicros;
    boolean lowered = false;
    for (Map.Entry<Short, Long> floor : floors.entrySet()) {
      floor.setValue(Math.min(floor.getValue(), ceiling));
    }
    for (int i = 0; priorities != null && i < priorities.length; i++) {
      long floor = firstRunAts[i] == null ? ceiling : Math.min(micros(firstRunAts[i]), ceiling);
      Long before = floors.put(priorities[i], floor);
      lowered |= before == null || floor < before;
    }
    known = true;
    if (lowered) {
      loweredAt = scans;
    }
    return lowered;
  }

  /** What a claim sent now needs to know when its answer comes: {@link #claimed}'s last arguments. */
  long sentAt() {
    return pace.nanoTime() / 1_000 + databaseMinusLocalMicros;
  }

  /** The head scans landed so far, to hand to {@link #claimed} with {@link #sentAt()}. */
  int scans() {
    return pace.scans();
  }

  /** The priorities a claim from the floors reads, in the order of {@link #floorTimes()}. */
  Short[] priorities() {
    return floors.keySet().toArray(Short[]::new);
  }

  /** The floors of {@link #priorities()}. */
  OffsetDateTime[] floorTimes() {
    OffsetDateTime[] times = new OffsetDateTime[floors.size()];
    int i = 0;
    for (long floor : floors.values()) {
      times[i++] = Instant.EPOCH.plusNanos(floor * 1_000).atOffset(ZoneOffset.UTC);
    }
    return times;
  }

  /**
   * A claim sent at {@code sentAt} (database clock, µs) after {@code scansThen} head scans took {@code jobs}
   * (in claim order) of the {@code batch} it asked for: the floors of the priorities it exhausted move up. A claim
   * from the head counts too: it saw at least as much.
   */
  void claimed(List<ClaimedJob> jobs, int batch, long sentAt, int scansThen) {
    if (scansThen < loweredAt || !known) {
      return; // a head scan that lowered a floor landed meanwhile: what it found is newer than this claim's view
    }
    // a priority it took jobs of is one to read from now on (a head scan often finds a busy queue empty: its jobs
    // are claimed as they come); a claim from floors takes only priorities it read from a floor
    for (ClaimedJob job : jobs) {
      floors.putIfAbsent((short) job.priority(), Long.MIN_VALUE);
    }
    long ceiling = sentAt - marginMicros;
    if (jobs.size() < batch) {
      floors.replaceAll((p, floor) -> Math.max(floor, ceiling));
      return;
    }
    ClaimedJob last = jobs.get(jobs.size() - 1);
    for (Map.Entry<Short, Long> floor : floors.headMap((short) last.priority(), false).entrySet()) {
      floor.setValue(Math.max(floor.getValue(), ceiling));
    }
    // of the last priority it took, the jobs before the last one taken are gone or another claim's
    floors.computeIfPresent((short) last.priority(),
        (p, floor) -> Math.max(floor, Math.min(ceiling, micros(last.runAt()))));
  }

  private static long micros(OffsetDateTime time) {
    return micros(time.toInstant());
  }

  private static long micros(Instant time) {
    return time.getEpochSecond() * 1_000_000 + time.getNano() / 1_000;
  }
}
