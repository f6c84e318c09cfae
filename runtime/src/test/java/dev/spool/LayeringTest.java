package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of the code base, read from its sources (every module's, from the repository root)
 * and from the compiled API: the public package builds on nothing internal except in the one factory,
 * internal packages import each other without cycles, the public API hands out no internal type, and
 * Spool's named SQL is only read inside its data layer.
 */
class LayeringTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
  private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?([\\w.]+)\\.[\\w*]+;");

  @Test
  void thePublicPackageImportsNothingInternalButInTheFactory() throws IOException {
    Map<String, List<String>> offenders = new TreeMap<>();
    for (Path file : mainSources()) {
      String text = Files.readString(file);
      if (packageOf(text).equals("dev.spool") && !file.getFileName().toString().equals("Spool.java")) {
        List<String> internal = importsOf(text).stream().filter(i -> i.startsWith("dev.spool.impl")).toList();
        if (!internal.isEmpty()) {
          offenders.put(ROOT.relativize(file).toString(), internal);
        }
      }
    }
    assertThat(offenders).as("files of package dev.spool importing dev.spool.impl").isEmpty();
  }

  @Test
  void internalPackagesImportEachOtherWithoutCycles() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (Path file : mainSources()) {
      String text = Files.readString(file);
      String pkg = packageOf(text);
      if (!pkg.contains(".impl")) {
        continue;
      }
      Set<String> edges = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
      importsOf(text).stream().filter(i -> i.contains(".impl") && i.startsWith("dev.spool") && !i.equals(pkg))
          .forEach(edges::add);
    }
    assertThat(graph).as("internal packages found").hasSizeGreaterThan(5);
    assertThat(cycles(graph)).as("cycles between internal packages").isEmpty();
  }

  @Test
  void thePublicApiHandsOutNoInternalType() throws Exception {
    List<String> leaks = new ArrayList<>();
    Path classes = Path.of("target", "classes");
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.contains(".impl.")) {
          continue;
        }
        Class<?> type = Class.forName(name, false, getClass().getClassLoader());
        if (!Modifier.isPublic(type.getModifiers())) {
          continue;
        }
        for (Method method : type.getDeclaredMethods()) {
          if (!Modifier.isPublic(method.getModifiers()) && !Modifier.isProtected(method.getModifiers())) {
            continue;
          }
          List<Class<?>> types = new ArrayList<>(List.of(method.getParameterTypes()));
          types.add(method.getReturnType());
          for (Class<?> t : types) {
            if (t.getName().contains(".impl.")) {
              leaks.add(type.getName() + "." + method.getName() + " uses " + t.getName());
            }
          }
        }
      }
    }
    assertThat(leaks).as("public API methods with internal types").isEmpty();
  }

  @Test
  void namedSqlIsReadOnlyInsideTheDataLayer() throws IOException {
    List<String> outside = new ArrayList<>();
    for (Path file : mainSources()) {
      String text = Files.readString(file);
      boolean factory = file.endsWith(Path.of("dev", "spool", "Spool.java")); // builds the runtime's Queries
      if (!factory && !packageOf(text).startsWith("dev.spool.impl") && text.contains("dev.spool.impl.sql.Queries")) {
        outside.add(ROOT.relativize(file).toString());
      }
    }
    assertThat(outside).as("code outside dev.spool.impl reading Spool's named SQL").isEmpty();
  }

  /**
   * opentelemetry-api is an optional dependency of the runtime: only the class loaded by name when it is
   * present may refer to it (imports or qualified names; strings and comments do not count), so that no other
   * class fails to load, or pays anything, without it.
   */
  @Test
  void onlyOneClassOfTheRuntimeRefersToOpenTelemetry() throws IOException {
    // A literal is matched as runs between escapes: repeating a group once per character overflowed the stack on
    // VacuumHorizon.java's longer strings, now and then.
    Pattern literalsAndComments = Pattern.compile("\"[^\"\\\\]*(?:\\\\.[^\"\\\\]*)*\"|//[^\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    List<String> users = new ArrayList<>();
    for (Path file : mainSources()) {
      String code = literalsAndComments.matcher(Files.readString(file)).replaceAll("");
      if (file.startsWith(ROOT.resolve("runtime")) && code.contains("io.opentelemetry")) {
        users.add(ROOT.relativize(file).toString());
      }
    }
    assertThat(users).as("runtime sources referring to io.opentelemetry")
        .containsExactly(Path.of("runtime/src/main/java/dev/spool/impl/trace/OtelTracing.java").toString());
  }

  /** The main sources of every module of the repository (runtime, admin, cli, codecs, examples, loadtest). */
  private static List<Path> mainSources() throws IOException {
    List<Path> sources = new ArrayList<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
        if (module.getFileName().toString().equals("jmh")) {
          continue; // benchmarks measure internal stages on purpose
        }
        try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
          files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
        }
      }
    }
    assertThat(sources).as("sources found from " + ROOT).hasSizeGreaterThan(50);
    return sources;
  }

  private static String packageOf(String text) {
    Matcher m = PACKAGE.matcher(text);
    return m.find() ? m.group(1) : "";
  }

  private static Set<String> importsOf(String text) {
    Set<String> packages = new HashSet<>();
    Matcher m = IMPORT.matcher(text);
    while (m.find()) {
      String imported = m.group(1);
      // an import of a nested type names its outer class: keep only the package part
      while (imported.contains(".") && Character.isUpperCase(imported.substring(imported.lastIndexOf('.') + 1).charAt(0))) {
        imported = imported.substring(0, imported.lastIndexOf('.'));
      }
      packages.add(imported);
    }
    return packages;
  }

  /** Every cycle found by a depth-first walk, each as the path that closes it. */
  private static List<String> cycles(Map<String, Set<String>> graph) {
    List<String> found = new ArrayList<>();
    Map<String, Integer> state = new HashMap<>(); // 1 on the current path, 2 done
    for (String start : graph.keySet()) {
      walk(start, graph, state, new ArrayList<>(), found);
    }
    return found;
  }

  private static void walk(String pkg, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path,
      List<String> found) {
    Integer s = state.get(pkg);
    if (s != null && s == 2) {
      return;
    }
    if (s != null && s == 1) {
      found.add(String.join(" -> ", path.subList(path.indexOf(pkg), path.size())) + " -> " + pkg);
      return;
    }
    state.put(pkg, 1);
    path.add(pkg);
    for (String next : graph.getOrDefault(pkg, Set.of())) {
      walk(next, graph, state, path, found);
    }
    path.remove(path.size() - 1);
    state.put(pkg, 2);
  }
}
