package dev.spool.cli;

import dev.spool.BuiltInTasks;
import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.config.ConfigSource;
import dev.spool.config.SpoolConfig;
import dev.spool.spi.JobHandlerProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * The handlers a {@code worker} runs: the built-in tasks, and every {@link JobHandlerProvider} of the
 * fat jar and of the handler jars ({@code --handlers}, {@code worker.handlerJars}): {@code java -jar}
 * ignores {@code -cp}, so jars are loaded here, each a jar file or a folder of jars.
 */
final class HandlerJars {

  private HandlerJars() {}

  /** A class loader over the jars (folders give their {@code *.jar}); throws a usage error for a missing one. */
  static ClassLoader loader(List<Path> jars) {
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      if (Files.isDirectory(jar)) {
        try (Stream<Path> files = Files.list(jar)) {
          files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(f -> urls.add(url(f)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (Files.isRegularFile(jar)) {
        urls.add(url(jar));
      } else {
        throw new IllegalArgumentException("handler jar " + jar + ": no such file or folder");
      }
    }
    ClassLoader parent = HandlerJars.class.getClassLoader();
    return urls.isEmpty() ? parent : new URLClassLoader(urls.toArray(URL[]::new), parent);
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("handler jar " + jar + ": " + e.getMessage(), e);
    }
  }

  /**
   * The built-in tasks and every provider's handlers, with the options of the configuration's {@code tasks}
   * section in place of the handlers' own; a task there that no handler serves is a configuration error
   * (a typo would otherwise go unnoticed).
   */
  static JobHandlers handlers(ClassLoader loader, SpoolConfig config) {
    Map<String, HandlerOptions> taskOptions = config.taskOptions();
    JobHandlers found = BuiltInTasks.register(new JobHandlers());
    for (JobHandlerProvider provider : ServiceLoader.load(JobHandlerProvider.class, loader)) {
      provider.register(found);
    }
    for (String task : taskOptions.keySet()) {
      if (found.get(task) == null) {
        throw config.error("tasks." + task, "no handler serves this task (handlers: "
            + String.join(", ", found.taskNames()) + ")");
      }
    }
    JobHandlers configured = new JobHandlers();
    found.registrations().forEach(r -> register(configured, r, taskOptions.get(r.task().name()),
        config.entries().stream().anyMatch(e -> e.path().equals("tasks." + r.task().name() + ".blocking")
            && e.source() != ConfigSource.DEFAULT)));
    return configured;
  }

  /**
   * The file's options replace the registration's; {@code blocking} too when the file says, but a handler
   * registered as blocking stays so when it does not: blocking code run on an event loop would stall it.
   */
  private static <A> void register(JobHandlers into, JobHandlers.Registration<A> r, HandlerOptions configured,
      boolean fileSetsBlocking) {
    HandlerOptions options = configured != null ? new HandlerOptions(configured) : r.options();
    if (configured != null && !fileSetsBlocking) {
      options.setBlocking(r.options().isBlocking());
    }
    into.register(r.task(), r.handler(), options);
  }
}
