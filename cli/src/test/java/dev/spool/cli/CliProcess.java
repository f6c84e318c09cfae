package dev.spool.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /**
   * Stops a process as a service manager would (SIGTERM) and returns what it printed once it has ended. Its output
   * is read while it stops, not after: a process whose output fills the pipe (64 KB, e.g. blocked-thread warnings
   * on a busy machine) blocks on its next write and never ends. One still running after {@code seconds} is thread-
   * dumped and killed, and the assertion that fails names both its output and its threads.
   */
  static Result stop(Process process, int seconds) throws Exception {
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes());
      } catch (IOException e) {
        return "(output unreadable: " + e + ")";
      }
    });
    process.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      String threads = threadDump(process);
      process.destroyForcibly();
      throw new AssertionError("the process did not end within " + seconds + " s of SIGTERM; it printed:\n"
          + output.get(10, TimeUnit.SECONDS) + "\nits threads:\n" + threads);
    }
    return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
  }

  private static String threadDump(Process process) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
          .redirectErrorStream(true).start();
      String text = new String(dump.getInputStream().readAllBytes());
      dump.waitFor(10, TimeUnit.SECONDS);
      return text;
    } catch (IOException | InterruptedException e) {
      return "(no thread dump: " + e + ")";
    }
  }

  /** Starts reading what {@code process} prints, line by line as it comes. */
  static Lines lines(Process process) {
    Lines lines = new Lines();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
        in.lines().forEach(lines.queue::add);
      } catch (IOException ended) {
        // the process ended
      }
    }, "cli-output");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /** The lines a running process printed. */
  static final class Lines {

    private static final Pattern ADMIN_LINE = Pattern.compile("admin API on http://127\\.0\\.0\\.1:(\\d+)");

    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    /** The port of the admin API line printed within {@code seconds}. */
    int adminPort(int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline) {
        String line = queue.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          seen.add(line);
          Matcher m = ADMIN_LINE.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
      }
      throw new AssertionError("no admin API line within " + seconds + " s; the process printed:\n" + text());
    }

    /** Everything printed so far. */
    String text() {
      queue.drainTo(seen);
      return String.join("\n", seen);
    }
  }
}
