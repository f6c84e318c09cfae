package dev.spool.reactor;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.EnqueueOptions;
import dev.spool.Job;
import dev.spool.JobClient;
import dev.spool.JobRequest;
import dev.spool.JobState;
import dev.spool.Task;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class ReactorJobClientTest extends SpoolTestBase {

  static final Task<JsonObject> IMPORT = Task.json("import-row");

  @Test
  void enqueueIsAMonoOfTheStoredJobsId() {
    ReactorJobClient jobs = ReactorJobClient.of(spool.client());
    Long id = jobs.enqueue(IMPORT, new JsonObject().put("row", 1), new EnqueueOptions().setQueue("imports")).block();

    Job job = jobs.find(id).block();
    assertThat(job.task()).isEqualTo("import-row");
    assertThat(job.queue()).isEqualTo("imports");
    assertThat(jobs.find(id + 1000).blockOptional()).isEmpty();
    assertThat(jobs.countByQueueAndState().block()).isEqualTo(Map.of("imports", Map.of(JobState.AVAILABLE, 1L)));
  }

  @Test
  void nothingIsEnqueuedUntilTheMonoIsSubscribed() {
    ReactorJobClient jobs = ReactorJobClient.of(spool.client());
    Mono<Long> enqueue = jobs.enqueue(IMPORT, new JsonObject());
    assertThat(count("true")).isZero();

    Long first = enqueue.block();
    Long second = enqueue.block();
    assertThat(second).isNotEqualTo(first);
    assertThat(count("true")).isEqualTo(2);
  }

  @Test
  void aFluxOf5000ArgumentsStores5000JobsInBatchesWithIdsInOrder() {
    CountingClient counting = new CountingClient(spool.client());
    ReactorJobClient jobs = ReactorJobClient.of(counting.client).withBatchSize(1000).withBatchesInFlight(3);
    Flux<JsonObject> rows = Flux.range(0, 5000).map(i -> new JsonObject().put("row", i));

    List<Long> ids = jobs.enqueueAll(IMPORT, rows, new EnqueueOptions()).collectList().block();

    assertThat(ids).hasSize(5000).doesNotHaveDuplicates();
    assertThat(count("task = 'import-row'")).isEqualTo(5000);
    assertThat(counting.statements).hasValue(5);
    // The n-th id is the job of the n-th element.
    Map<Long, Integer> rowOfId = new HashMap<>();
    for (Row row : sql("select id, convert_from(args, 'UTF8')::jsonb->>'row' from {schema}.jobs")) {
      rowOfId.put(row.getLong(0), Integer.parseInt(row.getString(1)));
    }
    for (int i = 0; i < ids.size(); i++) {
      assertThat(rowOfId.get(ids.get(i))).as("row of id #%d", i).isEqualTo(i);
    }
  }

  @Test
  void aStreamOfMixedRequestsIsBatchedToo() {
    CountingClient counting = new CountingClient(spool.client());
    ReactorJobClient jobs = ReactorJobClient.of(counting.client).withBatchSize(100);
    Task<JsonObject> other = Task.json("other");
    Flux<JobRequest<?>> requests = Flux.range(0, 250)
        .map(i -> JobRequest.of(i % 2 == 0 ? IMPORT : other, new JsonObject().put("i", i)));

    assertThat(jobs.enqueueRequests(requests).count().block()).isEqualTo(250);
    assertThat(count("task = 'other'")).isEqualTo(125);
    assertThat(counting.statements).hasValue(3);
  }

  @Test
  void aFailedBatchFailsTheFluxAndLaterBatchesAreNotTried() {
    CountingClient counting = new CountingClient(spool.client());
    ReactorJobClient jobs = ReactorJobClient.of(counting.client).withBatchSize(10).withBatchesInFlight(1);
    // The 15th job carries a unique key, which batch statements refuse.
    Flux<JobRequest<?>> requests = Flux.range(0, 40).map(i -> new JobRequest<>(IMPORT, new JsonObject(),
        i == 14 ? new EnqueueOptions().setUniqueKey("k") : new EnqueueOptions()));

    assertThatThrownBy(() -> jobs.enqueueRequests(requests).blockLast()).hasMessageContaining("unique keys");
    assertThat(count("true")).isEqualTo(10);
    assertThat(counting.statements).hasValue(2);
  }

  /**
   * The real client, counting the batch calls made on it. A proxy rather than a class implementing
   * JobClient, so that methods added to JobClient later need no change here.
   */
  static final class CountingClient {
    final AtomicInteger statements = new AtomicInteger();
    final JobClient client;

    CountingClient(JobClient real) {
      this.client = (JobClient) Proxy.newProxyInstance(JobClient.class.getClassLoader(), new Class<?>[] {JobClient.class},
          (proxy, method, args) -> {
            if (method.getName().equals("enqueueAll") || method.getName().equals("enqueueBatch")) {
              statements.incrementAndGet();
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }
}
