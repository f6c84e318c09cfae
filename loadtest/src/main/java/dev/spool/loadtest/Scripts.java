package dev.spool.loadtest;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the reference benchmarks of {@code shared/bench} (shell scripts that end with one JSON line) and
 * finds the folder they live in.
 */
final class Scripts {

  /** The first run of the peer installs it with npm, which can take minutes on a cold cache. */
  static final long SCRIPT_TIMEOUT_MINUTES = 20;
  /** Where the reference benchmarks live, relative to the repository root. */
  static final String DEFAULT_BENCH_DIR = "../shared/bench";

  private Scripts() {}

  /**
   * {@code dir} when given; else {@value #DEFAULT_BENCH_DIR} from the working directory (the repository
   * root, where the jar is meant to be run from), else from the repository root this jar was built in.
   */
  static Path benchDir(String dir) {
    if (dir != null) {
      return Path.of(dir).toAbsolutePath().normalize();
    }
    Path fromWorkingDir = Path.of(DEFAULT_BENCH_DIR).toAbsolutePath().normalize();
    if (Files.isDirectory(fromWorkingDir)) {
      return fromWorkingDir;
    }
    try {
      // loadtest/target/spool-loadtest.jar -> the repository root is two levels up from the jar's folder
      Path jar = Path.of(Scripts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path fromJar = jar.getParent().getParent().getParent().resolve(DEFAULT_BENCH_DIR).normalize();
      if (Files.isDirectory(fromJar)) {
        return fromJar;
      }
    } catch (Exception | Error e) {
      // no code source (unusual class loader): the working directory's answer stands
    }
    return fromWorkingDir;
  }

  /**
   * Runs {@code bash script args...}, passing its stderr through, and returns the last line of its stdout
   * that is a JSON object; throws with the script's output when it fails or prints none.
   */
  static JsonObject run(Path script, String... args) throws IOException, InterruptedException {
    if (!Files.isRegularFile(script)) {
      throw new IOException("no such script: " + script + " (pass --bench-dir)");
    }
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(line);
      }
    }
    if (!process.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException(script.getFileName() + " did not finish within " + SCRIPT_TIMEOUT_MINUTES + " minutes");
    }
    JsonObject result = null;
    for (String line : lines) {
      if (line.startsWith("{")) {
        try {
          result = new JsonObject(line);
        } catch (DecodeException e) {
          // not the result line; keep looking
        }
      }
    }
    if (process.exitValue() != 0 || result == null) {
      throw new IOException(script.getFileName() + " failed (exit " + process.exitValue() + "): " + String.join("\n", lines));
    }
    return result;
  }
}
