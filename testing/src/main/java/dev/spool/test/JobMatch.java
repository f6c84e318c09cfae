package dev.spool.test;

import dev.spool.Task;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which enqueued jobs an assertion looks for: every criterion set must hold. Arguments match as a JSON subset
 * (each field given is present with an equal value, nested objects likewise; arrays equal), or by a
 * predicate; a scheduled time matches within a tolerance.
 *
 * <pre>{@code
 * JobMatch.task("send-email").args(new JsonObject().put("to", "a@example.com")).queue("mail")
 * }</pre>
 */
public final class JobMatch {

  /** The tolerance of {@link #runAt(Instant)}. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(1);

  private String task;
  private boolean taskDeclared;
  private JsonObject args;
  private Predicate<JsonObject> argsPredicate;
  private String argsPredicateName;
  private String queue;
  private Integer priority;
  private Instant runAt;
  private Duration tolerance;
  private String key;
  private String uniqueKey;
  private List<Long> parents;

  private JobMatch() {}

  /**
   * Any enqueued job.
   *
   * @return the criteria
   */
  public static JobMatch any() {
    return new JobMatch();
  }

  /**
   * Jobs of the task of this name.
   *
   * @param name the task's name
   * @return the criteria
   */
  public static JobMatch task(String name) {
    JobMatch m = new JobMatch();
    m.task = Objects.requireNonNull(name, "name");
    return m;
  }

  /**
   * Jobs of this task (declared in code, so its name is never suspected of a typo).
   *
   * @param task the task
   * @return the criteria
   */
  public static JobMatch task(Task<?> task) {
    JobMatch m = task(task.name());
    m.taskDeclared = true;
    return m;
  }

  /**
   * Arguments holding at least these fields with these values (a JSON subset).
   *
   * @param subset the fields the arguments must hold
   * @return these criteria
   */
  public JobMatch args(JsonObject subset) {
    this.args = subset.copy();
    return this;
  }

  /**
   * Arguments for which {@code predicate} holds; {@code description} names it in failure messages.
   *
   * @param description what the predicate checks, for failure messages
   * @param predicate the check of the arguments
   * @return these criteria
   */
  public JobMatch argsThat(String description, Predicate<JsonObject> predicate) {
    this.argsPredicate = Objects.requireNonNull(predicate, "predicate");
    this.argsPredicateName = description;
    return this;
  }

  /**
   * In this queue.
   *
   * @param queue the queue's name
   * @return these criteria
   */
  public JobMatch queue(String queue) {
    this.queue = queue;
    return this;
  }

  /**
   * Of this priority.
   *
   * @param priority the priority
   * @return these criteria
   */
  public JobMatch priority(int priority) {
    this.priority = priority;
    return this;
  }

  /**
   * Due at {@code at}, within {@link #DEFAULT_TOLERANCE}.
   *
   * @param at the instant
   * @return these criteria
   */
  public JobMatch runAt(Instant at) {
    return runAt(at, DEFAULT_TOLERANCE);
  }

  /**
   * Due at {@code at}, within {@code tolerance} either way.
   *
   * @param at the instant
   * @param tolerance the most it may differ either way
   * @return these criteria
   */
  public JobMatch runAt(Instant at, Duration tolerance) {
    this.runAt = Objects.requireNonNull(at, "at");
    this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
    return this;
  }

  /**
   * The job's key (a keyed queue's, {@code EnqueueOptions.setKey}).
   *
   * @param key the key
   * @return these criteria
   */
  public JobMatch key(String key) {
    this.key = key;
    return this;
  }

  /**
   * The job's unique key ({@code EnqueueOptions.setUniqueKey}).
   *
   * @param uniqueKey the unique key
   * @return these criteria
   */
  public JobMatch uniqueKey(String uniqueKey) {
    this.uniqueKey = uniqueKey;
    return this;
  }

  /**
   * Waits on exactly these parents (a workflow step's), in any order.
   *
   * @param ids the parents' job ids
   * @return these criteria
   */
  public JobMatch parents(Long... ids) {
    this.parents = Arrays.stream(ids).sorted().toList();
    return this;
  }

  /**
   * The task name looked for, or null for any.
   *
   * @return the task name, or null
   */
  public String taskName() {
    return task;
  }

  /** True when the task was given as a {@link Task} rather than a name. */
  boolean isTaskDeclared() {
    return taskDeclared;
  }

  /**
   * True when {@code job} meets every criterion.
   *
   * @param job an enqueued job
   * @return true when it matches
   */
  public boolean matches(EnqueuedJob job) {
    return mismatches(job).isEmpty();
  }

  /**
   * Why {@code job} does not match, one phrase per criterion it fails; empty when it matches.
   *
   * @param job an enqueued job
   * @return the mismatches, empty when it matches
   */
  public List<String> mismatches(EnqueuedJob job) {
    List<String> out = new ArrayList<>();
    if (task != null && !task.equals(job.task())) {
      out.add("task is \"" + job.task() + "\"");
    }
    if (args != null) {
      if (job.args() == null) {
        out.add("args are not JSON");
      } else {
        subsetMismatch("args", args, job.args(), out);
      }
    }
    if (argsPredicate != null && (job.args() == null || !argsPredicate.test(job.args()))) {
      out.add("args fail " + argsPredicateName);
    }
    if (queue != null && !queue.equals(job.queue())) {
      out.add("queue is \"" + job.queue() + "\"");
    }
    if (priority != null && priority != job.priority()) {
      out.add("priority is " + job.priority());
    }
    if (runAt != null && Duration.between(runAt, job.runAt()).abs().compareTo(tolerance) > 0) {
      out.add("run_at is " + job.runAt() + ", " + Duration.between(runAt, job.runAt()) + " off");
    }
    if (key != null && !key.equals(job.key())) {
      out.add("key is " + quoted(job.key()));
    }
    if (uniqueKey != null && !uniqueKey.equals(job.uniqueKey())) {
      out.add("unique key is " + quoted(job.uniqueKey()));
    }
    if (parents != null && !parents.equals(job.parents())) {
      out.add("parents are " + job.parents());
    }
    return out;
  }

  private static void subsetMismatch(String path, JsonObject expected, JsonObject actual, List<String> out) {
    for (Map.Entry<String, Object> e : expected) {
      String at = path + "." + e.getKey();
      if (!actual.containsKey(e.getKey())) {
        out.add(at + " is missing");
        continue;
      }
      Object want = e.getValue();
      Object got = actual.getValue(e.getKey());
      if (want instanceof JsonObject w && got instanceof JsonObject g) {
        subsetMismatch(at, w, g, out);
      } else if (!sameJson(want, got)) {
        out.add(at + " is " + encode(got) + ", expected " + encode(want));
      }
    }
  }

  private static boolean sameJson(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new java.math.BigDecimal(x.toString()).compareTo(new java.math.BigDecimal(y.toString())) == 0;
    }
    if (a instanceof JsonArray x && b instanceof JsonArray y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameJson(x.getValue(i), y.getValue(i))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  private static String encode(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return "\"" + s + "\"";
    }
    return value instanceof JsonObject o ? o.encode() : value instanceof JsonArray a ? a.encode() : value.toString();
  }

  private static String quoted(String s) {
    return s == null ? "none" : "\"" + s + "\"";
  }

  /** The criteria, for failure messages: {@code task "send-email", args ⊇ {...}, queue "mail"}. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (task != null) {
      parts.add("task \"" + task + "\"");
    }
    if (args != null) {
      parts.add("args ⊇ " + args.encode());
    }
    if (argsPredicate != null) {
      parts.add("args " + argsPredicateName);
    }
    if (queue != null) {
      parts.add("queue \"" + queue + "\"");
    }
    if (priority != null) {
      parts.add("priority " + priority);
    }
    if (runAt != null) {
      parts.add("run_at " + runAt + " ± " + tolerance);
    }
    if (key != null) {
      parts.add("key \"" + key + "\"");
    }
    if (uniqueKey != null) {
      parts.add("unique key \"" + uniqueKey + "\"");
    }
    if (parents != null) {
      parts.add("parents " + parents);
    }
    return parts.isEmpty() ? "any job" : String.join(", ", parts);
  }
}
