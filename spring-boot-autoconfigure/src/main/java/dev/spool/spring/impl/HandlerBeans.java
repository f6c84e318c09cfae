package dev.spool.spring.impl;

import dev.spool.BlockingJobHandler;
import dev.spool.HandlerOptions;
import dev.spool.JobContext;
import dev.spool.JobHandler;
import dev.spool.JobHandlers;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.config.ConfigEntry;
import dev.spool.config.ConfigSource;
import dev.spool.config.SpoolConfig;
import dev.spool.spring.SpoolHandler;
import dev.spool.spring.SpoolHandler.RunOn;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Finds the {@link SpoolHandler} beans and bean methods of the context and registers them, each with the
 * options of its task from {@code spool.tasks.<task>.*}. Refuses two handlers of one task, naming both, and
 * a handler whose properties say otherwise than its annotation or type.
 */
public final class HandlerBeans {

  /** One handler found: its task, where it came from (for messages), the handler and where it runs. */
  private record Found(String task, String bean, JobHandler<JsonObject> handler, RunOn runOn, String queue, boolean blockingType) {}

  private static final Logger LOG = Logger.getLogger(HandlerBeans.class.getName());

  private HandlerBeans() {}

  /**
   * Registers every handler bean of {@code beans} in {@code handlers}, adding the queues they name to
   * {@code worker}.
   *
   * @throws SpoolPropertiesException for two handlers of one task, or properties that contradict a handler
   */
  public static void register(ListableBeanFactory beans, SpoolConfig config, JobHandlers handlers, WorkerOptions worker) {
    Map<String, Found> byTask = new LinkedHashMap<>();
    for (Found found : find(beans)) {
      Found other = byTask.putIfAbsent(found.task(), found);
      if (other != null) {
        throw new SpoolPropertiesException("task " + found.task() + " has two @SpoolHandler handlers: " + other.bean()
            + " and " + found.bean(), null, "Keep one handler per task: remove or rename the task of one of "
            + other.bean() + " and " + found.bean() + ".", null);
      }
    }
    Map<String, ConfigEntry> entries = new LinkedHashMap<>();
    config.entries().forEach(e -> entries.put(e.path(), e));
    Map<String, HandlerOptions> taskOptions = config.taskOptions();
    List<String> unhandled = taskOptions.keySet().stream().filter(task -> !byTask.containsKey(task)).toList();
    if (!unhandled.isEmpty() && !byTask.isEmpty()) {
      // not an error: another node may handle them; but a typo in a task name looks exactly like this
      LOG.warning("Spool: spool.tasks configures " + unhandled + ", which no @SpoolHandler bean of this application"
          + " handles (handled here: " + byTask.keySet() + ")");
    }
    for (Found found : byTask.values()) {
      HandlerOptions options = taskOptions.getOrDefault(found.task(), new HandlerOptions());
      options.setBlocking(blocking(found, entries.get("tasks." + found.task() + ".blocking")));
      handlers.register(Task.json(found.task()), found.handler(), options);
      if (!found.queue().isEmpty() && !worker.getQueues().contains(found.queue())) {
        List<String> queues = new ArrayList<>(worker.getQueues());
        queues.add(found.queue());
        worker.setQueues(queues);
      }
    }
  }

  /** Where the handler runs: its annotation's choice, unless a property says otherwise (and may). */
  private static boolean blocking(Found found, ConfigEntry property) {
    boolean set = property != null && property.source() != ConfigSource.DEFAULT;
    boolean annotated = found.runOn() == RunOn.BLOCKING_POOL;
    if (!set) {
      return annotated || found.blockingType();
    }
    boolean blocking = Boolean.TRUE.equals(property.value());
    String where = property.detail() == null ? "" : " (" + property.detail() + ")";
    if (!blocking && found.blockingType()) {
      throw new SpoolPropertiesException("spool.tasks." + found.task() + ".blocking is false" + where + ", but handler "
          + found.bean() + " is a BlockingJobHandler, which never runs on an event loop",
          "spool.tasks." + found.task() + ".blocking",
          "Remove spool.tasks." + found.task() + ".blocking, or make " + found.bean() + " a JobHandler that returns a Future.", null);
    }
    if (blocking && found.runOn() == RunOn.EVENT_LOOP) {
      throw new SpoolPropertiesException("spool.tasks." + found.task() + ".blocking is true" + where + ", but handler "
          + found.bean() + " says @SpoolHandler(runOn = EVENT_LOOP)", "spool.tasks." + found.task() + ".blocking",
          "Remove one of the two: the property or runOn = EVENT_LOOP.", null);
    }
    return blocking;
  }

  @SuppressWarnings("unchecked")
  private static List<Found> find(ListableBeanFactory beans) {
    List<Found> out = new ArrayList<>();
    for (String name : beans.getBeanNamesForType(Object.class, false, false)) {
      Class<?> type = beans.getType(name, false);
      if (type == null) {
        continue;
      }
      Class<?> userType = ClassUtils.getUserClass(type);
      SpoolHandler onType = AnnotatedElementUtils.findMergedAnnotation(userType, SpoolHandler.class);
      if (onType != null) {
        Object bean = beans.getBean(name);
        if (!(bean instanceof JobHandler<?> handler)) {
          throw new SpoolPropertiesException("bean " + name + " (" + userType.getName() + ") is annotated @SpoolHandler(\""
              + onType.value() + "\") but is not a JobHandler or BlockingJobHandler", null,
              "Implement JobHandler<JsonObject> or BlockingJobHandler<JsonObject>, or annotate a method instead.", null);
        }
        checkRunOn(onType, name, handler);
        out.add(new Found(onType.value(), "bean '" + name + "'", (JobHandler<JsonObject>) handler, onType.runOn(),
            onType.queue(), handler instanceof BlockingJobHandler));
      }
      Map<Method, SpoolHandler> methods = MethodIntrospector.selectMethods(userType,
          (MethodIntrospector.MetadataLookup<SpoolHandler>) m -> AnnotatedElementUtils.findMergedAnnotation(m, SpoolHandler.class));
      for (Map.Entry<Method, SpoolHandler> e : methods.entrySet()) {
        Method method = e.getKey();
        String where = "method " + userType.getSimpleName() + "." + method.getName() + " of bean '" + name + "'";
        out.add(new Found(e.getValue().value(), where, methodHandler(beans.getBean(name), method, where),
            e.getValue().runOn(), e.getValue().queue(), false));
      }
    }
    return out;
  }

  private static void checkRunOn(SpoolHandler annotation, String name, JobHandler<?> handler) {
    if (annotation.runOn() == RunOn.EVENT_LOOP && handler instanceof BlockingJobHandler) {
      throw new SpoolPropertiesException("bean " + name + " is a BlockingJobHandler but says runOn = EVENT_LOOP", null,
          "Remove runOn = EVENT_LOOP: blocking handlers run on the blocking pool.", null);
    }
  }

  /** A method {@code (JsonObject)} or {@code (JsonObject, JobContext)} as a handler; a Future it returns is awaited. */
  private static JobHandler<JsonObject> methodHandler(Object bean, Method method, String where) {
    Class<?>[] params = method.getParameterTypes();
    boolean withContext = params.length == 2 && params[1] == JobContext.class;
    if (params.length == 0 || params[0] != JsonObject.class || params.length > 2 || (params.length == 2 && !withContext)) {
      throw new SpoolPropertiesException(where + " is annotated @SpoolHandler but takes " + List.of(params)
          + "; a handler method takes (JsonObject args) or (JsonObject args, JobContext context)", null,
          "Change the method's parameters.", null);
    }
    method.setAccessible(true);
    return (args, context) -> {
      Object result;
      try {
        result = withContext ? method.invoke(bean, args, context) : method.invoke(bean, args);
      } catch (InvocationTargetException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
      return result instanceof Future<?> future ? future : Future.succeededFuture(result);
    };
  }
}
