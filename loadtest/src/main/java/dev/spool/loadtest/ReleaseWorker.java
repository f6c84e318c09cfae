package dev.spool.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code worker} process of a release's fat jar ({@code java -jar spool.jar worker ...}), for
 * {@code upgrade}: started and waited for until it prints {@code spool worker <node id>: ...}, which every release
 * prints once its verticles are deployed; its {@code RAN} lines go to the run log, the others to a
 * {@link WorkerLog}, written to a file when it stops. Stopped with SIGTERM, as a deployment stops it.
 */
final class ReleaseWorker {

  /** JVM flags of every process a run starts: C1 only and the serial collector, as the run is about correctness. */
  static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  private static final String READY = "spool worker ";

  private final Process process;
  private final String nodeId;
  private final Path logFile;
  private final Thread reader;
  private final WorkerLog output;
  private volatile boolean killed;

  private ReleaseWorker(String side, Process process, String nodeId, Path logFile, BufferedReader out,
      List<String> before, RunLog log) {
    this.process = process;
    this.nodeId = nodeId;
    this.logFile = logFile;
    this.output = new WorkerLog(side + " " + nodeId);
    before.forEach(line -> line(line, log));
    this.reader = new Thread(() -> {
      try {
        out.lines().forEach(line -> line(line, log));
      } catch (UncheckedIOException e) {
        line("upgrade: reading the worker's output failed: " + e, log);
      }
    }, "upgrade-" + side + "-worker-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code java -jar jar worker args...} and waits until it is ready; fails when it exits before. Its
   * output goes to {@code logDir/<side>-<pid>.log}.
   */
  static ReleaseWorker start(String side, Path jar, List<String> args, Path logDir, RunLog log) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(JVM_FLAGS);
    command.addAll(List.of("-jar", jar.toString(), "worker"));
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
        before.add(line);
        return new ReleaseWorker(side, process, nodeId, logDir.resolve(side + "-" + process.pid() + ".log"), out,
            before, log);
      }
      before.add(line);
    }
    process.toHandle().destroyForcibly();
    throw new IOException("a worker of the " + side + " release (" + jar + ") exited before it was ready; its output:\n"
        + String.join("\n", before.subList(Math.max(0, before.size() - 30), before.size())));
  }

  private void line(String line, RunLog log) {
    if (line.startsWith(UpgradeTask.RAN)) {
      log.ran(Long.parseLong(line.substring(UpgradeTask.RAN.length(), line.indexOf(' ', UpgradeTask.RAN.length()))), this);
    } else {
      output.line(line);
    }
  }

  /**
   * SIGTERM, then waits for the graceful stop (running jobs finish, prefetched ones go back); a worker still
   * running after {@code seconds} is killed, and runs twice of its jobs are then explained. The signal goes
   * through the process handle: {@link Process#destroy} would also close the output before its last lines are
   * read. Returns the exit code; writes the log file.
   */
  int stop(int seconds) throws InterruptedException, IOException {
    if (process.isAlive()) {
      process.toHandle().destroy();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        killed = true;
        process.toHandle().destroyForcibly();
        process.waitFor();
      }
    }
    reader.join(TimeUnit.SECONDS.toMillis(10)); // the last RAN lines are read before the run log is judged
    Files.write(logFile, output.lines());
    return process.exitValue();
  }

  String nodeId() {
    return nodeId;
  }

  boolean killed() {
    return killed;
  }

  long errors() {
    return output.errors();
  }

  long warnings() {
    return output.warnings();
  }

  List<String> samples() {
    return output.samples();
  }
}
