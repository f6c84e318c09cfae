package dev.spool.examples.docs;

import dev.spool.HandlerOptions;
import dev.spool.JobHandler;
import dev.spool.JobHandlers;
import dev.spool.Snooze;
import dev.spool.Task;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The blocking handler of docs/guides/handlers.md, compiled. */
final class HandlersSnippets {

  static final Task<JsonObject> RESIZE = Task.json("resize");

  static List<Path> images(JsonObject args) {
    return List.of();
  }

  static void resize(Path image) throws Exception {}

  static void register(JobHandlers handlers) {
    // snippet:start blocking-handler
    handlers.register(RESIZE, JobHandler.blocking((args, ctx) -> {   // returns normally, or throws
      for (Path image : images(args)) {
        if (ctx.isSoftTimedOut()) {
          throw new Snooze(Duration.ZERO);   // past the soft limit: stop here, the rest runs again as a new run
        }
        resize(image);                        // blocks; an interrupt at the hard limit ends a blocked call
      }
    }), new HandlerOptions().setSoftTimeout(Duration.ofSeconds(540)).setTimeout(Duration.ofSeconds(600)));
    // snippet:end blocking-handler
  }

  private HandlersSnippets() {}
}
