package dev.spool.loadtest;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fat jar of an earlier release for {@code upgrade}: the one given, or {@code cli/target/spool.jar} built
 * from a commit of this repository. The commit's tree is exported with {@code git archive} into a scratch
 * folder under {@code loadtest/target} (the working tree, its index and its list of worktrees stay as they are)
 * and built there with Maven, offline first (the usual case: the dependencies are in the local repository)
 * and online when that fails; the jar is kept in {@code loadtest/target/upgrade-old/} for later runs.
 */
final class OldRelease {

  static final String CACHE = "loadtest/target/upgrade-old";
  private static final int LOG_TAIL_LINES = 30;

  private OldRelease() {}

  /** The jar of {@code commit}, built unless cached. */
  static Path build(String commit, Progress progress) throws IOException, InterruptedException {
    Path root = Path.of(output(null, "git", "rev-parse", "--show-toplevel"));
    String sha = output(root, "git", "rev-parse", "--verify", commit + "^{commit}");
    Path cache = root.resolve(CACHE);
    Path jar = cache.resolve("spool-" + sha.substring(0, 12) + ".jar");
    if (Files.isRegularFile(jar)) {
      progress.line("old release %s: %s (cached)", commit, jar);
      return jar;
    }
    Files.createDirectories(cache);
    Path scratch = cache.resolve("src-" + sha.substring(0, 12));
    deleteTree(scratch);
    Files.createDirectories(scratch);
    Path tar = cache.resolve("src-" + sha.substring(0, 12) + ".tar");
    output(root, "git", "archive", "--format=tar", "-o", tar.toString(), sha);
    output(scratch, "tar", "-xf", tar.toString());
    Files.delete(tar);
    Path log = cache.resolve("build-" + sha.substring(0, 12) + ".log");
    progress.line("old release %s: building cli/target/spool.jar in %s (log: %s)", commit, scratch, log);
    List<String> mvn = List.of("mvn", "-B", "-ntp", "-q", "-DskipTests", "package", "-pl", "cli", "-am");
    List<String> offline = new ArrayList<>(mvn);
    offline.add(1, "-o");
    if (run(scratch, log, offline) != 0) {
      progress.line("old release %s: the offline build failed (a dependency not cached?); building online", commit);
      if (run(scratch, log, mvn) != 0) {
        throw new IOException("building " + commit + " failed; the end of " + log + ":\n" + tail(log));
      }
    }
    Files.copy(scratch.resolve("cli/target/spool.jar"), jar, StandardCopyOption.REPLACE_EXISTING);
    deleteTree(scratch);
    progress.line("old release %s: %s", commit, jar);
    return jar;
  }

  private static int run(Path dir, Path log, List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return process.waitFor();
  }

  /** Runs a short command and returns its output, trimmed; fails with its output when it exits non-zero. */
  private static String output(Path dir, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile())
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
