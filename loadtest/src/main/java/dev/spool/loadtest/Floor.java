package dev.spool.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL floor: how fast PostgreSQL itself claims jobs under a lease and acks them in batches, driven by
 * pgbench (a C client with next to no overhead) with this module's own scripts
 * ({@code dev/spool/loadtest/floor/*.sql}). A queue's drain rate divided by this figure, both measured on
 * the same database minutes apart, says how close it comes to the limit; the cost meter runs around
 * pgbench, so cost per job compares too. Needs {@code psql} and {@code pgbench} on the PATH.
 */
final class Floor {

  private static final Pattern TPS = Pattern.compile("(?m)^tps = ([0-9.]+)");
  private static final long TIMEOUT_MINUTES = 20;

  private final String url;
  private final CostMeter meter;
  private final Progress progress;

  Floor(String url, CostMeter meter, Progress progress) {
    this.url = url;
    this.meter = meter;
    this.progress = progress;
  }

  /** One run of {@code jobs} jobs in {@code mode} ("delete" or "keep"); the JSON line of its figures. */
  JsonObject run(int jobs, int batch, int clients, String mode) throws IOException, InterruptedException {
    if (!mode.equals("delete") && !mode.equals("keep")) {
      throw new IllegalArgumentException("floor mode is delete or keep, got " + mode);
    }
    Path dir = Files.createTempDirectory("spool-floor");
    try {
      Path schema = extract(dir, "schema.sql");
      Path script = extract(dir, mode + ".sql");
      exec(List.of("psql", "-qX", url, "-v", "ON_ERROR_STOP=1", "-v", "n=" + jobs, "-f", schema.toString()));
      int perClient = (jobs / batch + clients - 1) / clients;
      progress.line("floor: %,d jobs ready; pgbench, %d clients, batch %d, %s", jobs, clients, batch, mode);
      CostMeter.Snapshot start = meter.snapshot();
      long began = System.nanoTime();
      String out = exec(List.of("pgbench", "-n", "-c", Integer.toString(clients), "-j", Integer.toString(clients),
          "-t", Integer.toString(perClient), "-D", "batch=" + batch, "-f", script.toString(), url));
      double seconds = (System.nanoTime() - began) / 1e9;
      JsonObject cost = meter.since(start, jobs);
      String left = exec(List.of("psql", "-qXtA", url, "-c", "select count(*) from spool_floor_jobs where state = 0")).strip();
      exec(List.of("psql", "-qX", url, "-c", "drop table spool_floor_jobs"));
      Matcher tps = TPS.matcher(out);
      if (!tps.find()) {
        throw new IOException("pgbench printed no tps: " + out);
      }
      return new JsonObject().put("command", "floor").put("mode", mode).put("jobs", jobs).put("batch", batch)
          .put("clients", clients).put("floor_jobs_per_s", Math.round(Double.parseDouble(tps.group(1)) * batch))
          .put("seconds", Math.round(seconds * 1000) / 1000.0).put("left_available", Long.parseLong(left))
          .put("cost", cost);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static Path extract(Path dir, String name) throws IOException {
    try (InputStream in = Floor.class.getResourceAsStream("/dev/spool/loadtest/floor/" + name)) {
      return Files.write(dir.resolve(name), Objects.requireNonNull(in, name).readAllBytes());
    }
  }

  /** Runs a command to its end; its output, or an exception with it when it fails. */
  private static String exec(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException(command.get(0) + " did not finish within " + TIMEOUT_MINUTES + " minutes");
    }
    if (process.exitValue() != 0) {
      throw new IOException(command.get(0) + " failed (exit " + process.exitValue() + "): " + out.strip());
    }
    return out;
  }
}
