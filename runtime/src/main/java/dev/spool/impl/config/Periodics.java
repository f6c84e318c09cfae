package dev.spool.impl.config;

import dev.spool.EnqueueOptions;
import dev.spool.PeriodicJob;
import dev.spool.Task;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@code periodic} entries into {@link PeriodicJob}s of JSON tasks, checking what the builder cannot. */
final class Periodics {

  private final Binder binder;

  Periodics(Binder binder) {
    this.binder = binder;
  }

  List<PeriodicJob<JsonObject>> build() {
    List<PeriodicJob<JsonObject>> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; ; i++) {
      String p = "periodic[" + i + "]";
      if (!binder.isEntry(p)) {
        return List.copyOf(out);
      }
      out.add(job(p, seen, i));
    }
  }

  private PeriodicJob<JsonObject> job(String p, Map<String, Integer> seen, int index) {
    String name = (String) binder.value(p + ".name");
    if (name == null) {
      throw binder.origin(p).error(p, "a periodic job needs a name");
    }
    Integer first = seen.putIfAbsent(name, index);
    if (first != null) {
      throw binder.origin(p + ".name").error(p + ".name", "'" + name + "' is already the name of periodic[" + first + "]");
    }
    String taskName = (String) binder.value(p + ".task");
    if (taskName == null) {
      throw binder.origin(p).error(p, "periodic job '" + name + "' needs a task");
    }
    String cron = (String) binder.value(p + ".cron");
    Duration every = (Duration) binder.value(p + ".every");
    if (cron != null && every != null) {
      throw binder.origin(p + ".every").error(p, "give either cron or every, not both");
    }
    if (cron == null && every == null) {
      throw binder.origin(p).error(p, "periodic job '" + name + "' needs a schedule: cron or every");
    }
    Task<JsonObject> task = binder.call(p + ".task", () -> Task.json(taskName));
    // checked on its own first: PeriodicJob.cron reads the expression before the name, and each error
    // should point at its own line
    binder.call(p + ".name", () -> PeriodicJob.every(name, PeriodicJob.MIN_INTERVAL, task, null));
    JsonObject args = (JsonObject) binder.value(p + ".args");
    PeriodicJob<JsonObject> job = cron != null
        ? binder.call(p + ".cron", () -> PeriodicJob.cron(name, cron, task, args.copy()))
        : binder.call(p + ".every", () -> PeriodicJob.every(name, every, task, args.copy()));
    if (binder.isSet(p + ".zone")) {
      if (cron == null) {
        throw binder.origin(p + ".zone").error(p + ".zone", "only cron schedules have a time zone");
      }
      job.zone((ZoneId) binder.value(p + ".zone"));
    }
    EnqueueOptions options = new EnqueueOptions();
    binder.set(p + ".queue", options::setQueue);
    binder.set(p + ".priority", options::setPriority);
    binder.set(p + ".maxAttempts", options::setMaxAttempts);
    job.options(options);
    binder.<PeriodicJob.CatchUp>set(p + ".catchUp", job::catchUp);
    binder.<Duration>set(p + ".catchUpWindow", job::catchUpWindow);
    binder.<Integer>set(p + ".maxCatchUp", job::maxCatchUp);
    binder.<Boolean>set(p + ".runOnStart", job::runOnStart);
    return job;
  }
}
