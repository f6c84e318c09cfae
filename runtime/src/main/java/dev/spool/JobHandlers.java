package dev.spool;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The handlers a worker runs, by task name. A worker claims only jobs of the tasks registered here, so
 * jobs of other tasks wait for a worker that knows them instead of failing.
 */
public final class JobHandlers {

  /** One task's handler and options. */
  public record Registration<A>(Task<A> task, JobHandler<A> handler, HandlerOptions options) {

    /**
     * True when runs go to the blocking pool: {@code options.isBlocking()}, which registering sets for a
     * {@link BlockingJobHandler} (so the worker decides with one field, not a type test per job).
     *
     * @return true for blocking handlers
     */
    public boolean blocking() {
      return options.isBlocking();
    }
  }

  private final Map<String, Registration<?>> byName = new LinkedHashMap<>();

  /**
   * Registers {@code handler} for {@code task} with default {@link HandlerOptions}.
   *
   * @param <A> the task's argument type
   * @param task the task
   * @param handler its handler
   * @return these handlers
   */
  public <A> JobHandlers register(Task<A> task, JobHandler<A> handler) {
    return register(task, handler, new HandlerOptions());
  }

  /**
   * Registers {@code handler} for {@code task}; a task can have one handler only. A copy of the options is
   * kept, marked blocking when the handler is a {@link BlockingJobHandler}.
   *
   * @throws IllegalArgumentException when the options do not hold together ({@link HandlerOptions#validate()})
   * @param <A> the task's argument type
   * @param task the task
   * @param handler its handler
   * @param options its time limits, retry policy and blocking flag
   * @return these handlers
   */
  public <A> JobHandlers register(Task<A> task, JobHandler<A> handler, HandlerOptions options) {
    if (handler == null || options == null) {
      throw new IllegalArgumentException("handler and options must not be null");
    }
    HandlerOptions copy = new HandlerOptions(options);
    if (handler instanceof BlockingJobHandler) {
      copy.setBlocking(true); // blocking code never runs on an event loop, whatever the options said
    }
    try {
      copy.validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("task " + task.name() + ": " + e.getMessage(), e);
    }
    if (byName.putIfAbsent(task.name(), new Registration<>(task, handler, copy)) != null) {
      throw new IllegalArgumentException("task " + task.name() + " already has a handler");
    }
    return this;
  }

  /**
   * Registers a handler of JSON arguments under a task name.
   *
   * @param task the task's name
   * @param handler its handler
   * @return these handlers
   */
  public JobHandlers register(String task, JobHandler<JsonObject> handler) {
    return register(Task.json(task), handler);
  }

  /**
   * Adds every registration of {@code other}.
   *
   * @param other the handlers to add
   * @return these handlers
   */
  public JobHandlers registerAll(JobHandlers other) {
    other.byName.values().forEach(r -> add(r));
    return this;
  }

  private <A> void add(Registration<A> r) {
    register(r.task(), r.handler(), r.options());
  }

  /**
   * The registration of a task, or null.
   *
   * @param task the task's name
   * @return its registration, or null
   */
  public Registration<?> get(String task) {
    return byName.get(task);
  }

  /**
   * The names of the tasks registered.
   *
   * @return the task names
   */
  public Set<String> taskNames() {
    return Collections.unmodifiableSet(byName.keySet());
  }

  /**
   * Every registration, in registration order.
   *
   * @return the registrations
   */
  public Collection<Registration<?>> registrations() {
    return Collections.unmodifiableCollection(byName.values());
  }

  /**
   * True when nothing is registered.
   *
   * @return true when empty
   */
  public boolean isEmpty() {
    return byName.isEmpty();
  }
}
