package dev.spool.cli;

import dev.spool.JobState;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dead list|retry|purge}: the dead letters. */
@Command(name = "dead", mixinStandardHelpOptions = true, description = "List, retry and purge dead jobs.",
    subcommands = {DeadCommand.ListDead.class, DeadCommand.RetryDead.class, DeadCommand.Purge.class})
final class DeadCommand implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw UsageErrors.missingSubcommand(spec);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead jobs with their last error, newest first.")
  static final class ListDead extends Operator {
    @CommandLine.Mixin
    JobsCommand.Filters filters = new JobsCommand.Filters();

    private dev.spool.JobQuery query;

    @Override
    void validate() {
      query = filters.query().setState(JobState.DEAD);
    }

    @Override
    int run(Session session) throws Exception {
      return JobsCommand.list(this, session, query);
    }
  }

  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = "Run dead jobs again (all, or of a queue and/or task).")
  static final class RetryDead extends Operator {
    @Option(names = "--queue", description = "only this queue")
    String queue;

    @Option(names = "--task", description = "only this task")
    String task;

    @Override
    int run(Session session) throws Exception {
      int n = Await.result(session.admin.retryDead(queue, task));
      if (json) {
        return printJson(new JsonObject().put("retried", n).put("queue", queue).put("task", task), OK);
      }
      out().println("retried " + n + " dead jobs");
      return OK;
    }
  }

  @Command(name = "purge", mixinStandardHelpOptions = true,
      description = "Delete dead jobs of a queue and/or task, or all of them with --all.")
  static final class Purge extends Operator {
    @Option(names = "--queue", description = "only this queue")
    String queue;

    @Option(names = "--task", description = "only this task")
    String task;

    @Option(names = "--all", description = "every dead job (required when neither --queue nor --task is given)")
    boolean all;

    @Override
    void validate() {
      if (queue == null && task == null && !all) {
        throw usage("purge which dead jobs? give --queue and/or --task, or --all");
      }
    }

    @Override
    int run(Session session) throws Exception {
      int n = Await.result(session.admin.purgeDead(queue, task));
      if (json) {
        return printJson(new JsonObject().put("purged", n).put("queue", queue).put("task", task), OK);
      }
      out().println("purged " + n + " dead jobs");
      return OK;
    }
  }
}
