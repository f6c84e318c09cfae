package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.Task;
import dev.spool.config.SpoolConfig;
import dev.spool.spi.JobHandlerProvider;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file's task options over a provider's handlers: blocking code stays off the event loop. */
class HandlerJarsTest {

  /** A provider of a handler that blocks, marked so in its options rather than written with JobHandler.blocking. */
  public static final class LegacyProvider implements JobHandlerProvider {
    @Override
    public void register(JobHandlers handlers) {
      handlers.register(Task.json("legacy-io"), (args, ctx) -> {
        Thread.sleep(1);
        return Future.succeededFuture();
      }, new HandlerOptions().setBlocking(true));
    }
  }

  @TempDir
  Path dir;

  @Test
  void aHandlerRegisteredAsBlockingStaysBlockingUnlessTheFileSaysOtherwise() throws Exception {
    Path services = dir.resolve("META-INF/services/" + JobHandlerProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, LegacyProvider.class.getName() + "\n");
    ClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());

    JobHandlers timedOnly = HandlerJars.handlers(loader, config(new JsonObject().put("timeout", "5s")));
    assertThat(timedOnly.get("legacy-io").blocking()).isTrue();
    assertThat(timedOnly.get("legacy-io").options().getTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(timedOnly.get("spool.block").blocking()).as("a JobHandler.blocking built-in").isTrue();

    JobHandlers unmarked = HandlerJars.handlers(loader, config(new JsonObject().put("blocking", "false")));
    assertThat(unmarked.get("legacy-io").blocking()).as("the file said so").isFalse();
  }

  private static SpoolConfig config(JsonObject legacyIo) {
    return SpoolConfig.fromJson(new JsonObject().put("tasks", new JsonObject().put("legacy-io", legacyIo)), Map.of(), null);
  }
}
