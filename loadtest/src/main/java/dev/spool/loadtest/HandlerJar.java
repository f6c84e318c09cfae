package dev.spool.loadtest;

import dev.spool.spi.JobHandlerProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * A handler jar holding {@link UpgradeTask} and nothing else, for {@code worker --handlers} of any release:
 * the load tester's own fat jar would bring this release's runtime classes along.
 */
final class HandlerJar {

  private HandlerJar() {}

  /** Writes the jar into {@code dir}; returns its path. */
  static Path write(Path dir) throws IOException {
    Path jar = dir.resolve("upgrade-task.jar");
    String classFile = UpgradeTask.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
        InputStream bytes = Objects.requireNonNull(UpgradeTask.class.getClassLoader().getResourceAsStream(classFile),
            classFile)) {
      out.putNextEntry(new JarEntry(classFile));
      bytes.transferTo(out);
      out.closeEntry();
      out.putNextEntry(new JarEntry("META-INF/services/" + JobHandlerProvider.class.getName()));
      out.write((UpgradeTask.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }
}
