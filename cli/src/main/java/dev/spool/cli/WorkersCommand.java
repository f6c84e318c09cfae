package dev.spool.cli;

import dev.spool.admin.JobJson;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code workers list}: the registered workers with their active and reserved jobs. */
@Command(name = "workers", mixinStandardHelpOptions = true, description = "List the registered workers.",
    subcommands = {WorkersCommand.ListWorkers.class})
final class WorkersCommand implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw UsageErrors.missingSubcommand(spec);
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List workers as of their last heartbeat: queues, jobs running a handler (active), jobs "
          + "claimed into the prefetch buffer and not started (reserved), the running jobs' ids, the leader.")
  static final class ListWorkers extends Operator {
    @Override
    int run(Session session) throws Exception {
      var workers = Await.result(session.admin.workers());
      if (json) {
        return printJson(new JsonObject().put("workers", JobJson.workers(workers, Instant.now())), OK);
      }
      Tables.workers(out(), workers, Instant.now());
      return OK;
    }
  }
}
