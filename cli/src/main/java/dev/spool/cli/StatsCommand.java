package dev.spool.cli;

import dev.spool.QueueSummary;
import dev.spool.admin.JobJson;
import io.vertx.core.json.JsonObject;
import java.util.List;
import picocli.CommandLine.Command;

/** Jobs per queue and state, with pauses and the age of each queue's oldest due job. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Show jobs per queue and state.")
final class StatsCommand extends Operator {

  @Override
  int run(Session session) throws Exception {
    List<QueueSummary> queues = Await.result(session.admin.queues());
    if (json) {
      JsonObject byQueue = new JsonObject();
      for (QueueSummary q : queues) {
        byQueue.put(q.name(), JobJson.counts(q.counts()).put("paused", q.paused())
            .put("oldest_available_seconds", JobJson.queue(q).getValue("oldest_available_seconds")));
      }
      return printJson(new JsonObject().put("queues", byQueue).put("totals", JobJson.totals(queues)), OK);
    }
    Tables.queues(out(), queues);
    return OK;
  }
}
