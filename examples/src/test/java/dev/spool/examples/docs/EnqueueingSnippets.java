package dev.spool.examples.docs;

import dev.spool.EnqueueOptions;
import dev.spool.JobClient;
import dev.spool.Spool;
import dev.spool.Task;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.List;

/** The Java snippet of docs/guides/enqueueing.md, compiled. */
final class EnqueueingSnippets {

  static void enqueue(Spool spool, JsonObject args, List<JsonObject> listOfArgs, SqlConnection conn) {
    // snippet:start enqueue
    Task<JsonObject> SEND_EMAIL = Task.json("send-email");
    JobClient client = spool.client();

    client.enqueue(SEND_EMAIL, new JsonObject().put("to", "a@example.com"));               // Future<Long>: the job's id
    client.enqueue(SEND_EMAIL, args, new EnqueueOptions()
        .setQueue("mail").setPriority(-1).setDelay(Duration.ofMinutes(5))                 // lower priority runs first
        .setMaxAttempts(5).setTimeout(Duration.ofSeconds(30)).setUniqueKey("welcome:42"));
    client.enqueueBatch(SEND_EMAIL, listOfArgs, new EnqueueOptions());                   // thousands, one statement
    client.enqueue(conn, SEND_EMAIL, args, new EnqueueOptions());   // on your SqlConnection, in your transaction
    // snippet:end enqueue
  }

  private EnqueueingSnippets() {}
}
