package dev.spool.cli;

import dev.spool.Spool;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Creates or updates Spool's schema in a database. */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Create or update Spool's schema.")
final class MigrateCommand implements Callable<Integer> {

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL)")
  String db;

  @Option(names = "--schema", defaultValue = "spool", description = "schema name (default: ${DEFAULT-VALUE})")
  String schema;

  @Override
  public Integer call() throws Exception {
    try (Database database = Database.resolve(db, false)) {
      Vertx vertx = Vertx.vertx();
      try {
        Spool spool = Spool.builder(vertx).connectingTo(database.uri).schema(schema).build();
        List<Integer> applied = Await.result(spool.migrate());
        System.out.println(applied.isEmpty() ? "schema " + schema + " is up to date"
            : "applied migrations " + applied + " to schema " + schema);
        return 0;
      } finally {
        Await.result(vertx.close());
      }
    }
  }
}
