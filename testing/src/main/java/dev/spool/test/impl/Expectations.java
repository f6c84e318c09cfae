package dev.spool.test.impl;

import dev.spool.impl.inline.TestStore;
import dev.spool.spi.JobCodec;
import dev.spool.test.EnqueuedJob;
import dev.spool.test.JobMatch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Reads enqueued jobs for the assertions and words their failures: the closest jobs, a likely typo. */
public final class Expectations {

  /** Most jobs a failure message lists. */
  public static final int CLOSEST_SHOWN = 5;

  private Expectations() {}

  /** A row as a test sees it: arguments as JSON, read by the task's codec when they are not JSON text. */
  public static EnqueuedJob job(TestStore.EnqueuedRow row, Function<String, JobCodec<?>> codecs) {
    return new EnqueuedJob(row.id(), row.task(), row.queue(), json(row.args(), codecs.apply(row.task())),
        row.priority(), row.runAt(), row.state(), row.key(), row.uniqueKey(), row.attempt(), row.maxAttempts(),
        row.workflowId(), row.step(), row.parents(), row.scheduled());
  }

  private static JsonObject json(byte[] args, JobCodec<?> codec) {
    try {
      return new JsonObject(Buffer.buffer(args));
    } catch (RuntimeException notJson) {
      if (codec == null) {
        return null;
      }
      try {
        Object decoded = codec.decode(args);
        return decoded instanceof JsonObject o ? o : JsonObject.mapFrom(decoded);
      } catch (Exception unreadable) {
        return null;
      }
    }
  }

  /**
   * Why no job matched: the criteria, the closest jobs and what differs in each, and a likely typo.
   *
   * @param readLimit the most jobs the assertion read: a failure with that many says the rest were not read
   */
  public static String noMatch(JobMatch match, List<EnqueuedJob> jobs, Set<String> registered, int readLimit) {
    StringBuilder out = new StringBuilder("expected an enqueued job matching ").append(match);
    if (jobs.isEmpty()) {
      out.append("\nbut no job is enqueued");
    } else {
      out.append("\nbut none of the ").append(jobs.size()).append(" enqueued job").append(jobs.size() == 1 ? "" : "s")
          .append(" matches; the closest:");
      jobs.stream().sorted(Comparator.comparingInt((EnqueuedJob j) -> match.mismatches(j).size())
              .thenComparingLong(EnqueuedJob::id))
          .limit(CLOSEST_SHOWN)
          .forEach(j -> out.append("\n  ").append(j.describe()).append(": ")
              .append(String.join("; ", match.mismatches(j))));
      if (jobs.size() > CLOSEST_SHOWN) {
        out.append("\n  (").append(jobs.size() - CLOSEST_SHOWN).append(" more)");
      }
    }
    if (jobs.size() >= readLimit) {
      out.append("\n(only the oldest ").append(readLimit).append(" enqueued jobs were read)");
    }
    String typo = typo(match.taskName(), jobs, registered);
    if (typo != null) {
      out.append("\n").append(typo);
    }
    return out.toString();
  }

  /** The jobs that matched a refutation. */
  public static String unexpected(JobMatch match, List<EnqueuedJob> matching) {
    StringBuilder out = new StringBuilder("expected no enqueued job matching ").append(match).append("\nbut found ")
        .append(matching.size()).append(':');
    matching.stream().limit(CLOSEST_SHOWN).forEach(j -> out.append("\n  ").append(j.describe()));
    if (matching.size() > CLOSEST_SHOWN) {
      out.append("\n  (").append(matching.size() - CLOSEST_SHOWN).append(" more)");
    }
    return out.toString();
  }

  /**
   * A note on a task name that no handler is registered for and no enqueued job has, naming the known
   * name it is closest to (registered or enqueued); null when the name is known or close to nothing.
   */
  public static String typo(String task, List<EnqueuedJob> jobs, Set<String> registered) {
    if (task == null || registered.contains(task) || jobs.stream().anyMatch(j -> j.task().equals(task))) {
      return null;
    }
    Collection<String> known = new LinkedHashSet<>(registered);
    jobs.forEach(j -> known.add(j.task()));
    String closest = Typos.closest(task, known);
    return closest == null ? null : "no handler is registered for task \"" + task
        + "\" and no job of it is enqueued: did you mean \"" + closest + "\"?";
  }
}
