package dev.spool.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A worker process of the load tester: this JVM's java and class path running {@code main}, started and
 * waited for until it prints {@code READY <node id>}; its later lines go to a consumer on a daemon thread
 * (so its output pipe never fills and blocks it).
 */
final class ChildJvm {

  /** A started process and the node id of its READY line. */
  record Started(Process process, String nodeId) {}

  private ChildJvm() {}

  /** Starts {@code main} with {@code args}; fails when the process ends before its READY line. */
  static Started start(Class<?> main, Consumer<String> laterLines, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()));
    String line;
    String last = null;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("READY ")) {
        Thread drain = new Thread(() -> out.lines().forEach(laterLines), main.getSimpleName() + "-output");
        drain.setDaemon(true);
        drain.start();
        return new Started(process, line.substring(6).trim());
      }
      last = line;
    }
    process.destroyForcibly();
    throw new IOException("a " + main.getSimpleName() + " process exited before it was ready; its last line: " + last);
  }
}
