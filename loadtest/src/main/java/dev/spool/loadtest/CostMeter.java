package dev.spool.loadtest;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a stretch of a benchmark costs per job, which moves far less from run to run than jobs/s on a
 * shared machine: CPU of the PostgreSQL server (the postmaster's process tree, backends that exited
 * included, when the server runs on this machine), CPU of the client (this JVM, plus child processes it
 * reaped, such as pgbench), and WAL bytes (from {@code pg_current_wal_lsn()}; a checkpoint in between is
 * flagged, as its full-page images inflate the figure). The client's CPU is also split by the JVM's threads:
 * its JIT compilers' and its garbage collectors' share, so a short run on a slow machine, whose compilers
 * are still at work after the warm-up, shows what a long-lived worker would no longer pay.
 */
final class CostMeter {

  /** Linux's clock tick for /proc CPU times; the kernel's USER_HZ is 100 on every common configuration. */
  private static final long TICK_NANOS = 10_000_000L;

  private final Checks checks;
  private final Long postmaster;

  /** A meter of the server {@code checks} talks to; finds its postmaster when it runs on this machine. */
  CostMeter(Checks checks) {
    this.checks = checks;
    Row row = Blocking.await(checks.costSnapshot());
    this.postmaster = parentOf(row.getInteger("pid"));
  }

  /** The counters now. */
  Snapshot snapshot() {
    Row row = Blocking.await(checks.costSnapshot());
    long[] jitAndGc = jitAndGcNanos();
    return new Snapshot(serverCpuNanos(), clientCpuNanos(), jitAndGc[0], jitAndGc[1], row.getString("lsn"),
        row.getLong("checkpoints"));
  }

  /** {@code pg_cpu_us_per_job}, {@code client_cpu_us_per_job}, {@code wal_bytes_per_job} since {@code start}. */
  JsonObject since(Snapshot start, long jobs) {
    Snapshot end = snapshot();
    long walBytes = Blocking.await(checks.walBytesSince(start.lsn));
    JsonObject cost = new JsonObject()
        .put("pg_cpu_us_per_job", start.serverCpuNanos < 0 || end.serverCpuNanos < 0 ? null
            : round((end.serverCpuNanos - start.serverCpuNanos) / 1000.0 / jobs))
        .put("client_cpu_us_per_job", round((end.clientCpuNanos - start.clientCpuNanos) / 1000.0 / jobs))
        .put("client_jit_cpu_us_per_job", round((end.jitNanos - start.jitNanos) / 1000.0 / jobs))
        .put("client_gc_cpu_us_per_job", round((end.gcNanos - start.gcNanos) / 1000.0 / jobs))
        .put("wal_bytes_per_job", round((double) walBytes / jobs))
        .put("checkpoint_during", end.checkpoints != start.checkpoints);
    return cost;
  }

  /** Counters at one moment; a server CPU of -1 means the server is not on this machine. */
  record Snapshot(long serverCpuNanos, long clientCpuNanos, long jitNanos, long gcNanos, String lsn, long checkpoints) {}

  /**
   * CPU so far of this JVM's JIT compiler threads and of its garbage collector threads, from
   * /proc/self/task (thread names "C1/C2 CompilerThread…", "GC Thread#…", "G1 …"); zeros off Linux.
   */
  private static long[] jitAndGcNanos() {
    long jit = 0;
    long gc = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long nanos = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
          if (name.contains("CompilerThre")) {
            jit += nanos;
          } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            gc += nanos;
          }
        } catch (IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
    return new long[] {jit, gc};
  }

  private long serverCpuNanos() {
    if (postmaster == null) {
      return -1;
    }
    long[] own = stat(postmaster);
    if (own == null) {
      return -1;
    }
    // the postmaster's own time and its reaped children's (backends that exited), plus its live children
    long ticks = own[0] + own[1] + own[2] + own[3];
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        long pid = Long.parseLong(proc.getFileName().toString());
        Long parent = parentOf(pid);
        if (parent != null && parent.equals(postmaster)) {
          long[] child = stat(pid);
          if (child != null) {
            ticks += child[0] + child[1];
          }
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return ticks * TICK_NANOS;
  }

  private static long clientCpuNanos() {
    long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    long[] self = stat(ProcessHandle.current().pid());
    return jvm + (self == null ? 0 : (self[2] + self[3]) * TICK_NANOS); // plus reaped children: pgbench
  }

  /** utime, stime, cutime, cstime of a process from /proc/PID/stat, or null when it cannot be read. */
  private static long[] stat(long pid) {
    String[] fields = statFields(pid);
    if (fields == null) {
      return null;
    }
    // after "pid (comm)": state is field 0, utime field 11, stime 12, cutime 13, cstime 14
    return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
        Long.parseLong(fields[14])};
  }

  /** CPU time so far of another process on this machine (user and system), or -1 when it cannot be read. */
  static long processCpuNanos(long pid) {
    long[] times = stat(pid);
    return times == null ? -1 : (times[0] + times[1]) * TICK_NANOS;
  }

  private static Long parentOf(long pid) {
    String[] fields = statFields(pid);
    return fields == null ? null : Long.valueOf(fields[1]);
  }

  private static String[] statFields(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null; // not on this machine, gone, or not Linux
    }
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
