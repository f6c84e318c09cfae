package dev.spool.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The load tester's worker processes do not outlive it: stopped with SIGTERM (as {@code timeout} stops a run),
 * it stops them too, and one that ignores SIGTERM is killed after the grace.
 */
class ChildJvmTest {

  /** A worker process stand-in: ready at once, then does nothing until stopped; with "stubborn", ignores SIGTERM. */
  public static final class Idle {
    public static void main(String[] args) throws InterruptedException {
      if (args.length > 0 && args[0].equals("stubborn")) {
        // a shutdown hook that never ends keeps the JVM from exiting on SIGTERM
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          while (true) {
            try {
              Thread.sleep(1_000);
            } catch (InterruptedException e) {
              // stay
            }
          }
        }));
      }
      System.out.println("READY idle-" + ProcessHandle.current().pid());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** A load tester stand-in: starts an {@link Idle} child through ChildJvm, prints its pid, and waits. */
  public static final class Parent {
    public static void main(String[] args) throws Exception {
      ChildJvm.Started child = ChildJvm.start(Idle.class, line -> { }, args);
      System.out.println("CHILD " + child.process().pid());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private static long childOfStoppedParent(String... childArgs) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), Parent.class.getName()));
    command.addAll(List.of(childArgs));
    Process parent = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream()));
    String line;
    long child = -1;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("CHILD ")) {
        child = Long.parseLong(line.substring(6).trim());
        break;
      }
    }
    assertThat(child).as("the parent started its child").isPositive();
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).contains(true);
    parent.destroy(); // SIGTERM
    assertThat(parent.waitFor(30, TimeUnit.SECONDS)).as("the parent exited").isTrue();
    return child;
  }

  private static boolean gone(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    return handle.isEmpty() || !handle.get().isAlive();
  }

  @Test
  void aWorkerProcessStopsWhenTheLoadTesterIsStopped() throws Exception {
    long child = childOfStoppedParent();
    assertThat(gone(child)).as("the child of a stopped load tester is gone").isTrue();
  }

  @Test
  void aWorkerProcessThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    long child = childOfStoppedParent("stubborn");
    assertThat(gone(child)).as("the stubborn child is killed").isTrue();
  }
}
