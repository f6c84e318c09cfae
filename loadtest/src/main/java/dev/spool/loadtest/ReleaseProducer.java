package dev.spool.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link UpgradeProducer} process of one release: that release's jar on the class path with the handler jar
 * (which holds the producer's class), so jobs are enqueued by the client of the release being rolled, as by an
 * application. Its protocol lines go to the {@link UpgradeLoad}, the others to a {@link WorkerLog}, written to a
 * file when it stops; stopped by {@code STOP} on its stdin, after which it waits for its enqueues and awaits.
 */
final class ReleaseProducer {

  private final Process process;
  private final Path logFile;
  private final WorkerLog output;
  private final Thread reader;

  private ReleaseProducer(String side, Process process, Path logFile, BufferedReader out, UpgradeLoad load) {
    this.process = process;
    this.logFile = logFile;
    this.output = new WorkerLog(side + " producer");
    this.reader = new Thread(() -> {
      try {
        out.lines().forEach(line -> {
          if (!load.line(line, side)) {
            output.line(line);
          }
        });
      } catch (UncheckedIOException e) {
        output.line("upgrade: reading the producer's output failed: " + e);
      }
    }, "upgrade-" + side + "-producer-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the producer on {@code jar} and waits for its READY line; fails with its output when it exits before. */
  static ReleaseProducer start(String side, Path jar, Path handlerJar, List<String> args, Path logDir, UpgradeLoad load)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(ReleaseWorker.JVM_FLAGS);
    command.addAll(List.of("-cp", jar + java.io.File.pathSeparator + handlerJar, UpgradeProducer.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("SPOOL_"));
    Process process = builder.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    List<String> before = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.equals("READY")) {
        ReleaseProducer producer = new ReleaseProducer(side, process, logDir.resolve(side + "-producer-" + process.pid()
            + ".log"), out, load);
        before.forEach(producer.output::line);
        return producer;
      }
      before.add(line);
    }
    process.toHandle().destroyForcibly();
    throw new IOException("the producer of the " + side + " release (" + jar + ") exited before it was ready; its output:\n"
        + String.join("\n", before.subList(Math.max(0, before.size() - 30), before.size())));
  }

  /** Tells it to stop, waits for its last enqueues and awaits, and writes its log; returns its exit code. */
  int stop() throws InterruptedException, IOException {
    if (process.isAlive()) {
      try {
        OutputStream in = process.getOutputStream();
        in.write("STOP\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
      } catch (IOException e) {
        // it is exiting already
      }
      if (!process.waitFor(UpgradeProducer.AWAIT_TIMEOUT.toSeconds() * 2 + 30, TimeUnit.SECONDS)) {
        process.toHandle().destroyForcibly();
        process.waitFor();
      }
    }
    reader.join(TimeUnit.SECONDS.toMillis(10)); // every id it was given is read before the run is judged
    Files.write(logFile, output.lines());
    return process.exitValue();
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
