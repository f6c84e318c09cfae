package dev.spool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A graph of named steps enqueued together, atomically ({@link JobClient#enqueueWorkflow}): each step is a
 * job, and a step with parents waits (state {@code waiting}) until every parent completed, then runs like
 * any job, with its queue, priority, delay, retries and limits. A handler reads its parents' results with
 * {@link JobContext#parents()}. When a parent ends dead or cancelled its dependents are cancelled, naming it
 * (retrying the parent brings them back), unless a step says {@link StepOptions#setRunOnParentFailure}.
 *
 * <pre>{@code
 * Workflow wf = Workflow.named("import")
 *     .step("fetch", FETCH, args)
 *     .step("parse", PARSE, args, new StepOptions().dependsOn("fetch"))
 *     .step("index", INDEX, args, new StepOptions().dependsOn("parse"))
 *     .step("thumbs", THUMBS, args, new StepOptions().dependsOn("fetch"));
 * client.enqueueWorkflow(wf).onSuccess(run -> log(run.id("index")));
 * }</pre>
 *
 * <p>Steps are checked when added and when enqueued: names are unique, parents are earlier-declared or
 * later steps of this workflow, there is no cycle and no self-dependency; a step with parents has no unique
 * key (a unique key on a root step makes an existing live job with that key the step).
 */
public final class Workflow {

  /** The longest workflow or step name accepted. */
  public static final int MAX_NAME_LENGTH = 200;

  /** One step: its job and how it depends on others. */
  public record Step(String name, JobRequest<?> job, List<String> dependsOn, boolean runOnParentFailure) {}

  private final String name;
  private final Map<String, Step> steps = new LinkedHashMap<>();

  private Workflow(String name) {
    this.name = checkName("workflow", name);
  }

  /**
   * An empty workflow.
   *
   * @param name the workflow's name, shown by the admin API and the CLI
   * @return the workflow, to add steps to
   */
  public static Workflow named(String name) {
    return new Workflow(name);
  }

  /**
   * Steps that run one after the other, each once the previous completed: steps named {@code 1}, {@code 2}, ...
   *
   * @param name the workflow's name
   * @param jobs the steps' jobs, in order
   * @return the workflow
   */
  public static Workflow chain(String name, List<? extends JobRequest<?>> jobs) {
    Workflow wf = named(name);
    for (int i = 0; i < jobs.size(); i++) {
      StepOptions o = new StepOptions();
      if (i > 0) {
        o.dependsOn(String.valueOf(i));
      }
      wf.step(String.valueOf(i + 1), jobs.get(i), o);
    }
    return wf;
  }

  /**
   * Steps that run side by side, named {@code 1}, {@code 2}, ... (a workflow to await or cancel as one).
   *
   * @param name the workflow's name
   * @param jobs the steps' jobs
   * @return the workflow
   */
  public static Workflow group(String name, List<? extends JobRequest<?>> jobs) {
    Workflow wf = named(name);
    for (int i = 0; i < jobs.size(); i++) {
      wf.step(String.valueOf(i + 1), jobs.get(i), new StepOptions());
    }
    return wf;
  }

  /**
   * A batch with a callback (Celery's chord): the jobs run side by side as steps {@code 1}..{@code N}, and
   * {@code callback} (step {@code callback}) runs exactly once when all of them finished, however they ended;
   * it reads the tally with {@link JobContext#parentStates()} and the results with {@link JobContext#parents()}.
   *
   * @param name the workflow's name
   * @param jobs the batch's jobs
   * @param callback the job that runs once they all finished
   * @return the workflow
   */
  public static Workflow chord(String name, List<? extends JobRequest<?>> jobs, JobRequest<?> callback) {
    Workflow wf = group(name, jobs);
    List<String> all = new ArrayList<>(wf.steps.keySet());
    return wf.step("callback", callback, new StepOptions().dependsOn(all).setRunOnParentFailure(true));
  }

  /**
   * Adds a step without parents, with default options.
   *
   * @param <A> the task's argument type
   * @param name the step's name, unique in the workflow
   * @param task the step's task
   * @param args the step's arguments
   * @return this workflow
   */
  public <A> Workflow step(String name, Task<A> task, A args) {
    return step(name, new JobRequest<>(task, args, new EnqueueOptions()), new StepOptions());
  }

  /**
   * Adds a step.
   *
   * @param <A> the task's argument type
   * @param name the step's name, unique in the workflow
   * @param task the step's task
   * @param args the step's arguments
   * @param options the step's parents and enqueue options
   * @return this workflow
   */
  public <A> Workflow step(String name, Task<A> task, A args, StepOptions options) {
    return step(name, new JobRequest<>(task, args, options.getEnqueueOptions()), options);
  }

  /**
   * Adds a step running {@code job} (its options are the job's; {@code options} gives the parents).
   *
   * @param name the step's name, unique in the workflow
   * @param job the step's task, arguments and options
   * @param options the step's parents
   * @return this workflow
   */
  public Workflow step(String name, JobRequest<?> job, StepOptions options) {
    checkName("step", name);
    Objects.requireNonNull(job, "job");
    if (steps.containsKey(name)) {
      throw new IllegalArgumentException("workflow " + this.name + " already has a step named " + name);
    }
    List<String> parents = List.copyOf(options.getDependsOn());
    if (parents.contains(name)) {
      throw new IllegalArgumentException("step " + name + " cannot depend on itself");
    }
    if (!parents.isEmpty() && job.options().getUniqueKey() != null) {
      throw new IllegalArgumentException("step " + name + " has parents and a unique key: only root steps take unique keys");
    }
    steps.put(name, new Step(name, job, parents, options.isRunOnParentFailure()));
    return this;
  }

  /** {@return the workflow's name} */
  public String name() {
    return name;
  }

  /**
   * The steps in an order where every step comes after its parents; throws when that is impossible.
   *
   * @return the steps, parents first
   */
  public List<Step> steps() {
    return ordered();
  }

  private List<Step> ordered() {
    Map<String, Integer> waitingOn = new HashMap<>();
    Map<String, List<String>> children = new HashMap<>();
    for (Step step : steps.values()) {
      for (String parent : step.dependsOn()) {
        if (!steps.containsKey(parent)) {
          throw new IllegalArgumentException("step " + step.name() + " depends on " + parent
              + ", which is not a step of workflow " + name);
        }
        children.computeIfAbsent(parent, p -> new ArrayList<>()).add(step.name());
      }
      waitingOn.put(step.name(), (int) step.dependsOn().stream().distinct().count());
    }
    Deque<String> ready = new ArrayDeque<>();
    steps.keySet().forEach(s -> {
      if (waitingOn.get(s) == 0) {
        ready.add(s);
      }
    });
    List<Step> order = new ArrayList<>(steps.size());
    while (!ready.isEmpty()) {
      String s = ready.poll();
      order.add(steps.get(s));
      for (String child : children.getOrDefault(s, List.of())) {
        if (waitingOn.merge(child, -1, Integer::sum) == 0) {
          ready.add(child);
        }
      }
    }
    if (order.size() != steps.size()) {
      List<String> inCycle = new ArrayList<>();
      waitingOn.forEach((s, n) -> {
        if (n > 0) {
          inCycle.add(s);
        }
      });
      Collections.sort(inCycle);
      throw new IllegalArgumentException("workflow " + name + " has a cycle through steps " + inCycle);
    }
    return order;
  }

  private static String checkName(String what, String name) {
    if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(what + " name must be 1.." + MAX_NAME_LENGTH + " characters, got: " + name);
    }
    return name;
  }
}
