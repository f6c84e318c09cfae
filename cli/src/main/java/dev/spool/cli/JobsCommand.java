package dev.spool.cli;

import dev.spool.BulkFilter;
import dev.spool.CancelResult;
import dev.spool.Job;
import dev.spool.JobEvent;
import dev.spool.JobExplanation;
import dev.spool.JobQuery;
import dev.spool.JobState;
import dev.spool.RetryResult;
import dev.spool.admin.JobJson;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jobs list|show|explain|await|cancel|delete|move|retry}. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List, show, explain, await, cancel and retry jobs.",
    subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Explain.class, JobsCommand.AwaitJob.class,
        JobsCommand.Cancel.class, JobsCommand.Delete.class, JobsCommand.Move.class, JobsCommand.Retry.class})
final class JobsCommand implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw UsageErrors.missingSubcommand(spec);
  }

  /** Filters shared by {@code jobs list} and {@code dead list}. */
  static final class Filters {
    @Option(names = "--queue", description = "only this queue")
    String queue;

    @Option(names = "--task", description = "only this task")
    String task;

    @Option(names = "--key", description = "only jobs of this key")
    String key;

    @Option(names = "--limit", defaultValue = "" + JobQuery.DEFAULT_LIMIT,
        description = "at most this many, newest first (default: ${DEFAULT-VALUE}, at most " + JobQuery.MAX_LIMIT + ")")
    int limit;

    @Option(names = "--before", description = "only ids below this one (the next page)")
    Long before;

    JobQuery query() {
      return new JobQuery().setQueue(queue).setTask(task).setKey(key).setLimit(limit).setBeforeId(before);
    }
  }

  static int list(Operator command, Operator.Session session, JobQuery query) throws Exception {
    List<Job> jobs = Await.result(session.admin.list(query));
    if (command.json) {
      return command.printJson(new JsonObject().put("jobs", JobJson.jobs(jobs))
          .put("next_before", jobs.isEmpty() ? null : jobs.get(jobs.size() - 1).id()), Operator.OK);
    }
    Tables.jobs(command.out(), jobs);
    return Operator.OK;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
  static final class ListJobs extends Operator {
    @CommandLine.Mixin
    Filters filters = new Filters();

    @Option(names = "--state", description = "available, scheduled, running, completed, dead or cancelled")
    String state;

    private JobQuery query;

    @Override
    void validate() {
      query = filters.query();
      if (state != null) {
        try {
          query.setState(JobState.fromSql(state));
        } catch (IllegalArgumentException e) {
          throw usage("--state must be available, scheduled, running, completed, dead or cancelled, got " + state);
        }
      }
    }

    @Override
    int run(Session session) throws Exception {
      return list(this, session, query);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a job, its last error and its history.")
  static final class Show extends Operator {
    @Parameters(paramLabel = "ID", description = "job id")
    long id;

    @Override
    int run(Session session) throws Exception {
      Optional<Job> job = Await.result(session.admin.find(id));
      if (job.isEmpty()) {
        return fail(FAILED, "no job " + id + " (it may have completed and been deleted)");
      }
      boolean history = Await.result(session.admin.historyEnabled());
      List<JobEvent> events = history ? Await.result(session.admin.history(id)) : null;
      if (json) {
        JsonObject out = JobJson.job(job.get()).put("history_enabled", history);
        Await.result(session.admin.outcome(id)).ifPresent(o -> out.put("result", o.getValue("result"))
            .put("progress", o.getValue("progress")).put("parents", o.getValue("parents"))
            .put("children", o.getValue("children")).put("workflow_id", o.getValue("workflow_id"))
            .put("step", o.getValue("step")));
        if (events != null) {
          out.put("history", JobJson.events(events));
        }
        return printJson(out, OK);
      }
      Tables.job(out(), job.get(), events);
      return OK;
    }
  }

  /** Exit code of {@code jobs await} when the job did not finish in time. */
  static final int TIMED_OUT = 3;

  @Command(name = "await", mixinStandardHelpOptions = true,
      description = "Wait until a job finishes: exit 0 completed, 1 dead or cancelled (or unknown), 3 on timeout.")
  static final class AwaitJob extends Operator {
    @Parameters(paramLabel = "ID", description = "job id")
    long id;

    @picocli.CommandLine.Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
        description = "how long to wait (default: 30s)")
    java.time.Duration timeout;

    @Override
    int run(Session session) throws Exception {
      dev.spool.JobResult result;
      try {
        result = Await.result(session.spool.client().await(id, timeout));
      } catch (dev.spool.AwaitTimeoutException e) {
        return json ? printJson(new JsonObject().put("id", id).put("state", "timeout"), TIMED_OUT) : fail(TIMED_OUT, e.getMessage());
      } catch (dev.spool.NoSuchJobException e) {
        return fail(FAILED, e.getMessage());
      }
      int code = result.isCompleted() ? OK : FAILED;
      if (json) {
        return printJson(result.toJson(), code);
      }
      out().println("job " + id + " " + result.state().sqlName()
          + (result.bytes() != null ? ": " + result.toJson().getValue("result") : "")
          + (result.error() != null && !result.isCompleted() ? ": " + result.error().getString("message") : ""));
      return code;
    }
  }

  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = "Why is this job not running? Each reason that applies, with its figures.")
  static final class Explain extends Operator {
    @Parameters(paramLabel = "ID", description = "job id")
    long id;

    @Override
    int run(Session session) throws Exception {
      Optional<JobExplanation> found = Await.result(session.admin.explain(id));
      if (found.isEmpty()) {
        return fail(FAILED, "no job " + id + " (it may have completed and been deleted)");
      }
      if (json) {
        return printJson(JobJson.explanation(found.get()), OK);
      }
      JobExplanation e = found.get();
      out().println("job " + id + " is " + e.state().sqlName() + (e.reasons().isEmpty()
          ? ": nothing holds it back; it runs when a worker of its queue next claims" : ":"));
      for (JobExplanation.Reason r : e.reasons()) {
        out().println("  - " + r.message());
      }
      return OK;
    }
  }

  /** The filter of the bulk actions: {@code --queue --task --state --created-before --all --dry-run}. */
  static final class Pending {
    @Option(names = "--queue", description = "only pending jobs of this queue")
    String queue;

    @Option(names = "--task", description = "only pending jobs of this task")
    String task;

    @Option(names = "--state", description = "available (due now) or scheduled (due later); default both")
    String state;

    @Option(names = "--created-before", description = "only jobs created before this instant (2026-01-31T00:00:00Z)")
    java.time.Instant createdBefore;

    @Option(names = "--all", description = "every pending job (required when no other filter is given)")
    boolean all;

    @Option(names = "--dry-run", description = "count the matching jobs, change nothing")
    boolean dryRun;

    boolean given() {
      return queue != null || task != null || state != null || createdBefore != null || all;
    }

    BulkFilter filter() {
      return new BulkFilter().setQueue(queue).setTask(task).setState(state == null ? null : JobState.fromSql(state))
          .setCreatedBefore(createdBefore).setAll(all).validate();
    }
  }

  /** Runs a bulk action (or its dry run) and prints how many jobs it took. */
  static int bulk(Operator command, Operator.Session session, BulkFilter filter, boolean dryRun, String action,
      String to) throws Exception {
    long n = Await.result(dryRun ? session.admin.countPending(filter) : switch (action) {
      case "cancel" -> session.admin.cancelPending(filter);
      case "delete" -> session.admin.deletePending(filter);
      default -> session.admin.movePending(filter, to);
    });
    if (command.json) {
      return command.printJson(new JsonObject().put("action", action).put("dry_run", dryRun).put("jobs", n)
          .put("filter", filter.toJson()).put("to", to), Operator.OK);
    }
    String done = switch (action) {
      case "cancel" -> "cancelled";
      case "delete" -> "deleted";
      default -> "moved to queue " + to;
    };
    command.out().println(dryRun ? n + " pending jobs match; nothing changed (without --dry-run they would be " + done + ")"
        : n + " pending jobs " + done);
    return Operator.OK;
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete pending jobs by filter, in bounded batches (--dry-run counts them).")
  static final class Delete extends Operator {
    @CommandLine.Mixin
    Pending pending = new Pending();

    private BulkFilter filter;

    @Override
    void validate() {
      filter = pending.filter();
    }

    @Override
    int run(Session session) throws Exception {
      return bulk(this, session, filter, pending.dryRun, "delete", null);
    }
  }

  @Command(name = "move", mixinStandardHelpOptions = true,
      description = "Move pending jobs by filter to another queue, in bounded batches (--dry-run counts them).")
  static final class Move extends Operator {
    @CommandLine.Mixin
    Pending pending = new Pending();

    @Option(names = "--to", required = true, description = "the queue to move them to")
    String to;

    private BulkFilter filter;

    @Override
    void validate() {
      try {
        new dev.spool.EnqueueOptions().setQueue(to); // a bad target is a usage error before anything moves
      } catch (IllegalArgumentException e) {
        throw usage("--to: " + e.getMessage());
      }
      filter = pending.filter();
    }

    @Override
    int run(Session session) throws Exception {
      return bulk(this, session, filter, pending.dryRun, "move", to);
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancel a job (at once when waiting, by telling its worker when running), or pending jobs by "
          + "filter in bounded batches (--dry-run counts them).")
  static final class Cancel extends Operator {
    @Parameters(paramLabel = "ID", arity = "0..1", description = "job id")
    Long id;

    @CommandLine.Mixin
    Pending pending = new Pending();

    private BulkFilter filter;

    @Override
    void validate() {
      if (id != null && (pending.given() || pending.dryRun)) {
        throw usage("give a job id or filters, not both");
      }
      if (id == null) {
        if (!pending.given()) {
          throw usage("cancel which jobs? give an ID, or --queue/--task/--state/--created-before, or --all");
        }
        filter = pending.filter();
      }
    }

    @Override
    int run(Session session) throws Exception {
      if (id == null) {
        return bulk(this, session, filter, pending.dryRun, "cancel", null);
      }
      CancelResult result = Await.result(session.spool.client().cancel(id));
      int code = result == CancelResult.CANCELLED || result == CancelResult.CANCEL_REQUESTED ? OK : FAILED;
      if (json) {
        return printJson(new JsonObject().put("id", id).put("result", result.name().toLowerCase(Locale.ROOT)), code);
      }
      String text = switch (result) {
        case CANCELLED -> "job " + id + " cancelled";
        case CANCEL_REQUESTED -> "job " + id + " is running: its worker was told to stop; it ends cancelled unless it succeeds";
        case ALREADY_FINISHED -> "job " + id + " had already finished; nothing changed";
        case NOT_FOUND -> "no job " + id;
      };
      (code == OK ? out() : spec.commandLine().getErr()).println(text);
      return code;
    }
  }

  @Command(name = "retry", mixinStandardHelpOptions = true, description = "Run a dead or cancelled job again, now.")
  static final class Retry extends Operator {
    @Parameters(paramLabel = "ID", description = "job id")
    long id;

    @Override
    int run(Session session) throws Exception {
      RetryResult result = Await.result(session.admin.retry(id));
      int code = result == RetryResult.RETRIED ? OK : FAILED;
      if (json) {
        return printJson(new JsonObject().put("id", id).put("result", result.name().toLowerCase(Locale.ROOT)), code);
      }
      String text = switch (result) {
        case RETRIED -> "job " + id + " is available again";
        case NOT_RETRYABLE -> "job " + id + " is not dead or cancelled; nothing changed";
        case UNIQUE_KEY_HELD -> "another job that may still run holds the unique key of job " + id + "; nothing changed";
        case NOT_FOUND -> "no job " + id;
      };
      (code == OK ? out() : spec.commandLine().getErr()).println(text);
      return code;
    }
  }
}
