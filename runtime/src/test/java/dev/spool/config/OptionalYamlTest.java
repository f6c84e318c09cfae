package dev.spool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SnakeYAML is an optional dependency: without it a YAML file asks for it, and JSON still works. */
class OptionalYamlTest {

  @TempDir
  Path dir;

  @Test
  void withoutSnakeYamlAYamlFileSaysWhatToAdd() throws Exception {
    Path yaml = TestFiles.yaml(dir, "worker:", "  concurrency: 5");
    Path json = TestFiles.write(dir.resolve("spool.json"), "{\"worker\": {\"concurrency\": 5}}");
    try (URLClassLoader loader = new URLClassLoader(classPathWithoutSnakeYaml(), ClassLoader.getPlatformClassLoader())) {
      Method load = loader.loadClass(SpoolConfig.class.getName())
          .getMethod("load", Path.class, Map.class, Map.class, ClassLoader.class);

      InvocationTargetException failure = catchThrowableOfType(InvocationTargetException.class,
          () -> load.invoke(null, yaml, Map.of(), Map.of(), null));
      assertThat(failure.getCause().getClass().getName()).isEqualTo(ConfigException.class.getName());
      assertThat(failure.getCause()).hasMessage(yaml + ": reading YAML needs SnakeYAML: add the dependency "
          + "org.yaml:snakeyaml (or write the configuration as JSON)");

      Object config = load.invoke(null, json, Map.of(), Map.of(), null);
      Object worker = config.getClass().getMethod("workerOptions").invoke(config);
      assertThat(worker.getClass().getMethod("getConcurrency").invoke(worker)).isEqualTo(5);
    }
  }

  // surefire may hand the JVM a manifest-only jar; it names the real class path in this property
  private static URL[] classPathWithoutSnakeYaml() {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(classPath.split(File.pathSeparator))
        .filter(entry -> !entry.contains("snakeyaml"))
        .map(OptionalYamlTest::url)
        .toArray(URL[]::new);
  }

  private static URL url(String entry) {
    try {
      return Path.of(entry).toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }
}
