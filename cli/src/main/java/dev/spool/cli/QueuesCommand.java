package dev.spool.cli;

import dev.spool.admin.JobJson;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code queues list|pause|resume}. */
@Command(name = "queues", mixinStandardHelpOptions = true, description = "List, pause and resume queues.",
    subcommands = {QueuesCommand.ListQueues.class, QueuesCommand.Pause.class, QueuesCommand.Resume.class,
        QueuesCommand.Purge.class})
final class QueuesCommand implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw UsageErrors.missingSubcommand(spec);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List queues: pause, jobs per state, oldest due job.")
  static final class ListQueues extends Operator {
    @Override
    int run(Session session) throws Exception {
      var queues = Await.result(session.admin.queues());
      if (json) {
        return printJson(new JsonObject().put("queues", JobJson.queues(queues)), OK);
      }
      Tables.queues(out(), queues);
      return OK;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Pause a queue on every node: workers stop claiming from it; enqueues still go in.")
  static final class Pause extends Operator {
    @Parameters(paramLabel = "QUEUE")
    String queue;

    @Override
    int run(Session session) throws Exception {
      Await.result(session.spool.client().pauseQueue(queue));
      return json ? printJson(new JsonObject().put("queue", queue).put("paused", true), OK) : done("paused");
    }

    private int done(String what) {
      out().println("queue " + queue + " " + what);
      return OK;
    }
  }

  @Command(name = "purge", mixinStandardHelpOptions = true,
      description = "Delete a queue's pending jobs (available and scheduled) in bounded batches; --dry-run counts them.")
  static final class Purge extends Operator {
    @Parameters(paramLabel = "QUEUE")
    String queue;

    @picocli.CommandLine.Option(names = "--dry-run", description = "count them, change nothing")
    boolean dryRun;

    @Override
    int run(Session session) throws Exception {
      return JobsCommand.bulk(this, session, new dev.spool.BulkFilter().setQueue(queue), dryRun, "delete", null);
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused queue.")
  static final class Resume extends Operator {
    @Parameters(paramLabel = "QUEUE")
    String queue;

    @Override
    int run(Session session) throws Exception {
      Await.result(session.spool.client().resumeQueue(queue));
      if (json) {
        return printJson(new JsonObject().put("queue", queue).put("paused", false), OK);
      }
      out().println("queue " + queue + " resumed");
      return OK;
    }
  }
}
