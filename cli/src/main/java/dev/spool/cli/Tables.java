package dev.spool.cli;

import dev.spool.Job;
import dev.spool.JobEvent;
import dev.spool.JobState;
import dev.spool.QueueSummary;
import dev.spool.WorkerStatus;
import dev.spool.admin.JobJson;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.List;

/** The text output of the operator commands: fixed-width tables and key/value blocks. */
final class Tables {

  private Tables() {}

  static void jobs(PrintWriter out, List<Job> jobs) {
    if (jobs.isEmpty()) {
      out.println("no jobs");
      return;
    }
    out.printf("%-10s %-10s %-14s %-24s %-8s %-27s %s%n", "ID", "STATE", "QUEUE", "TASK", "ATTEMPT", "RUN AT", "LAST ERROR");
    for (Job job : jobs) {
      out.printf("%-10d %-10s %-14s %-24s %-8s %-27s %s%n", job.id(), JobJson.reportedState(job).sqlName(),
          cut(job.queue(), 14), cut(job.task(), 24), job.attempt() + "/" + job.maxAttempts(), job.runAt(),
          job.lastError() == null ? "" : cut(error(job.lastError()), 60));
    }
  }

  static void job(PrintWriter out, Job job, List<JobEvent> history) {
    JsonObject json = JobJson.job(job);
    for (String field : json.fieldNames()) {
      Object value = json.getValue(field);
      if (value != null && !field.equals("last_error")) {
        out.printf("%-17s %s%n", field, value);
      }
    }
    if (job.lastError() != null) {
      out.printf("%-17s %s (attempt %s, %s)%n", "last_error", error(job.lastError()),
          job.lastError().getValue("attempt"), job.lastError().getValue("at"));
      String stack = job.lastError().getString("stack");
      if (stack != null) {
        stack.lines().limit(12).forEach(line -> out.println("    " + line));
      }
    }
    if (history != null) {
      out.println("history");
      if (history.isEmpty()) {
        out.println("    (no events recorded)");
      }
      for (JobEvent e : history) {
        out.printf("    %-27s %-10s -> %-10s attempt %d%s%n", e.at(), e.fromState() == null ? "(enqueued)" : e.fromState(),
            e.toState(), e.attempt(), e.error() == null ? "" : "  " + cut(error(e.error()), 80));
      }
    }
  }

  /** Workers: active jobs run their handler, reserved ones wait in the prefetch buffer; the first running ids. */
  static void workers(PrintWriter out, List<WorkerStatus> workers, java.time.Instant now) {
    if (workers.isEmpty()) {
      out.println("no workers");
      return;
    }
    out.printf("%-36s %-20s %6s %8s %-10s %-7s %s%n", "WORKER", "QUEUES", "ACTIVE", "RESERVED", "HEARTBEAT", "LEADER",
        "RUNNING");
    for (WorkerStatus w : workers) {
      List<Long> ids = w.runningIds();
      String running = ids.stream().limit(10).map(String::valueOf).collect(java.util.stream.Collectors.joining(","))
          + (ids.size() > 10 ? ",..." : "");
      out.printf("%-36s %-20s %6d %8d %-10s %-7s %s%n", cut(w.id(), 36), cut(String.join(",", w.queues()), 20),
          w.active(), w.reserved(), java.time.Duration.between(w.heartbeatAt(), now).toSeconds() + " s ago",
          w.leader() ? "yes" : "", running);
    }
  }

  static void queues(PrintWriter out, List<QueueSummary> queues) {
    if (queues.isEmpty()) {
      out.println("no queues");
      return;
    }
    out.printf("%-20s %-7s %10s %10s %8s %10s %8s %10s %12s%n", "QUEUE", "PAUSED", "AVAILABLE", "SCHEDULED", "RUNNING",
        "COMPLETED", "DEAD", "CANCELLED", "OLDEST DUE");
    long[] totals = new long[JobState.values().length];
    for (QueueSummary q : queues) {
      out.printf("%-20s %-7s %10d %10d %8d %10d %8d %10d %12s%n", cut(q.name(), 20), q.paused() ? "yes" : "no",
          q.count(JobState.AVAILABLE), q.count(JobState.SCHEDULED), q.count(JobState.RUNNING),
          q.count(JobState.COMPLETED), q.count(JobState.DEAD), q.count(JobState.CANCELLED),
          q.oldestAvailableSeconds() == null ? "-" : String.format("%.1f s", q.oldestAvailableSeconds()));
      q.counts().forEach((state, n) -> totals[state.ordinal()] += n);
    }
    out.printf("%-20s %-7s %10d %10d %8d %10d %8d %10d%n", "(all)", "", totals[JobState.AVAILABLE.ordinal()],
        totals[JobState.SCHEDULED.ordinal()], totals[JobState.RUNNING.ordinal()], totals[JobState.COMPLETED.ordinal()],
        totals[JobState.DEAD.ordinal()], totals[JobState.CANCELLED.ordinal()]);
  }

  private static String error(JsonObject error) {
    String cls = error.getString("class");
    String message = error.getString("message");
    return (cls == null ? "" : cls.substring(cls.lastIndexOf('.') + 1) + ": ") + (message == null ? "" : message);
  }

  private static String cut(String text, int width) {
    String oneLine = text.replace('\n', ' ');
    return oneLine.length() <= width ? oneLine : oneLine.substring(0, width - 1) + "…";
  }
}
