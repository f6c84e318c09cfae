package dev.spool.loadtest;

import dev.spool.Spool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A worker process of the load tester: this JVM's java and class path running {@code main}, started and
 * waited for until it prints {@code READY <node id>}; its later lines go to a consumer on a daemon thread
 * (so its output pipe never fills and blocks it). Every child still running when the load tester's JVM
 * exits (its run ended early, or it got SIGTERM from {@code timeout} or Ctrl-C) is stopped with it.
 */
final class ChildJvm {

  /** A started process and the node id of its READY line. */
  record Started(Process process, String nodeId) {}

  /** How long the exit waits for children told to stop (SIGTERM) before it kills them (SIGKILL). */
  static final long STOP_GRACE_MS = 5_000;

  private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();

  static {
    // A child outliving the load tester keeps its database connections and goes on claiming jobs of a
    // run nobody watches; a frozen one (SIGSTOP) would not even hear SIGTERM, hence SIGKILL after the grace.
    Runtime.getRuntime().addShutdownHook(new Thread(ChildJvm::stopAll, "child-jvm-cleanup"));
  }

  private ChildJvm() {}

  /** SIGTERM to every live child, then SIGKILL to those still there after {@link #STOP_GRACE_MS}. */
  static void stopAll() {
    List<Process> live = CHILDREN.stream().filter(Process::isAlive).toList();
    live.forEach(Process::destroy);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MS);
    for (Process process : live) {
      try {
        process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
  }

  /**
   * The child's side: once {@code deployment} succeeds, prints {@code READY <node id>} (or exits 3 when it
   * fails); on SIGTERM (the end of a run) closes Vert.x gracefully, so running jobs finish, the rest go back and
   * the worker deregisters. SIGKILL skips all of that, which is what chaos wants.
   */
  static void readyWhenDeployed(Vertx vertx, Spool spool, Future<?> deployment, String what) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println(what + " shutdown: " + e);
      }
    }));
    deployment.onComplete(ar -> {
      if (ar.succeeded()) {
        System.out.println("READY " + spool.nodeId());
        System.out.flush();
      } else {
        ar.cause().printStackTrace();
        System.exit(3);
      }
    });
  }

  /** Stops {@code process} with the load tester's JVM, as it does its own children (a peer's worker, say). */
  static void track(Process process) {
    CHILDREN.add(process);
    process.onExit().thenRun(() -> CHILDREN.remove(process));
  }

  /** Starts {@code main} with {@code args}; fails when the process ends before its READY line. */
  static Started start(Class<?> main, Consumer<String> laterLines, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    track(process);
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()));
    String line;
    String last = null;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("READY ")) {
        Thread drain = new Thread(() -> {
          try {
            out.lines().forEach(laterLines);
          } catch (java.io.UncheckedIOException e) {
            // the process was stopped and its pipe closed under the reader: its output is over
          }
        }, main.getSimpleName() + "-output");
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
