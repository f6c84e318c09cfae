package dev.spool.impl.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The migration scripts of this build: {@code dev/spool/sql/migrations/V###__name.sql}, listed in
 * {@code migrations/index.txt}. Each script declares, on a line of its own,
 * {@code -- compatible-from: N}: the oldest runtime schema version (the newest migration a runtime knows)
 * that still works against a schema with this migration applied. The migrator records it beside the
 * version, so a process of an older release reads from the database what the newer schema says about it.
 * A script without the line counts as compatible only with its own version (no older runtime works with it).
 */
public final class Migrations {

  private static final String DIR = "dev/spool/sql/migrations/";
  private static final Pattern FILE = Pattern.compile("V(\\d{3})__(\\w+)\\.sql");
  private static final Pattern COMPATIBLE_FROM = Pattern.compile("(?m)^-- compatible-from: *(\\d+)\\b");

  private Migrations() {}

  /**
   * One migration script.
   *
   * @param compatibleFrom the oldest runtime schema version that works with a schema that has this migration
   * @param declared whether the script declares it (else it is the migration's own version)
   */
  public record Migration(int version, String name, String path, int compatibleFrom, boolean declared) {}

  /** The migrations this build of Spool knows, in version order. */
  public static List<Migration> known() {
    String index = Queries.resourceOrNull(DIR + "index.txt");
    if (index == null) {
      throw new IllegalStateException("missing " + DIR + "index.txt");
    }
    List<Migration> all = new ArrayList<>();
    for (String line : index.strip().split("\\s+")) {
      Migration migration = read(DIR + line);
      if (!all.isEmpty() && all.get(all.size() - 1).version() >= migration.version()) {
        throw new IllegalStateException("migrations out of order at " + line);
      }
      all.add(migration);
    }
    return all;
  }

  /** The schema version of this build: its newest migration. */
  public static int latest() {
    List<Migration> all = known();
    return all.get(all.size() - 1).version();
  }

  /** Reads the script at {@code path} (a class path resource named {@code V###__name.sql}). */
  public static Migration read(String path) {
    String file = path.substring(path.lastIndexOf('/') + 1);
    Matcher m = FILE.matcher(file);
    if (!m.matches()) {
      throw new IllegalStateException("bad migration file name " + file);
    }
    String text = Queries.resourceOrNull(path);
    if (text == null) {
      throw new IllegalStateException("missing migration " + path);
    }
    int version = Integer.parseInt(m.group(1));
    Matcher compatible = COMPATIBLE_FROM.matcher(text);
    boolean declared = compatible.find();
    int from = declared ? Integer.parseInt(compatible.group(1)) : version;
    if (from > version) {
      throw new IllegalStateException(file + " declares compatible-from " + from + ", after its own version");
    }
    MigrationSteps.of(text); // a concurrent build without an index name fails here, not halfway through a migrate
    return new Migration(version, m.group(2), path, from, declared);
  }
}
