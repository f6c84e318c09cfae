package dev.spool.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code docs/reference/metrics.md}, generated from a real scrape of {@code /metrics}: every {@code spool_*}
 * metric with its type, labels and help text (the JVM's and the HTTP server's own metrics are left to their
 * projects' documentation). {@link OpsFilesTest} compares it after its workload, which exports every metric;
 * {@code -Dspool.docs.write=true} rewrites the page instead.
 */
final class MetricsReference {

  static final Path PAGE = Path.of("..", "docs", "reference", "metrics.md");

  /** A metric family: its type, help text and label names, as the scrape declares them. */
  private static final class Family {
    String type = "";
    String help = "";
    final Set<String> labels = new TreeSet<>();
  }

  private MetricsReference() {}

  /** Fails when the page differs from what {@code scrape} documents. */
  static void check(String scrape) throws IOException {
    String page = render(scrape);
    if (Boolean.getBoolean("spool.docs.write")) {
      Files.createDirectories(PAGE.getParent());
      Files.writeString(PAGE, page);
    }
    assertThat(Files.exists(PAGE) ? Files.readString(PAGE) : "")
        .as("docs/reference/metrics.md is stale: run `mvn -pl admin -am verify -Dtest=OpsFilesTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dspool.docs.write=true` and commit it")
        .isEqualTo(page);
  }

  static String render(String scrape) {
    Map<String, Family> families = new TreeMap<>();
    for (String line : scrape.split("\n")) {
      if (line.startsWith("# HELP spool_") || line.startsWith("# TYPE spool_")) {
        String[] parts = line.split(" ", 4);
        Family family = families.computeIfAbsent(parts[2], n -> new Family());
        if (parts[1].equals("HELP")) {
          family.help = parts.length > 3 ? parts[3] : "";
        } else {
          family.type = parts[3];
        }
      } else if (line.startsWith("spool_") && line.indexOf('{') > 0) {
        String series = line.substring(0, line.indexOf('{'));
        Family family = families.get(familyOf(series, families));
        if (family != null) {
          for (String pair : line.substring(line.indexOf('{') + 1, line.lastIndexOf('}')).split(",(?=[a-z_]+=\")")) {
            String label = pair.substring(0, pair.indexOf('='));
            if (!label.equals("le") && !label.equals("quantile")) {
              family.labels.add(label);
            }
          }
        }
      }
    }
    StringBuilder out = new StringBuilder("""
        # Metrics reference

        <!-- Generated from a real scrape of /metrics by OpsFilesTest (MetricsReference); do not edit by hand. -->

        Every metric Spool exports on the admin API's `/metrics` (Prometheus text), or into your own Micrometer
        registry. The database gauges describe the whole cluster and read alike on every node; counters and
        histograms are per node. A histogram is scraped as its `_bucket`, `_count` and `_sum` series. The
        [alerts](../operations/alerts.md) page says which of them the shipped rules watch.

        | metric | type | labels | meaning |
        |---|---|---|---|
        """);
    families.forEach((name, family) -> out.append("| `").append(name).append("` | ").append(family.type)
        .append(" | ").append(family.labels.isEmpty() ? "" : "`" + String.join("`, `", family.labels) + "`")
        .append(" | ").append(family.help.replace("|", "\\|")).append(" |\n"));
    return out.toString();
  }

  /** The family a series belongs to: itself, or a histogram's or summary's name without its suffix. */
  private static String familyOf(String series, Map<String, Family> families) {
    if (families.containsKey(series)) {
      return series;
    }
    for (String suffix : new String[] {"_bucket", "_count", "_sum", "_max"}) {
      if (series.endsWith(suffix) && families.containsKey(series.substring(0, series.length() - suffix.length()))) {
        return series.substring(0, series.length() - suffix.length());
      }
    }
    return null;
  }
}
