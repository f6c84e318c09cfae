package dev.spool.loadtest;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker processes of a chaos run ({@link ChaosWorker}): started in the background (a JVM takes
 * seconds to come up, and kills keep their pace meanwhile), killed, frozen, thawed and stopped; each
 * one's count of fenced late acks is read from its output.
 */
final class ChaosFleet implements AutoCloseable {

  /** A started worker process, the node id it reported, and the late acks it reported last. */
  record Worker(Process process, String nodeId, AtomicLong lateAcks) {}

  private final String schema;
  private final String optionsJson;
  private final boolean keepCompleted;
  private final List<Worker> live = new CopyOnWriteArrayList<>();
  private final List<Worker> gone = new CopyOnWriteArrayList<>();
  private final ExecutorService starter = Executors.newCachedThreadPool();
  private final AtomicInteger pending = new AtomicInteger();

  ChaosFleet(String schema, String optionsJson, boolean keepCompleted) {
    this.schema = schema;
    this.optionsJson = optionsJson;
    this.keepCompleted = keepCompleted;
    // a run interrupted (Ctrl-C, a timeout's SIGTERM) must not leave worker processes behind, stopped or not
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "chaos-fleet-cleanup"));
  }

  /** Starts a worker on {@code uri} in the background. */
  void startLater(String uri) {
    pending.incrementAndGet();
    starter.submit(() -> {
      try {
        return live.add(start(uri));
      } finally {
        pending.decrementAndGet();
      }
    });
  }

  /** Starts a worker on {@code uri} and waits until it is ready. */
  Worker startNow(String uri) throws IOException {
    Worker worker = start(uri);
    live.add(worker);
    return worker;
  }

  List<Worker> live() {
    return live;
  }

  void awaitLive(int n) {
    while (live.size() < n) {
      Blocking.sleep(100);
    }
  }

  /** SIGKILL, and waits for the process to be gone. */
  void kill(Worker worker) throws InterruptedException {
    live.remove(worker);
    worker.process().destroyForcibly().waitFor();
    gone.add(worker);
  }

  /** SIGSTOP: the process keeps its sockets and its state and does nothing. */
  void freeze(Worker worker) throws IOException, InterruptedException {
    signal(worker, "STOP");
  }

  /** SIGCONT: the frozen process runs on where it stopped. */
  void thaw(Worker worker) throws IOException, InterruptedException {
    signal(worker, "CONT");
  }

  private static void signal(Worker worker, String signal) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(worker.process().pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IOException("kill -" + signal + " " + worker.process().pid() + " exited " + exit);
    }
  }

  /**
   * SIGTERM to every live worker, once those still starting are up (graceful: running jobs finish,
   * prefetched ones go back), and waits for them to exit.
   */
  void stopAll() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (pending.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    List<Worker> stopping = List.copyOf(live);
    stopping.forEach(w -> w.process().toHandle().destroy());
    for (Worker worker : stopping) {
      worker.process().waitFor();
    }
    live.removeAll(stopping);
    gone.addAll(stopping);
  }

  /** Late acks every worker of the run reported (the killed ones up to their death). */
  long lateAcks() {
    long sum = 0;
    for (List<Worker> workers : List.of(live, gone)) {
      for (Worker worker : workers) {
        sum += worker.lateAcks().get();
      }
    }
    return sum;
  }

  private Worker start(String uri) throws IOException {
    AtomicLong lateAcks = new AtomicLong();
    ChildJvm.Started started = ChildJvm.start(ChaosWorker.class, l -> {
      if (l.startsWith("LATE_ACKS ")) {
        lateAcks.set(Long.parseLong(l.substring(10).trim()));
      }
    }, uri, schema, optionsJson, Boolean.toString(keepCompleted));
    return new Worker(started.process(), started.nodeId(), lateAcks);
  }

  /** Kills whatever is left (a run that failed half-way), thawing first so nothing stays stopped. */
  @Override
  public void close() {
    starter.shutdownNow();
    for (Worker worker : live) {
      try {
        thaw(worker);
      } catch (IOException | InterruptedException e) {
        // killed below anyway
      }
      worker.process().destroyForcibly();
    }
  }
}
