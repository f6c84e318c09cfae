package dev.spool.cli;

import dev.spool.SpoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Creates or updates Spool's schema in a database, and turns job history on or off. */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Create or update Spool's schema.")
final class MigrateCommand extends Operator {

  /** {@code --history on|off}. */
  enum Switch { on, off }

  @Option(names = "--history", description = "record every job's state transitions: on or off (default: leave as is)")
  Switch history;

  @Override
  SpoolOptions spoolOptions(SpoolOptions configured) {
    return history == null ? configured : configured.setHistory(history == Switch.on);
  }

  @Override
  int run(Session session) throws Exception {
    List<Integer> applied = Await.result(session.spool.migrate());
    String schema = session.spool.options().getSchema();
    boolean historyOn = Await.result(session.admin.historyEnabled());
    if (json) {
      return printJson(new JsonObject().put("schema", schema).put("applied", new JsonArray(applied))
          .put("history", historyOn), OK);
    }
    out().println((applied.isEmpty() ? "schema " + schema + " is up to date"
        : "applied migrations " + applied + " to schema " + schema) + "; job history is " + (historyOn ? "on" : "off"));
    return OK;
  }
}
