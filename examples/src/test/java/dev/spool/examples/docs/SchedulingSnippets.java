package dev.spool.examples.docs;

import static io.vertx.core.Future.await;

import dev.spool.EnqueueOptions;
import dev.spool.JobClient;
import dev.spool.JobHandlers;
import dev.spool.PeriodicJob;
import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.RetentionOptions;
import dev.spool.Snooze;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** The snippets of docs/guides/scheduling.md, compiled. */
final class SchedulingSnippets {

  static final Task<JsonObject> SYNC = Task.json("nightly-sync");
  static final Task<JsonObject> REFRESH = Task.json("refresh");
  static final Task<JsonObject> IMPORT = Task.json("import");
  static final Task<JsonObject> SEND_EMAIL = Task.json("send-email");
  static final Task<JsonObject> REPORT = Task.json("report");
  static final Task<JsonObject> POLL_EXPORT = Task.json("poll-export");

  static Spool periodic(Vertx vertx, String url) {
    // snippet:start periodic
    Spool spool = Spool.builder(vertx).connectingTo(url)
        .periodic(PeriodicJob.cron("nightly-sync", "0 8 * * *", SYNC, new JsonObject()).catchUp(PeriodicJob.CatchUp.LATEST))
        .periodic(PeriodicJob.every("refresh", Duration.ofMinutes(5), REFRESH, new JsonObject())
            .options(new EnqueueOptions().setQueue("maintenance")).runOnStart(true))   // also once when a leader starts
        .build();
    // snippet:end periodic
    return spool;
  }

  static long unique(JobClient client, JsonObject args, String fileId) {
    // snippet:start unique
    long id = await(client.enqueue(IMPORT, args, new EnqueueOptions().setUniqueKey("import:" + fileId)));
    // snippet:end unique
    return id;
  }

  static WorkerOptions queueLimits(JobClient client, JsonObject args) {
    // snippet:start queue-limits
    WorkerOptions options = new WorkerOptions().setQueues("default", "emails", "reports")
        .setQueueOptions("emails", new QueueOptions().setRateLimit(RateLimit.perSecond(30)))
        .setQueueOptions("reports", new QueueOptions().setConcurrency(2).setGlobalConcurrency(4))
        .setTaskRateLimit("call-partner-api", RateLimit.of(10, Duration.ofMinutes(1)));
    await(client.enqueue(SEND_EMAIL, args, new EnqueueOptions().setQueue("emails").setPriority(-10)));
    // snippet:end queue-limits
    return options;
  }

  static WorkerOptions fair(JobClient client, JsonObject args) {
    // snippet:start fair
    WorkerOptions options = new WorkerOptions().setQueues("reports").setQueueOptions("reports",
        new QueueOptions().setFair(true).setKeyConcurrency(2).setKeyRateLimit(RateLimit.perSecond(20)));
    await(client.enqueue(REPORT, args, new EnqueueOptions().setQueue("reports").setKey("tenant-42")));
    // snippet:end fair
    return options;
  }

  static SpoolOptions retention() {
    // snippet:start retention
    SpoolOptions options = new SpoolOptions().setRetention(new RetentionOptions()
        .setCompleted(Duration.ofHours(1)).setDead(Duration.ofDays(7)).setCancelled(Duration.ofDays(1)));
    // snippet:end retention
    return options;
  }

  /** An export service that answers whether an export is ready. */
  interface Exports {
    Future<ExportStatus> status(String id);
  }

  /** An export's status. */
  interface ExportStatus {
    boolean ready();
  }

  static Future<JsonObject> download(ExportStatus status) {
    return Future.succeededFuture(new JsonObject());
  }

  static void snooze(JobHandlers handlers, Exports exports) {
    // snippet:start snooze
    handlers.register(POLL_EXPORT, (args, ctx) -> exports.status(args.getString("id"))
        .compose(s -> s.ready() ? download(s) : Snooze.after(Duration.ofSeconds(30))));
    // snippet:end snooze
  }

  private SchedulingSnippets() {}
}
