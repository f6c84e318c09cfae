package dev.spool.impl.claim;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.sql.Queries;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The claim of a keyed queue from floors ({@code ClaimJobsKeyedFrom}) and the head scan that sets them ({@code
 * KeyedHead}), as statements: the keys it serves and in what turn, the keys it finds that it was not told of, the
 * floors its answer raises, the limits it keeps, and that it reads past the jobs a long transaction keeps in the key
 * index, where the claim from the heads ({@code ClaimJobsKeyed}) walks them all.
 */
class ClaimKeyedFromFloorsTest extends SpoolTestBase {

  private static final String[] TASKS = {"t"};
  private static final OffsetDateTime LONG_AGO = OffsetDateTime.parse("2000-01-01T00:00:00Z");

  @Test
  void keysAreServedInTurnFromTheCursorWithTheKeysItWasNotToldOfFoundBetweenTheOthers() {
    for (String key : List.of("a", "b", "c", "d")) {
      enqueue(key, 20, "now() - interval '1 minute'");
    }

    // it knows b and d; a and c it finds between them; each of the four keys gets a share of 10
    Answer first = claim(40, null, new String[] {"b", "d"}, LONG_AGO, LONG_AGO);
    assertThat(first.perKey).containsExactly(Map.entry("a", 10), Map.entry("b", 10), Map.entry("c", 10),
        Map.entry("d", 10));

    // the next claim starts after the last key served, and wraps round
    Answer second = claim(20, null, new String[] {"a", "b", "c", "d"}, LONG_AGO, LONG_AGO, LONG_AGO, LONG_AGO);
    assertThat(second.perKey).containsOnlyKeys("a", "b");
  }

  @Test
  void aKeyThatGaveAllItHadGetsFloorsAtTheClaimsTimeLessTheMarginAndOneThatGaveItsShareAtItsLastJob() {
    enqueue("few", 3, "now() - interval '1 minute'");
    enqueue("many", 30, "now() - interval '1 minute'");

    Answer answer = claim(20, null, new String[] {"few", "many"}, LONG_AGO, LONG_AGO);

    assertThat(answer.perKey).containsEntry("few", 3).containsEntry("many", 17); // the second pass gives what few left
    OffsetDateTime now = now();
    assertThat(answer.floors.get("few")).isBetween(now.minusSeconds(2), now.minusNanos(900_000_000));
    assertThat(answer.floors.get("many")).isEqualTo(answer.lastRunAt.get("many"));
  }

  @Test
  void aJobBelowItsKeysFloorWaitsForTheHeadScanWhichNamesItsRunAt() {
    enqueue("k", 1, "now() - interval '1 hour'");
    OffsetDateTime floor = now().minusMinutes(1);

    assertThat(claim(10, null, new String[] {"k"}, floor).perKey).isEmpty();

    Row head = keyedHead();
    assertThat(head.getArrayOfStrings("keys")).containsExactly("k");
    OffsetDateTime firstRunAt = head.getArrayOfOffsetDateTimes("first_run_ats")[0];
    assertThat(firstRunAt).isBefore(floor);
    assertThat(claim(10, null, new String[] {"k"}, firstRunAt).perKey).containsExactly(Map.entry("k", 1));
  }

  @Test
  void theHeadScanNamesEachKeyAndTheJobsWithoutOneWithTheEarliestJobOfTheTasksPerPriority() {
    sql("insert into {schema}.jobs (queue, task, key, priority, run_at, args) select 'q', t, k, p, now() + r, '\\x7b7d'"
        + " from (values ('t', 'x', 0, interval '0'), ('other', 'x', 0, interval '-1 hour'),"
        + " ('t', 'x', 4, interval '1 s'), ('other', 'y', 0, interval '0'), ('t', null, 2, interval '0')) v(t, k, p, r)");

    Row head = keyedHead();

    assertThat(head.getArrayOfStrings("keys")).containsExactly("x", "x", "y", null);
    assertThat(head.getArrayOfShorts("priorities")).containsExactly((short) 0, (short) 4, (short) 0, (short) 2);
    OffsetDateTime[] first = head.getArrayOfOffsetDateTimes("first_run_ats");
    assertThat(first[0]).isAfter(head.getOffsetDateTime("snapshot_at").minusMinutes(1)); // not the other task's
    assertThat(first[2]).isNull(); // y has jobs of another task only
    assertThat(first[3]).isNotNull();
  }

  @Test
  void jobsWithoutAKeyAreServedAfterTheKeysFromTheirOwnFloors() {
    enqueue("k", 5, "now() - interval '1 minute'");
    sql("insert into {schema}.jobs (queue, task, run_at, args) select 'q', 't', now() - interval '1 minute', '\\x7b7d'"
        + " from generate_series(1, 5)");

    Answer answer = claim(20, new OffsetDateTime[] {LONG_AGO}, new String[] {"k"}, LONG_AGO);

    assertThat(answer.perKey).containsExactly(Map.entry("", 5), Map.entry("k", 5));
    assertThat(answer.floors).containsKey(""); // the bucket's floor rose too
  }

  @Test
  void aPerKeyConcurrencyLimitHoldsFromFloorsAndTheAnswerSaysWhenToTryAgain() {
    enqueue("a", 5, "now() - interval '1 minute'");
    enqueue("b", 5, "now() - interval '1 minute'");

    Answer answer = claim(10, 2, null, null, new String[] {"a", "b"}, LONG_AGO, LONG_AGO);

    assertThat(answer.perKey).containsExactly(Map.entry("a", 2), Map.entry("b", 2));
    assertThat(answer.waitMs).isEqualTo(100.0);
    assertThat(claim(10, 2, null, null, new String[] {"a", "b"}, LONG_AGO, LONG_AGO).perKey).isEmpty();
  }

  @Test
  void aPerKeyRateLimitHoldsFromFloors() {
    enqueue("a", 5, "now() - interval '1 minute'");

    Answer answer = claim(10, null, 3, 60_000.0, new String[] {"a"}, LONG_AGO);

    assertThat(answer.perKey).containsExactly(Map.entry("a", 3));
    assertThat(answer.waitMs).isGreaterThan(59_000.0);
  }

  @Test
  void aSerialKeyGivesItsFirstOpenJobOnlyAndTheAnswerNamesItAsTheKeysIdFloor() {
    enqueue("a", 3, "now() - interval '1 minute'");
    enqueue("b", 2, "now() - interval '1 minute'");
    long firstOfA = sql("select min(id) from {schema}.jobs where key = 'a'").iterator().next().getLong(0);
    long firstOfB = sql("select min(id) from {schema}.jobs where key = 'b'").iterator().next().getLong(0);

    RowSet<Row> first = await(spool.pool().preparedQuery(new Queries(schema).get("ClaimJobsKeyedFrom"))
        .execute(serialParams(new String[] {"a"}, new Long[] {0L}))); // b it finds between the keys it knows

    List<Long> claimed = new java.util.ArrayList<>();
    Map<String, Long> idFloors = new TreeMap<>();
    for (Row row : first) {
      if (row.getValue("id") != null) {
        claimed.add(row.getLong("id"));
      } else if (row.getValue("first_open_id") != null) {
        idFloors.put(row.getString("key"), row.getLong("first_open_id"));
      }
    }
    assertThat(claimed).containsExactlyInAnyOrder(firstOfA, firstOfB);
    assertThat(idFloors).containsExactly(Map.entry("a", firstOfA), Map.entry("b", firstOfB));

    // the first jobs run: nothing more of either key starts, from the floors the answer named
    RowSet<Row> second = await(spool.pool().preparedQuery(new Queries(schema).get("ClaimJobsKeyedFrom"))
        .execute(serialParams(new String[] {"a", "b"}, new Long[] {firstOfA, firstOfB})));
    assertThat(second).allSatisfy(row -> assertThat(row.getValue("id")).isNull());
    assertThat(second).anySatisfy(row -> assertThat(row.getDouble("wait_ms")).isEqualTo(100.0));
  }

  /** A serial key's first open job read from its id floor: past the finished jobs an old snapshot keeps. */
  @Test
  void aSerialClaimFromIdFloorsReadsPastTheFinishedJobsAnOldSnapshotKeeps() {
    underAnOldSnapshotKeepingDoneJobsOf20Keys(before -> {
      String[] keys = new String[20];
      Long[] idFloors = new Long[20];
      for (Row row : sql("select key, min(id) from {schema}.jobs group by key order by key")) {
        int i = Integer.parseInt(row.getString(0).substring(3));
        keys[i] = row.getString(0);
        idFloors[i] = row.getLong(1);
      }

      long fromHeads = buffers(new Queries(schema).get("ClaimJobsKeyed"), Tuple.tuple(Arrays.asList("q", TASKS, 100,
          "me", 30_000.0, null, null, null, null, true, true, new String[0], new Integer[0], 100.0)));
      long fromFloors = buffers(new Queries(schema).get("ClaimJobsKeyedFrom"), serialParams(keys, idFloors));

      assertThat(fromHeads).isGreaterThan(8_000);
      assertThat(fromFloors).as("buffers from the id floors, against %d from the heads", fromHeads).isLessThan(2_500);
    });
  }

  @Test
  void aPausedQueueGivesNothingFromItsFloors() {
    enqueue("a", 5, "now() - interval '1 minute'");
    sql("insert into {schema}.queues (name, paused) values ('q', true)");

    assertThat(claim(10, null, new String[] {"a"}, LONG_AGO).perKey).isEmpty();
  }

  /**
   * The point of the floors: a transaction elsewhere that has read something keeps the entry of every claimed job in
   * the key index, at the head of its key. A claim from the heads checks each of them in the table for every key it
   * serves; a claim from the keys' floors, and the probes between known keys, start past them.
   */
  @Test
  void aClaimFromFloorsReadsPastTheClaimedJobsAnOldSnapshotKeepsInEveryKey() {
    String[] keys = new String[20];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = String.format("key%02d", i);
    }
    underAnOldSnapshotKeepingDoneJobsOf20Keys(floor -> {
      OffsetDateTime[] floors = new OffsetDateTime[keys.length];
      Arrays.fill(floors, floor);

      long fromHeads = buffers(new Queries(schema).get("ClaimJobsKeyed"), Tuple.tuple(Arrays.asList("q", TASKS, 100,
          "me", 30_000.0, null, null, null, null, false, false, new String[0], new Integer[0], 100.0)));
      long fromFloors = buffers(new Queries(schema).get("ClaimJobsKeyedFrom"),
          params(100, null, null, null, new OffsetDateTime[] {floor}, keys, floors));

      // unpinned, both read about 2,500 buffers for such a claim (most of it the update of the jobs claimed)
      assertThat(fromHeads).isGreaterThan(10_000);
      assertThat(fromFloors).as("buffers from the floors, against %d from the heads", fromHeads).isLessThan(4_000);
    });
  }

  /**
   * Runs {@code check} while a REPEATABLE READ transaction keeps 20,000 jobs of queue q, over keys key00 to key19,
   * claimed and done since it began, and 200 more of those keys are available; {@code check} gets the time just before
   * those were enqueued.
   */
  private void underAnOldSnapshotKeepingDoneJobsOf20Keys(java.util.function.Consumer<OffsetDateTime> check) {
    SqlConnection pin = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())));
    try {
      await(pin.query("begin isolation level repeatable read").execute());
      await(pin.query("select count(*) from pg_class").execute()); // the snapshot is taken: vacuum is held
      for (int round = 0; round < 100; round++) {
        enqueueOverTwentyKeys();
        sql("update {schema}.jobs set state = 'running'"); // claimed...
        sql("delete from {schema}.jobs"); // ...and done, but their entries stay
      }
      OffsetDateTime before = now();
      enqueueOverTwentyKeys();
      check.accept(before);
    } finally {
      await(pin.close());
    }
  }

  private void enqueueOverTwentyKeys() {
    sql("insert into {schema}.jobs (queue, task, key, args) select 'q', 't', 'key' || lpad((g % 20)::text, 2, '0'),"
        + " '\\x7b7d' from generate_series(1, 200) g");
  }

  /** What a claim's answer says: jobs per key (the bucket as ""), the floors, each key's last job, the wait. */
  private record Answer(Map<String, Integer> perKey, Map<String, OffsetDateTime> floors,
      Map<String, OffsetDateTime> lastRunAt, Double waitMs) {}

  private Answer claim(int batch, OffsetDateTime[] bucket, String[] keys, OffsetDateTime... floors) {
    return claim(batch, null, null, null, bucket, keys, floors);
  }

  private Answer claim(int batch, Integer keyConcurrency, Integer keyLimit, Double windowMs, String[] keys,
      OffsetDateTime... floors) {
    return claim(batch, keyConcurrency, keyLimit, windowMs, new OffsetDateTime[] {LONG_AGO}, keys, floors);
  }

  private Answer claim(int batch, Integer keyConcurrency, Integer keyLimit, Double windowMs, OffsetDateTime[] bucket,
      String[] keys, OffsetDateTime... floors) {
    RowSet<Row> rows = await(spool.pool().preparedQuery(new Queries(schema).get("ClaimJobsKeyedFrom"))
        .execute(params(batch, keyConcurrency, keyLimit, windowMs, bucket, keys, floors)));
    Map<String, Integer> perKey = new TreeMap<>();
    Map<String, OffsetDateTime> floorsOut = new TreeMap<>();
    Map<String, OffsetDateTime> lastRunAt = new TreeMap<>();
    Double wait = null;
    for (Row row : rows) {
      String key = row.getString("key") == null ? "" : row.getString("key");
      if (row.getValue("id") != null) {
        perKey.merge(key, 1, Integer::sum);
        lastRunAt.put(key, row.getOffsetDateTime("run_at")); // rows come in claim order
      } else if (row.getValue("wait_ms") != null) {
        wait = row.getDouble("wait_ms");
      } else {
        floorsOut.put(key, row.getOffsetDateTime("run_at"));
      }
    }
    return new Answer(perKey, floorsOut, lastRunAt, wait);
  }

  /** ClaimJobsKeyedFrom's parameters for queue q: one priority (0), {@code floors} per key in {@code keys}. */
  private static Tuple params(int batch, Integer keyConcurrency, Integer keyLimit, Double windowMs,
      OffsetDateTime[] bucket, String[] keys, OffsetDateTime[] floors) {
    return Tuple.tuple(Arrays.asList("q", TASKS, batch, "me", 30_000.0, null, keyConcurrency, keyLimit, windowMs,
        new String[0], new Integer[0], 100.0, new Short[] {0}, keys, floors, bucket, 1_000.0, false, true, null));
  }

  /** ClaimJobsKeyedFrom's parameters for serial queue q: {@code idFloors} per key in {@code keys}. */
  private static Tuple serialParams(String[] keys, Long[] idFloors) {
    OffsetDateTime[] floors = new OffsetDateTime[keys.length];
    Arrays.fill(floors, LONG_AGO);
    return Tuple.tuple(Arrays.asList("q", TASKS, 100, "me", 30_000.0, null, null, null, null, new String[0],
        new Integer[0], 100.0, new Short[] {0}, keys, floors, new OffsetDateTime[] {LONG_AGO}, 1_000.0, true, true,
        idFloors));
  }

  private void enqueue(String key, int jobs, String runAt) {
    sql("insert into {schema}.jobs (queue, task, key, run_at, args) select 'q', 't', $1, " + runAt + ", '\\x7b7d'"
        + " from generate_series(1, $2)", key, jobs);
  }

  private Row keyedHead() {
    return await(spool.pool().preparedQuery(new Queries(schema).get("KeyedHead")).execute(Tuple.of("q", TASKS, false)))
        .iterator().next();
  }

  private OffsetDateTime now() {
    return sql("select now()").iterator().next().getOffsetDateTime(0);
  }

  private long buffers(String statement, Tuple params) {
    return ExplainedBuffers.of(spool.pool(), statement, params);
  }
}
