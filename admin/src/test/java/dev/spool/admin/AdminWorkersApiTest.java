package dev.spool.admin;

import static dev.spool.testing.TestDatabase.await;
import static dev.spool.testing.WorkerProcess.fastLiveness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobHandlers;
import dev.spool.Task;
import dev.spool.WorkerStatus;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/workers} and {@code JobAdmin.workers()}: per worker, the jobs whose handler runs (active) and
 * the jobs claimed into its prefetch buffer that have not started (reserved), from its heartbeat. The jobs
 * table cannot tell them apart: all of them are {@code running}, leased to the worker.
 */
class AdminWorkersApiTest extends SpoolTestBase {

  static final Task<JsonObject> WAIT = Task.json("wait");

  @Test
  void aWorkerReportsItsActiveAndReservedJobsApart() {
    AdminVerticle verticle = new AdminVerticle(spool, new AdminOptions().setPort(0));
    await(vertx.deployVerticle(verticle));
    Http http = new Http(verticle.actualPort());
    assertThat(http.get("/api/workers").json().getJsonArray("workers")).isEmpty();

    // handlers that wait until the test lets them finish
    Queue<Promise<Void>> waiting = new ConcurrentLinkedQueue<>();
    JobHandlers handlers = new JobHandlers().register(WAIT, (args, ctx) -> {
      Promise<Void> done = Promise.promise();
      waiting.add(done);
      return done.future();
    });
    for (int i = 0; i < 10; i++) {
      await(spool.client().enqueue(WAIT, new JsonObject()));
    }
    await(vertx.deployVerticle(() -> spool.worker(fastLiveness().setConcurrency(2).setPrefetch(5), handlers),
        new DeploymentOptions()));

    // it holds concurrency + prefetch = 7 jobs: 2 run, 5 wait in its buffer; 3 stay in the queue
    eventually(Duration.ofSeconds(10), () -> {
      JsonArray workers = http.get("/api/workers").json().getJsonArray("workers");
      return workers.size() == 1 && workers.getJsonObject(0).getInteger("active") == 2
          && workers.getJsonObject(0).getInteger("reserved") == 5;
    });
    assertThat(count("state = 'running'")).isEqualTo(7);
    assertThat(count("state = 'available'")).isEqualTo(3);
    assertThat(waiting).hasSize(2);

    JsonObject worker = http.get("/api/workers").json().getJsonArray("workers").getJsonObject(0);
    assertThat(worker.getJsonArray("queues")).containsExactly("default");
    assertThat(worker.getJsonArray("tasks")).contains("wait");
    assertThat(worker.getBoolean("leader")).isTrue();
    assertThat(worker.getDouble("heartbeat_age_seconds")).isLessThan(5.0);
    List<Long> running = worker.getJsonArray("running_ids").stream().map(id -> ((Number) id).longValue()).toList();
    assertThat(running).hasSize(2);
    assertThat(count("state = 'running' and id = any($1)", (Object) running.toArray(Long[]::new))).isEqualTo(2);

    // the same through the Java API, as the CLI reads it
    List<WorkerStatus> workers = await(spool.admin().workers());
    assertThat(workers).singleElement().satisfies(w -> {
      assertThat(w.id()).isEqualTo(worker.getString("id"));
      assertThat(w.active()).isEqualTo(2);
      assertThat(w.reserved()).isEqualTo(5);
      assertThat(w.runningIds()).containsExactlyInAnyOrderElementsOf(running);
      assertThat(w.leader()).isTrue();
    });

    // finishing the handlers one by one drains the buffer and then the queue: nothing held once all is done
    eventually(Duration.ofSeconds(15), () -> {
      Promise<Void> next = waiting.poll();
      if (next != null) {
        next.tryComplete();
      }
      JsonObject w = http.get("/api/workers").json().getJsonArray("workers").getJsonObject(0);
      return count("true") == 0 && w.getInteger("active") == 0 && w.getInteger("reserved") == 0
          && w.getJsonArray("running_ids").isEmpty();
    });
    assertThat(http.get("/api/workers?x=1").status()).isEqualTo(400);
  }
}
