package dev.spool.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * One {@code worker} process of a release's fat jar ({@code java -jar spool.jar worker ...}), for
 * {@code upgrade}: started and waited for until it prints {@code spool worker <node id>: ...}, which every release
 * prints once its verticles are deployed; its {@code RAN} lines go to the run log, and its error and warning
 * lines are counted (a few kept as samples). Stopped with SIGTERM, as a deployment stops it.
 */
final class ReleaseWorker {

  /** A line of an error: a SEVERE log record, an ERROR of SLF4J, an exception or its stack trace's head. */
  static final Pattern ERROR = Pattern.compile("SEVERE|ERROR|Exception|Error:");
  static final Pattern WARNING = Pattern.compile("WARNING|WARN");
  private static final String READY = "spool worker ";
  private static final int SAMPLES = 10;

  private final String side;
  private final Process process;
  private final String nodeId;
  private final Thread reader;
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong warnings = new AtomicLong();
  private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
  private volatile boolean killed;

  private ReleaseWorker(String side, Process process, String nodeId, BufferedReader out, RunLog log) {
    this.side = side;
    this.process = process;
    this.nodeId = nodeId;
    this.reader = new Thread(() -> out.lines().forEach(line -> line(line, log)), "upgrade-" + side + "-worker-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code java -jar jar worker args...} and waits until it is ready; fails when it exits before. */
  static ReleaseWorker start(String side, Path jar, List<String> args, RunLog log) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString(), "worker"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // the run's settings are its flags and config file, not this process's environment
    builder.environment().keySet().removeIf(key -> key.startsWith("SPOOL_"));
    Process process = builder.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()));
    List<String> before = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(READY)) {
        String nodeId = line.substring(READY.length(), line.indexOf(':', READY.length()));
        ReleaseWorker worker = new ReleaseWorker(side, process, nodeId, out, log);
        before.forEach(earlier -> worker.line(earlier, log));
        return worker;
      }
      before.add(line);
    }
    process.destroyForcibly();
    throw new IOException("a worker of the " + side + " release (" + jar + ") exited before it was ready; its output:\n"
        + String.join("\n", before.subList(Math.max(0, before.size() - 30), before.size())));
  }

  private void line(String line, RunLog log) {
    if (line.startsWith(UpgradeTask.RAN)) {
      log.ran(Long.parseLong(line.substring(UpgradeTask.RAN.length(), line.indexOf(' ', UpgradeTask.RAN.length()))), this);
      return;
    }
    boolean error = ERROR.matcher(line).find();
    if (error || WARNING.matcher(line).find()) {
      (error ? errors : warnings).incrementAndGet();
      if (samples.size() < SAMPLES) {
        samples.add(side + " " + nodeId + ": " + (line.length() > 300 ? line.substring(0, 300) : line));
      }
    }
  }

  /**
   * SIGTERM, then waits for the graceful stop (running jobs finish, prefetched ones go back); a worker still
   * running after {@code seconds} is killed, and runs twice of its jobs are then explained. Returns the exit code.
   */
  int stop(int seconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      killed = true;
      process.destroyForcibly().waitFor();
    }
    reader.join(TimeUnit.SECONDS.toMillis(10)); // the last RAN lines are read before the run log is judged
    return process.exitValue();
  }

  String side() {
    return side;
  }

  String nodeId() {
    return nodeId;
  }

  boolean killed() {
    return killed;
  }

  long errors() {
    return errors.get();
  }

  long warnings() {
    return warnings.get();
  }

  List<String> samples() {
    return new ArrayList<>(samples);
  }
}
