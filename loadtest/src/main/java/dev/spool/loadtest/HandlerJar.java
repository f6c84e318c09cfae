package dev.spool.loadtest;

import dev.spool.spi.JobHandlerProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * The jar {@code upgrade} puts beside a release's fat jar: {@link UpgradeTask} (named as a JobHandlerProvider,
 * for {@code worker --handlers}) and {@link UpgradeProducer}, and nothing else: the load tester's own fat jar would
 * bring this release's runtime classes along.
 */
final class HandlerJar {

  private static final List<Class<?>> CLASSES = List.of(UpgradeTask.class, UpgradeProducer.class);

  private HandlerJar() {}

  /** Writes the jar into {@code dir}; returns its path. */
  static Path write(Path dir) throws IOException {
    Path jar = dir.resolve("upgrade-task.jar");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
      for (Class<?> type : CLASSES) {
        String classFile = type.getName().replace('.', '/') + ".class";
        try (InputStream bytes = Objects.requireNonNull(type.getClassLoader().getResourceAsStream(classFile), classFile)) {
          out.putNextEntry(new JarEntry(classFile));
          bytes.transferTo(out);
          out.closeEntry();
        }
      }
      out.putNextEntry(new JarEntry("META-INF/services/" + JobHandlerProvider.class.getName()));
      out.write((UpgradeTask.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }
}
