package dev.spool.cli;

import dev.spool.EnqueueOptions;
import dev.spool.Task;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Enqueues one job, or {@code --count} copies of it, with JSON arguments. */
@Command(name = "enqueue", mixinStandardHelpOptions = true, description = "Enqueue jobs with JSON arguments.")
final class EnqueueCommand extends Operator {

  /** Copies per statement with --count. */
  static final int BATCH = 1000;
  static final int MAX_COUNT = 1_000_000;

  @Option(names = "--task", required = true, description = "task name, e.g. spool.noop")
  String task;

  @Option(names = "--args", defaultValue = "{}", description = "arguments, a JSON object (default: ${DEFAULT-VALUE})")
  String args;

  @Option(names = "--queue", defaultValue = EnqueueOptions.DEFAULT_QUEUE, description = "queue (default: ${DEFAULT-VALUE})")
  String queue;

  @Option(names = "--priority", defaultValue = "0", description = "lower runs first (default: ${DEFAULT-VALUE})")
  int priority;

  @Option(names = "--delay", converter = DurationConverter.class, description = "run after this long: 30s, 5m, 2h...")
  Duration delay;

  @Option(names = "--max-attempts", defaultValue = "" + EnqueueOptions.DEFAULT_MAX_ATTEMPTS,
      description = "attempts before the job is dead (default: ${DEFAULT-VALUE})")
  int maxAttempts;

  @Option(names = "--timeout", converter = DurationConverter.class, description = "hard limit of a run (default: the handler's)")
  Duration timeout;

  @Option(names = "--soft-timeout", converter = DurationConverter.class,
      description = "soft limit of a run, below the hard one: the handler is told (default: the handler's)")
  Duration softTimeout;

  @Option(names = "--unique-key", description = "no second job with this key while one may still run")
  String uniqueKey;

  @Option(names = "--key", description = "the job's key (a tenant, an account, a document) for keyed queues")
  String key;

  @Option(names = "--count", defaultValue = "1", description = "copies to enqueue (default: ${DEFAULT-VALUE})")
  int count;

  private JsonObject arguments;
  private Task<JsonObject> t;
  private EnqueueOptions options;

  @Override
  void validate() {
    try {
      arguments = new JsonObject(args);
    } catch (DecodeException | ClassCastException e) {
      throw usage("--args must be a JSON object: " + e.getMessage());
    }
    if (count < 1 || count > MAX_COUNT) {
      throw usage("--count must be 1 to " + MAX_COUNT + ", got " + count);
    }
    if (uniqueKey != null && count > 1) {
      throw usage("--unique-key allows one job; drop --count");
    }
    t = Task.json(task);
    options = new EnqueueOptions().setQueue(queue).setPriority(priority).setMaxAttempts(maxAttempts)
        .setUniqueKey(uniqueKey).setKey(key);
    if (delay != null) {
      options.setDelay(delay);
    }
    if (timeout != null) {
      options.setTimeout(timeout);
    }
    if (softTimeout != null) {
      options.setSoftTimeout(softTimeout);
    }
    options.validate();
  }

  @Override
  int run(Session session) throws Exception {
    List<Long> ids = new ArrayList<>(count);
    if (count == 1) {
      ids.add(Await.result(session.spool.client().enqueue(t, arguments, options)));
    } else {
      for (int done = 0; done < count; done += BATCH) {
        int n = Math.min(BATCH, count - done);
        ids.addAll(Await.result(session.spool.client().enqueueBatch(t, Collections.nCopies(n, arguments), options)));
      }
    }
    if (json) {
      return printJson(new JsonObject().put("count", ids.size()).put("ids", new JsonArray(new ArrayList<>(ids))), OK);
    }
    out().println(ids.size() == 1 ? "enqueued job " + ids.get(0) + " (" + task + " on queue " + queue + ")"
        : "enqueued " + ids.size() + " jobs (" + task + " on queue " + queue + "), ids " + ids.get(0) + " to "
            + ids.get(ids.size() - 1));
    return OK;
  }
}
