package dev.spool.testing;

import dev.spool.JobHandlers;
import dev.spool.QueueOptions;
import dev.spool.Spool;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/**
 * A worker in a process of its own that logs every run of the task {@code logged} outside Spool's tables:
 * a row of {@code {schema}.exec_log} (key, worker, start, end on the database clock) around 20 ms of work,
 * so limits across processes are checked from what ran, not from what Spool recorded. Serves one queue with
 * a per-key concurrency limit. Arguments: database URI, schema, queue, key concurrency.
 */
public final class LoggedWorkerProcess {

  public static final Task<JsonObject> LOGGED = Task.json("logged");
  /** The log's table; create it in the schema before starting a process. */
  public static final String CREATE_LOG = "create table {schema}.exec_log (id bigserial primary key, key text not null, "
      + "worker text not null, started_at timestamptz not null, ended_at timestamptz)";

  private LoggedWorkerProcess() {}

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    String schema = args[1];
    Spool spool = Spool.builder(vertx).connectingTo(args[0]).schema(schema).build();
    String start = "insert into " + schema + ".exec_log (key, worker, started_at) values ($1, $2, clock_timestamp()) returning id";
    String end = "update " + schema + ".exec_log set ended_at = clock_timestamp() where id = $1";
    JobHandlers handlers = new JobHandlers().register(LOGGED, (a, ctx) -> spool.pool().preparedQuery(start)
        .execute(Tuple.of(a.getString("key"), spool.nodeId())).compose(rows -> {
          long id = rows.iterator().next().getLong(0);
          Promise<Void> worked = Promise.promise();
          vertx.setTimer(20, t -> worked.complete());
          return worked.future().compose(v -> spool.pool().preparedQuery(end).execute(Tuple.of(id))).mapEmpty();
        }));
    WorkerOptions options = new WorkerOptions().setQueues(args[2]).setConcurrency(10)
        .setQueueOptions(args[2], new QueueOptions().setKeyConcurrency(Integer.parseInt(args[3])));
    vertx.deployVerticle(spool.worker(options, handlers)).onComplete(ar -> {
      if (ar.succeeded()) {
        System.out.println("READY " + spool.nodeId());
      } else {
        ar.cause().printStackTrace();
        System.exit(3);
      }
    });
  }

  /** Starts this class in a child JVM and waits for its READY line. */
  public static Process start(String uri, String schema, String queue, int keyConcurrency) throws Exception {
    return WorkerProcess.startMain(LoggedWorkerProcess.class, uri, schema, queue, Integer.toString(keyConcurrency))
        .process();
  }
}
