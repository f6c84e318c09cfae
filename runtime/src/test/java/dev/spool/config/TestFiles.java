package dev.spool.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes a configuration file into a test's folder and loads it, without the process environment. */
final class TestFiles {

  private TestFiles() {}

  /** Writes {@code spool.yaml} with these lines. */
  static Path yaml(Path folder, String... lines) {
    return write(folder.resolve("spool.yaml"), String.join("\n", lines) + "\n");
  }

  static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads the file with no environment and no flags. */
  static SpoolConfig load(Path file) {
    return SpoolConfig.load(file, Map.of(), Map.of(), null);
  }

  /** Loads the file with these variables. */
  static SpoolConfig load(Path file, Map<String, String> env) {
    return SpoolConfig.load(file, env, Map.of(), null);
  }
}
