package dev.spool.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every ```java block of docs/ is a copy of a region of a compiled source: the block is preceded by
 * {@code <!-- snippet: java path/from/repo/Root.java#name -->}, and the source marks the region with
 * {@code // snippet:start name} and {@code // snippet:end name}. A block that differs from its (dedented) region fails
 * with the page, the block and a diff; {@code -Dspool.docs.write=true} rewrites the pages' blocks from the sources
 * instead, so a fix is made in the compiled source and copied into the docs.
 */
class DocsSnippetsTest {

  static final Pattern MARKER = Pattern.compile("<!-- snippet: java (\\S+)#([\\w-]+) -->");
  static final boolean WRITE = Boolean.getBoolean("spool.docs.write");

  /** A ```java block of a page: its fence line (0-based), the lines between the fences, and the marker before it. */
  record Block(Path page, int fence, List<String> body, String marker) {
    String where(Path root) {
      return root.relativize(page) + ":" + (fence + 1);
    }
  }

  @Test
  void everyJavaBlockOfTheDocsIsTheMarkedRegionOfACompiledSource() throws IOException {
    Path root = repositoryRoot();
    List<String> failures = new ArrayList<>();
    int blocks = 0;
    for (Path page : pages(root)) {
      List<String> lines = new ArrayList<>(Files.readAllLines(page));
      boolean rewritten = false;
      // from the end, so a rewrite that changes a block's length leaves the earlier blocks' line numbers valid
      List<Block> found = blocks(page, lines);
      for (int i = found.size() - 1; i >= 0; i--) {
        Block block = found.get(i);
        blocks++;
        Matcher marker = block.marker() == null ? null : MARKER.matcher(block.marker());
        if (marker == null || !marker.matches()) {
          failures.add(block.where(root) + ": a ```java block needs a marker on the line before it, such as "
              + "<!-- snippet: java examples/src/test/java/dev/spool/examples/docs/VertxAppSnippets.java#vertx-app -->");
          continue;
        }
        Path source = root.resolve(marker.group(1));
        List<String> region;
        try {
          region = region(source, marker.group(2));
        } catch (IllegalArgumentException e) {
          failures.add(block.where(root) + ": " + e.getMessage());
          continue;
        }
        if (region.equals(stripTrailing(block.body()))) {
          continue;
        }
        if (WRITE) {
          List<String> replacement = new ArrayList<>(region);
          lines.subList(block.fence() + 1, block.fence() + 1 + block.body().size()).clear();
          lines.addAll(block.fence() + 1, replacement);
          rewritten = true;
        } else {
          failures.add(block.where(root) + " differs from " + marker.group(1) + "#" + marker.group(2)
              + " (- docs, + source; -Dspool.docs.write=true copies the source into the page):\n"
              + diff(stripTrailing(block.body()), region));
        }
      }
      if (rewritten) {
        Files.write(page, lines);
      }
    }
    assertThat(blocks).as("```java blocks found under docs/").isGreaterThan(0);
    assertThat(failures).as("docs snippets").isEmpty();
  }

  static Path repositoryRoot() {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mkdocs.yml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no mkdocs.yml above " + Paths.get("").toAbsolutePath());
    }
    return dir;
  }

  static List<Path> pages(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve("docs"))) {
      return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
  }

  static List<Block> blocks(Path page, List<String> lines) {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().startsWith("```")) {
        continue;
      }
      boolean java = lines.get(i).strip().equals("```java");
      int end = i + 1;
      while (end < lines.size() && !lines.get(end).strip().equals("```")) {
        end++;
      }
      if (java) {
        String marker = i > 0 ? lines.get(i - 1).strip() : null;
        blocks.add(new Block(page, i, List.copyOf(lines.subList(i + 1, Math.min(end, lines.size()))), marker));
      }
      i = end;
    }
    return blocks;
  }

  /** The lines between {@code // snippet:start name} and {@code // snippet:end name}, without their common indent. */
  static List<String> region(Path source, String name) {
    List<String> lines;
    try {
      lines = Files.readAllLines(source);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + source + ": " + e, e);
    }
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.equals("// snippet:start " + name)) {
        start = i;
      } else if (line.equals("// snippet:end " + name)) {
        end = i;
      }
    }
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(source + " has no region // snippet:start " + name + " ... // snippet:end " + name);
    }
    return dedent(stripTrailing(lines.subList(start + 1, end)));
  }

  static List<String> stripTrailing(List<String> lines) {
    return lines.stream().map(String::stripTrailing).toList();
  }

  static List<String> dedent(List<String> lines) {
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
  }

  /** A line diff (longest common subsequence): "  " both, "- " only in the docs, "+ " only in the source. */
  static String diff(List<String> docs, List<String> source) {
    int[][] common = new int[docs.size() + 1][source.size() + 1];
    for (int i = docs.size() - 1; i >= 0; i--) {
      for (int j = source.size() - 1; j >= 0; j--) {
        common[i][j] = docs.get(i).equals(source.get(j))
            ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    int j = 0;
    while (i < docs.size() || j < source.size()) {
      if (i < docs.size() && j < source.size() && docs.get(i).equals(source.get(j))) {
        out.append("    ").append(docs.get(i++)).append('\n');
        j++;
      } else if (j < source.size() && (i == docs.size() || common[i][j + 1] >= common[i + 1][j])) {
        out.append("  + ").append(source.get(j++)).append('\n');
      } else {
        out.append("  - ").append(docs.get(i++)).append('\n');
      }
    }
    return out.toString();
  }

  /** The checker itself: a region is found and dedented, and the diff shows what differs. */
  @Test
  void aRegionIsDedentedAndADiffNamesTheChangedLines() throws IOException {
    Path source = Files.createTempFile("snippet", ".java");
    try {
      Files.write(source, List.of("class A {", "  void m() {", "    // snippet:start s", "    int a = 1;", "",
          "      a++;", "    // snippet:end s", "  }", "}"));
      assertThat(region(source, "s")).containsExactly("int a = 1;", "", "  a++;");
      assertThat(diff(List.of("int a = 1;", "a--;"), region(source, "s")))
          .isEqualTo("    int a = 1;\n  + \n  +   a++;\n  - a--;\n");
      assertThatThrownBy(() -> region(source, "missing")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("snippet:start missing");
    } finally {
      Files.delete(source);
    }
  }
}
