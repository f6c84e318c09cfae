package dev.spool.impl.claim;

import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.sql.Lineage;
import dev.spool.impl.sql.Queries;
import dev.spool.impl.stats.Stats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * How the claims of one queue read it: the statement each claim sends (the plain claim, the claim of a queue with
 * cluster-wide limits, or of a keyed queue, each from the head or from floors), what its answer teaches the floors,
 * and the head scans beside the claims that keep the floors safe ({@link ClaimFrontier} for plain and limited queues,
 * {@link KeyFrontier} for keyed ones). The {@link Producer} decides when to claim and what to do with the jobs.
 *
 * <p>All methods run on the producer's event loop.
 */
final class Claims {

  private static final System.Logger LOG = System.getLogger(Claims.class.getName());

  /** What a claim brought: its jobs in claim order, and when a limit that cut it short allows more (ms each). */
  record Answer(List<ClaimedJob> jobs, List<Long> waitsMs) {}

  private final Vertx vertx;
  private final SqlClient client;
  private final String queue;
  private final String[] tasks;
  private final String owner;
  private final Stats.Recorder stats;
  private final String claimSql;
  private final String claimFromSql;
  private final String headSql;
  private final ClaimFrontier frontier = new ClaimFrontier();
  private ClaimLimits limits;
  private String limitedClaimSql;
  /** The floors of a keyed queue, else null. */
  private KeyFrontier keyFrontier;
  private String keyedFromSql;
  private String keyedHeadSql;
  /** Where head scans go (a pool beside the claims' connection); null: every claim reads from the head. */
  private SqlClient headClient;
  /** The next claim reads from the head: nothing is known of the floors yet, or jobs came back below them. */
  private boolean readHead = true;
  private long headTimer = -1;
  private boolean stopped;
  private Runnable lowered = () -> { };

  Claims(Vertx vertx, SqlClient client, Queries queries, String queue, String[] tasks, String owner,
      Stats.Recorder stats) {
    this.vertx = vertx;
    this.client = client;
    this.queue = queue;
    this.tasks = tasks;
    this.owner = owner;
    this.stats = stats;
    this.claimSql = queries.get("ClaimJobs");
    this.claimFromSql = queries.get("ClaimJobsFrom");
    this.headSql = queries.get("ClaimHead");
  }

  /** Claims through the limits' own statement ({@code ClaimJobsLimited} or {@code ClaimJobsKeyed}). */
  void limitBy(ClaimLimits limits, Queries queries) {
    this.limits = limits;
    this.limitedClaimSql = queries.get(limits.statement());
    if (limits.isKeyed()) { // its claims read from floors per key
      this.keyFrontier = new KeyFrontier();
      this.keyedFromSql = queries.get("ClaimJobsKeyedFrom");
      this.keyedHeadSql = queries.get("KeyedHead");
    }
  }

  /** Head scans go to {@code pool}, and claims read from floors once one has landed. */
  void readsHeadOn(SqlClient pool) {
    this.headClient = pool;
  }

  /** Runs when a head scan lowered a floor: there may be jobs the last claims could not see. */
  void onLowered(Runnable lowered) {
    this.lowered = lowered;
  }

  /** True when the queue is claimed through cluster-wide limits (or keys), not by the plain claim. */
  boolean limited() {
    return limits != null;
  }

  /** The next claim reads from the head: jobs came back below the floors (rescued, or handed back). */
  void readHeadNext() {
    readHead = true;
  }

  /**
   * The floors a plain or limited queue's claims read from, for the worker's poll to look at the queue the same way
   * ({@code DueQueuesFrom}); null while they are unknown or unused (a keyed queue, no head scan landed yet).
   */
  ClaimFrontier floors() {
    return readsFloors() && frontier.known() ? frontier : null;
  }

  private boolean readsFloors() {
    return headClient != null && keyFrontier == null;
  }

  /** Sends a claim of at most {@code batch} jobs leased for {@code leaseMs}; its jobs read their parents from {@code lineage}. */
  Future<Answer> claim(int batch, double leaseMs, Lineage lineage) {
    boolean fromFloors = readsFloors() && frontier.known() && !readHead;
    boolean keysFromFloors = keyFrontier != null && keyFrontier.known() && !readHead;
    readHead = false;
    if (fromFloors || keysFromFloors) {
      stats.claimedFromFloors();
    }
    long sentAt = frontier.sentAt();
    int scansThen = keyFrontier != null ? keyFrontier.scans() : frontier.scans();
    Future<RowSet<Row>> claimed = keysFromFloors
        ? client.preparedQuery(keyedFromSql)
            .execute(limits.keyedParamsFrom(queue, tasks, batch, owner, leaseMs, keyFrontier))
        : limits != null
        ? client.preparedQuery(limitedClaimSql).execute(fromFloors
            ? limits.params(queue, tasks, batch, owner, leaseMs, frontier.priorities(), frontier.floorTimes())
            : limits.params(queue, tasks, batch, owner, leaseMs))
        : fromFloors
            ? client.preparedQuery(claimFromSql).execute(Tuple.of(queue, tasks, batch, owner, leaseMs,
                frontier.priorities(), frontier.floorTimes()))
            : client.preparedQuery(claimSql).execute(Tuple.of(queue, tasks, batch, owner, leaseMs));
    return claimed.map(rows -> {
      List<ClaimedJob> jobs = new ArrayList<>(rows.size());
      List<Long> waits = new ArrayList<>(1);
      for (Row row : rows) {
        if (keysFromFloors && keyFrontier.claimed(row, scansThen)) {
          continue; // not a job: a floor the claim raised
        }
        if (limits != null && row.getValue(0) == null) {
          waits.add((long) Math.ceil(row.getDouble("wait_ms"))); // not a job: a limit cut the claim short
          continue;
        }
        jobs.add(ClaimedJob.fromClaimRow(vertx, row, lineage));
      }
      jobs.sort(Producer.CLAIM_ORDER);
      if (keyFrontier != null) {
        keyFrontier.claimDone();
        if (!jobs.isEmpty() || keysFromFloors) {
          scanHeadWhenDue();
        }
      } else if (readsFloors()) {
        int seen = limits == null ? batch : limits.frontierBatch(batch, jobs.size(), !waits.isEmpty());
        if (seen > 0) {
          frontier.claimed(jobs, seen, sentAt, scansThen);
        }
        // The queue is busy (head scans keep finding what sits below the floors while jobs flow), or a claim
        // from the floors found nothing though something woke it (it may sit below them). An idle queue, and a
        // claim from the head that found nothing, need none: it saw the whole queue.
        if (!jobs.isEmpty() || fromFloors) {
          scanHeadWhenDue();
        }
      }
      return new Answer(jobs, waits);
    });
  }

  /**
   * Starts a head scan when one is due, or arms a timer for when it will be: the scan finds what sits below
   * the floors, and when it lowers one, the loop claims again. Called at start and after claims.
   */
  void scanHeadWhenDue() {
    HeadScanPace pace = keyFrontier != null ? keyFrontier.pace() : readsFloors() ? frontier.pace() : null;
    if (headClient == null || pace == null || stopped || pace.scanning() || headTimer >= 0) {
      return;
    }
    long inMs = pace.dueInMs();
    if (inMs > 0) {
      headTimer = vertx.setTimer(inMs, t -> {
        headTimer = -1;
        scanHeadWhenDue();
      });
      return;
    }
    pace.started();
    String sql = keyFrontier != null ? keyedHeadSql : headSql;
    Tuple params = keyFrontier != null ? Tuple.of(queue, tasks, limits.serial()) : Tuple.of(queue, (Object) tasks);
    headClient.preparedQuery(sql).execute(params).onComplete(ar -> {
      if (ar.failed()) {
        // the claims on the worker's own connection say so when the database is gone; the floors stay
        pace.failed();
        LOG.log(System.Logger.Level.DEBUG, "head scan of queue {0} failed: {1}", queue, ar.cause().toString());
        return;
      }
      stats.headScanned();
      Row head = ar.result().iterator().next();
      boolean lowered = keyFrontier != null
          ? keyFrontier.headScanned(head.getArrayOfStrings(0), head.getArrayOfShorts(1),
              head.getArrayOfOffsetDateTimes(2), head.getArrayOfLongs(5), head.getOffsetDateTime(3),
              head.getOffsetDateTime(4))
          : frontier.headScanned(head.getArrayOfShorts(0), head.getArrayOfOffsetDateTimes(1),
              head.getOffsetDateTime(2), head.getOffsetDateTime(3));
      if (lowered && !stopped) {
        this.lowered.run();
      }
    });
  }

  /** No more head scans: the producer stopped claiming. */
  void stop() {
    stopped = true;
    if (headTimer >= 0) {
      vertx.cancelTimer(headTimer);
      headTimer = -1;
    }
  }
}
