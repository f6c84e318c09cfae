package dev.spool;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link Workflow} step runs: the {@link EnqueueOptions} of its job (queue, priority, delay, retries,
 * timeout), the steps it waits for, and whether it runs when a parent ends dead or cancelled (false by
 * default: it is cancelled, naming the parent).
 */
public class StepOptions {

  /** The default of {@link #setRunOnParentFailure}. */
  public static final boolean DEFAULT_RUN_ON_PARENT_FAILURE = false;

  private EnqueueOptions enqueueOptions = new EnqueueOptions();
  // a set, in the order given: a chord's callback names every step of the batch (100 000 of them in the
  // load test), and a list's contains() made adding them quadratic
  private final LinkedHashSet<String> dependsOn = new LinkedHashSet<>();
  private boolean runOnParentFailure = DEFAULT_RUN_ON_PARENT_FAILURE;

  /** Options with every setting at its default. */
  public StepOptions() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the options to copy
   */
  public StepOptions(StepOptions other) {
    this.enqueueOptions = new EnqueueOptions(other.enqueueOptions);
    this.dependsOn.addAll(other.dependsOn);
    this.runOnParentFailure = other.runOnParentFailure;
  }

  /**
   * Reads {@code dependsOn} (names), {@code runOnParentFailure} and {@code enqueue} (EnqueueOptions' JSON).
   *
   * @param json the options as {@link #toJson()} writes them
   */
  public StepOptions(JsonObject json) {
    JsonObject enqueue = json.getJsonObject("enqueue");
    if (enqueue != null) {
      setEnqueueOptions(new EnqueueOptions(enqueue));
    }
    json.getJsonArray("dependsOn", new JsonArray()).forEach(n -> dependsOn(String.valueOf(n)));
    setRunOnParentFailure(json.getBoolean("runOnParentFailure", DEFAULT_RUN_ON_PARENT_FAILURE));
  }

  /** {@return these options as JSON, which {@link #StepOptions(JsonObject)} reads back} */
  public JsonObject toJson() {
    return new JsonObject().put("enqueue", enqueueOptions.toJson()).put("dependsOn", new JsonArray(List.copyOf(dependsOn)))
        .put("runOnParentFailure", runOnParentFailure);
  }

  /** {@return the {@code enqueueOptions} setting} See {@link #setEnqueueOptions}. */
  public EnqueueOptions getEnqueueOptions() {
    return enqueueOptions;
  }

  /**
   * How the step's job is enqueued (queue, priority, limits...); copied.
   *
   * @param enqueueOptions the step's enqueue options, not null
   * @return these options
   */
  public StepOptions setEnqueueOptions(EnqueueOptions enqueueOptions) {
    this.enqueueOptions = new EnqueueOptions(Objects.requireNonNull(enqueueOptions, "enqueueOptions"));
    return this;
  }

  /** {@return the names of the step's parents, in the order added} */
  public List<String> getDependsOn() {
    return List.copyOf(dependsOn);
  }

  /**
   * Adds parents: steps of the same workflow, by name.
   *
   * @param steps the parents' step names
   * @return these options
   */
  public StepOptions dependsOn(String... steps) {
    return dependsOn(Arrays.asList(steps));
  }

  /**
   * Adds parents: steps of the same workflow, by name.
   *
   * @param steps the parents' step names
   * @return these options
   */
  public StepOptions dependsOn(List<String> steps) {
    for (String step : steps) {
      if (step == null) {
        throw new IllegalArgumentException("a step cannot depend on null");
      }
      dependsOn.add(step);
    }
    return this;
  }

  /** {@return the {@code runOnParentFailure} setting} See {@link #setRunOnParentFailure}. */
  public boolean isRunOnParentFailure() {
    return runOnParentFailure;
  }

  /**
   * True: the step runs once its parents finished, however they ended (a parent dead or cancelled too).
   *
   * @param runOnParentFailure true to run the step however its parents ended; false to cancel it when one ends dead or cancelled
   * @return these options
   */
  public StepOptions setRunOnParentFailure(boolean runOnParentFailure) {
    this.runOnParentFailure = runOnParentFailure;
    return this;
  }
}
