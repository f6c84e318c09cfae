package dev.spool.impl.claim;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Where the claim of a keyed queue ({@code claim_keyed_from}) starts reading each key: per key it knows and per
 * priority of the queue, a floor on run_at below which it assumes no job of its tasks is available; the same for the
 * jobs without a key (the bucket); for a serial queue, per key the id below which every job of the key has finished;
 * and the head scans ({@code KeyedHead}) that make the assumptions safe. {@link ClaimFrontier} does this for plain
 * queues, with one floor per priority.
 *
 * <p>Why: while a long transaction elsewhere holds an old snapshot, every job claimed since keeps its entry in the key
 * index, at the head of its key, and a keyed claim reading each key it serves from its head walked all of them (94,101
 * buffers a fair claim of 20 keys after 50,000 pinned jobs, against 2,748 unpinned).
 *
 * <p>The floors move up from the claims' own answers: the claim returns, per key it served, floors at its time less
 * {@link ClaimFrontier#DEFAULT_MARGIN_MS} when it took every due job of the key, or up to its last job taken when the
 * key gave all it was asked for. They move down only through a head scan, which reads every key from its head and
 * sets each floor to the earliest job of the producer's tasks it finds; so a job that becomes available below a floor
 * (rescued, handed back, a run_at set in the past, an enqueue whose transaction outlived the margin) is claimed after
 * the next head scan, never lost. A key the producer does not know the claim finds between the keys it knows, one
 * index descent each, and reads from its head; its answer then names the key, which is known from then on. At most
 * {@link #DEFAULT_MAX_KEYS} keys are kept: past that, the keys the last head scan did not find are forgotten first.
 *
 * <p>Not thread-safe: used on the producer's event loop.
 */
final class KeyFrontier {

  /** The most keys kept with their floors: every claim carries them all. */
  static final int DEFAULT_MAX_KEYS = 1_000;
  /** A floor that reads a key's priority from its head: 0001-01-01, as µs since the epoch. */
  static final long FROM_HEAD = -62_135_596_800_000_000L;

  private final HeadScanPace pace;
  private final long marginMicros;
  private final int maxKeys;
  /** The queue's priorities the producer knows: every key has a floor for each (absent: {@link #FROM_HEAD}). */
  private final TreeSet<Short> priorities = new TreeSet<>();
  /** Per key, its floor per priority (µs since the epoch, database clock). */
  private final TreeMap<String, Map<Short, Long>> keys = new TreeMap<>();
  /** The keys the last head scan found with available jobs. */
  private Set<String> foundByLastScan = Set.of();
  /** Per key of a serial queue, the id of its first open job when last seen. */
  private final TreeMap<String, Long> idFloors = new TreeMap<>();
  /** The floors of jobs without a key; null until a head scan landed. */
  private Map<Short, Long> bucket;
  /** The count of the last head scan that lowered a floor: a claim sent before it may not raise what it lowered. */
  private int loweredAt;

  KeyFrontier() {
    this(System::nanoTime, ClaimFrontier.DEFAULT_MARGIN_MS, ClaimFrontier.DEFAULT_MIN_HEAD_SCAN_INTERVAL_MS,
        DEFAULT_MAX_KEYS);
  }

  KeyFrontier(LongSupplier nanoTime, long marginMs, long minHeadScanIntervalMs, int maxKeys) {
    this.pace = new HeadScanPace(nanoTime, minHeadScanIntervalMs);
    this.marginMicros = marginMs * 1_000;
    this.maxKeys = maxKeys;
  }

  /** True once a head scan has landed: until then claims read every key from its head ({@code claim_keyed}). */
  boolean known() {
    return bucket != null;
  }

  /** When head scans may run. */
  HeadScanPace pace() {
    return pace;
  }

  /** The head scans landed so far, to hand to {@link #claimed} with the claim's answer. */
  int scans() {
    return pace.scans();
  }

  /**
   * A head scan landed: per key with available jobs ({@code null} for jobs without a key) and per priority it has, the
   * earliest run_at of the producer's tasks ({@code null} when none) and, of a serial queue, the key's first open job
   * ({@code firstOpenIds}, null otherwise), the scan's snapshot time and the database's clock when it ended. Every floor is at most the snapshot time less the margin, and at most the earliest job found.
   * Returns true when a floor went down or a key or priority appeared: there may be jobs to claim the last claims could
   * not see.
   */
  boolean headScanned(String[] scannedKeys, Short[] scannedPriorities, OffsetDateTime[] firstRunAts,
      Long[] firstOpenIds, OffsetDateTime snapshotAt, OffsetDateTime clockAt) {
    int scan = pace.landed((micros(clockAt) - micros(snapshotAt)) * 1_000);
    long ceiling = micros(snapshotAt) - marginMicros;
    int rows = scannedKeys == null ? 0 : scannedKeys.length;
    boolean lowered = bucket == null && rows > 0;
    for (int i = 0; i < rows; i++) {
      lowered |= priorities.add(scannedPriorities[i]);
    }
    Set<String> found = new HashSet<>();
    for (int i = 0; i < rows; i++) {
      if (scannedKeys[i] != null && found.add(scannedKeys[i])) {
        lowered |= !keys.containsKey(scannedKeys[i]);
        keys.computeIfAbsent(scannedKeys[i], k -> new TreeMap<>());
      }
    }
    if (bucket == null) {
      bucket = new TreeMap<>();
    }
    // what the scan did not find was not there at its snapshot: at most its time less the margin
    for (Map<Short, Long> floors : allFloors()) {
      for (Short p : priorities) {
        floors.merge(p, ceiling, Math::min);
      }
    }
    for (int i = 0; i < rows; i++) {
      Map<Short, Long> floors = scannedKeys[i] == null ? bucket : keys.get(scannedKeys[i]);
      long floor = firstRunAts[i] == null ? ceiling : Math.min(micros(firstRunAts[i]), ceiling);
      Long before = floors.put(scannedPriorities[i], floor);
      lowered |= before != null && floor < before;
      if (firstOpenIds != null && firstOpenIds[i] != null) {
        Long idBefore = idFloors.put(scannedKeys[i], firstOpenIds[i]);
        lowered |= idBefore != null && firstOpenIds[i] < idBefore;
      }
    }
    foundByLastScan = found;
    forgetBeyondMax();
    if (lowered) {
      loweredAt = scan;
    }
    return lowered;
  }

  /**
   * One row of the answer of a claim sent after {@code scansThen} head scans ({@code ClaimJobsKeyedFrom}): a floor row
   * (no id, no wait) goes to {@link #raised}, a job's to {@link #claimed(String, short)}. Returns true for a floor row,
   * which is not a job.
   */
  boolean claimed(Row row, int scansThen) {
    if (row.getValue("id") != null) {
      claimed(row.getString("key"), row.getShort("priority"));
      return false;
    }
    if (row.getValue("wait_ms") != null) {
      return false; // a limit's wait, which the producer reads
    }
    Long firstOpen = row.getLong("first_open_id");
    if (firstOpen != null) {
      raisedId(row.getString("key"), firstOpen, scansThen);
    } else {
      raised(row.getString("key"), row.getShort("priority"), row.getOffsetDateTime("run_at"), scansThen);
    }
    return true;
  }

  /** A claimed job's key ({@code null}: none) and priority are known from now on. */
  void claimed(String key, short priority) {
    priorities.add(priority);
    if (key != null) {
      keys.computeIfAbsent(key, k -> new TreeMap<>());
    }
  }

  /**
   * A claim sent after {@code scansThen} head scans raised a floor of {@code key} ({@code null}: jobs without one) at
   * {@code priority} to {@code floor}; unless a head scan that lowered a floor landed since (what it found is newer than
   * the claim's view).
   */
  void raised(String key, short priority, OffsetDateTime floor, int scansThen) {
    claimed(key, priority);
    Map<Short, Long> floors = key == null ? bucket : keys.get(key);
    if (floors != null && scansThen >= loweredAt) {
      floors.merge(priority, micros(floor), Math::max);
    }
  }

  /**
   * A claim sent after {@code scansThen} head scans found the first open job of serial {@code key}: every job below it
   * has finished; unless a head scan that lowered a floor landed since.
   */
  void raisedId(String key, long firstOpenId, int scansThen) {
    keys.computeIfAbsent(key, k -> new TreeMap<>());
    if (scansThen >= loweredAt) {
      idFloors.merge(key, firstOpenId, Math::max);
    }
  }

  /** After a claim's answer was read: the keys it named count towards the most kept. */
  void claimDone() {
    forgetBeyondMax();
  }

  /** The queue's priorities the floors are for, in order. */
  Short[] priorities() {
    return priorities.toArray(Short[]::new);
  }

  /** The keys known, in order. */
  String[] keys() {
    return keys.keySet().toArray(String[]::new);
  }

  /** For each key of {@link #keys()}, its floor for each priority of {@link #priorities()}, row after row. */
  OffsetDateTime[] keyFloors() {
    List<OffsetDateTime> out = new ArrayList<>(keys.size() * priorities.size());
    for (Map<Short, Long> floors : keys.values()) {
      for (Short p : priorities) {
        out.add(time(floors.getOrDefault(p, FROM_HEAD)));
      }
    }
    return out.toArray(OffsetDateTime[]::new);
  }

  /** For each key of {@link #keys()}, the id below which every job of it has finished (0: none known). */
  Long[] keyIdFloors() {
    Long[] out = new Long[keys.size()];
    int i = 0;
    for (String key : keys.keySet()) {
      out[i++] = idFloors.getOrDefault(key, 0L);
    }
    return out;
  }

  /** The floors of the jobs without a key, for each priority of {@link #priorities()}; null before a head scan. */
  OffsetDateTime[] bucketFloors() {
    if (bucket == null) {
      return null;
    }
    OffsetDateTime[] out = new OffsetDateTime[priorities.size()];
    int i = 0;
    for (Short p : priorities) {
      out[i++] = time(bucket.getOrDefault(p, FROM_HEAD));
    }
    return out;
  }

  /** The margin a claim keeps below its time, in ms. */
  double marginMs() {
    return marginMicros / 1_000.0;
  }

  private List<Map<Short, Long>> allFloors() {
    List<Map<Short, Long>> all = new ArrayList<>(keys.values());
    all.add(bucket);
    return all;
  }

  private void forgetBeyondMax() {
    for (Iterator<String> it = keys.keySet().iterator(); keys.size() > maxKeys && it.hasNext(); ) {
      if (!foundByLastScan.contains(it.next())) {
        it.remove();
      }
    }
    while (keys.size() > maxKeys) {
      keys.pollLastEntry();
    }
    idFloors.keySet().retainAll(keys.keySet());
  }

  private static OffsetDateTime time(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000)
        .atOffset(ZoneOffset.UTC);
  }

  private static long micros(OffsetDateTime time) {
    Instant instant = time.toInstant();
    return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
  }
}
