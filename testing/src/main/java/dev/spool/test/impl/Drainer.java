package dev.spool.test.impl;

import static dev.spool.test.impl.Await.result;

import dev.spool.impl.inline.InlineRun;
import dev.spool.impl.inline.InlineRunner;
import dev.spool.impl.inline.TestStore;
import dev.spool.test.DrainOptions;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One drain: rounds of "read what is due, check every due task has a handler, claim and run it", the first
 * round only unless the drain follows, and no more jobs than its limit.
 */
public final class Drainer {

  /** Most enqueued jobs one round reads. */
  static final int MAX_JOBS_READ = 10_000;

  private final SqlClient pool;
  private final TestStore store;
  private final Set<String> handled;
  private final Supplier<InlineRunner> runner;

  /**
   * @param handled the tasks that have a handler
   * @param runner the runner of those handlers
   */
  public Drainer(SqlClient pool, TestStore store, Set<String> handled, Supplier<InlineRunner> runner) {
    this.pool = pool;
    this.store = store;
    this.handled = handled;
    this.runner = runner;
  }

  /**
   * Runs the due jobs of {@code queues} (all queues when null); {@code what} names the call in errors.
   * Throws {@link IllegalStateException} when a due job has no handler, or when more than the limit would run.
   */
  public List<InlineRun> drain(String what, List<String> queues, DrainOptions options) {
    List<InlineRun> runs = new ArrayList<>();
    List<String> tasks = List.copyOf(handled);
    while (true) {
      if (options.isIncludeScheduled()) {
        result(store.runScheduledNow(pool, queues));
      }
      List<TestStore.EnqueuedRow> due = result(store.enqueued(pool, MAX_JOBS_READ)).stream()
          .filter(r -> r.state().equals("available") && !r.scheduled() && (queues == null || queues.contains(r.queue())))
          .toList();
      checkServed(what, due);
      if (due.isEmpty()) {
        break;
      }
      if (runs.size() >= options.getMaxJobs()) {
        throw new IllegalStateException(what + " stopped after " + runs.size() + " jobs (DrainOptions.maxJobs) with "
            + due.size() + " still due: " + countByTask(due) + ". A handler that enqueues a job each time it runs "
            + "keeps a followed drain going forever; raise maxJobs if the work is finite.");
      }
      Map<String, Long> byQueue = due.stream().collect(Collectors.groupingBy(TestStore.EnqueuedRow::queue,
          LinkedHashMap::new, Collectors.counting()));
      int ranBefore = runs.size();
      for (Map.Entry<String, Long> q : byQueue.entrySet()) {
        int max = (int) Math.min(q.getValue(), options.getMaxJobs() - runs.size());
        if (max <= 0) {
          break;
        }
        runs.addAll(result(runner.get().claimAndRun(q.getKey(), tasks, max, options.getLimits())));
      }
      // a round that ran nothing found every due job held back by a limit: another would find the same
      if (!options.isFollow() || runs.size() == ranBefore) {
        break;
      }
    }
    return runs;
  }

  private void checkServed(String what, List<TestStore.EnqueuedRow> due) {
    List<TestStore.EnqueuedRow> unserved = due.stream().filter(r -> !handled.contains(r.task())).toList();
    if (unserved.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder(what).append(": ").append(unserved.size())
        .append(unserved.size() == 1 ? " due job has" : " due jobs have").append(" no handler, so nothing would run ")
        .append(unserved.size() == 1 ? "it" : "them").append(": ").append(countByTask(unserved)).append('.');
    message.append(handled.isEmpty() ? " No handler is registered (SpoolTester.register)."
        : " Registered: " + String.join(", ", handled) + ".");
    for (String task : unserved.stream().map(TestStore.EnqueuedRow::task).distinct().toList()) {
      String closest = Typos.closest(task, handled);
      if (closest != null) {
        message.append(" Did you mean \"").append(closest).append("\" for \"").append(task).append("\"?");
      }
    }
    throw new IllegalStateException(message.toString());
  }

  private static String countByTask(List<TestStore.EnqueuedRow> rows) {
    return rows.stream().collect(Collectors.groupingBy(TestStore.EnqueuedRow::task, LinkedHashMap::new,
            Collectors.counting()))
        .entrySet().stream().map(e -> "task \"" + e.getKey() + "\" (" + e.getValue() + ")")
        .collect(Collectors.joining(", "));
  }
}
