package dev.spool.loadtest;

import dev.spool.JobHandlers;
import dev.spool.spi.JobHandlerProvider;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * The task of {@code upgrade}'s jobs, run by the {@code worker} command of both releases:
 * {@code upgrade.record} prints {@code RAN <id> <attempt>} (the run log, read from the worker's output), waits
 * {@code ms} and completes with its arguments (what an await gets back). {@link HandlerJar} puts this class
 * alone in a handler jar for {@code worker --handlers}, so it uses only API that both releases have.
 */
public final class UpgradeTask implements JobHandlerProvider {

  public static final String NAME = "upgrade.record";
  /** The prefix of a run-log line. */
  public static final String RAN = "RAN ";

  @Override
  public void register(JobHandlers handlers) {
    handlers.register(NAME, (args, ctx) -> {
      System.out.println(RAN + ctx.id() + " " + ctx.attempt());
      Promise<JsonObject> done = Promise.promise();
      ctx.vertx().setTimer(Math.max(1, args.getLong("ms", 1L)), t -> done.complete(args));
      return done.future();
    });
  }
}
