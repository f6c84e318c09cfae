package dev.spool.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The CLI in a child JVM, as a user runs it: on the test's class path, with the environment a test gives. */
final class CliProcess {

  private CliProcess() {}

  /** Starts {@code spool <args>} with these extra variables (and none of the caller's SPOOL_* ones). */
  static Process start(Path dir, Map<String, String> env, String... args) throws IOException {
    return start(dir, env, List.of(ProcessHandle.current().info().command().orElse("java")), args);
  }

  /** Starts {@code spool <args>} with {@code java}: the java command and any JVM options of its own. */
  static Process start(Path dir, Map<String, String> env, List<String> java, String... args) throws IOException {
    List<String> command = new ArrayList<>(java);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), SpoolCommand.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("SPOOL_"));
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Runs {@code spool <args>} to its end; returns its exit code and everything it printed. */
  static Result run(Path dir, Map<String, String> env, String... args) throws Exception {
    return run(dir, env, List.of(ProcessHandle.current().info().command().orElse("java")), args);
  }

  /** Runs {@code spool <args>} with {@code java} (the command and JVM options) to its end. */
  static Result run(Path dir, Map<String, String> env, List<String> java, String... args) throws Exception {
    Process process = start(dir, env, java, args);
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("spool " + String.join(" ", args) + " did not end: " + output);
    }
    return new Result(process.exitValue(), output);
  }

  record Result(int exit, String output) {}
}
