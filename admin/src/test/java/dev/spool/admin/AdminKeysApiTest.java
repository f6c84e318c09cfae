package dev.spool.admin;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.Task;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/queues/{q}/keys}: a keyed queue's keys with work, busiest first, each with its open jobs,
 * its oldest wait and its weight, beside the limits this node's workers claim the queue with.
 */
class AdminKeysApiTest extends SpoolTestBase {

  static final Task<JsonObject> SYNC = Task.json("sync-account");

  /** An admin server that knows the queue "tenants" as its workers run it: fair, limited per key, weighted. */
  private Http start() {
    AdminOptions options = new AdminOptions().setPort(0).setQueueOptions("tenants", new QueueOptions().setFair(true)
        .setKeyConcurrency(2).setKeyRateLimit(RateLimit.perSecond(10)).setKeyWeights(Map.of("acme", 3)));
    AdminVerticle admin = new AdminVerticle(spool, options);
    await(vertx.deployVerticle(admin));
    return new Http(admin.actualPort());
  }

  private void enqueue(String queue, String key, Duration delay) {
    await(spool.client().enqueue(SYNC, new JsonObject(), new EnqueueOptions().setQueue(queue).setKey(key).setDelay(delay)));
  }

  @Test
  void aKeyedQueueShowsItsKeysBusiestFirstWithTheirWaitWeightAndTheQueuesLimits() {
    Http http = start();
    for (int i = 0; i < 3; i++) {
      enqueue("tenants", "acme", Duration.ZERO);
    }
    enqueue("tenants", "globex", Duration.ZERO);
    enqueue("tenants", "initech", Duration.ofHours(1)); // open, but not due: it has not waited yet
    enqueue("other", "acme", Duration.ZERO);

    Http.Response answer = http.get("/api/queues/tenants/keys");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    JsonObject keys = answer.json();
    assertThat(keys.getString("queue")).isEqualTo("tenants");
    assertThat(keys.getLong("keys_with_work")).isEqualTo(3);
    assertThat(keys.getJsonObject("limits")).isEqualTo(new JsonObject().put("fair", true).put("serial", false)
        .put("key_concurrency", 2).put("key_rate_limit", new JsonObject().put("count", 10).put("per_ms", 1000))
        .put("key_weights", new JsonObject().put("acme", 3)));

    JsonArray busiest = keys.getJsonArray("busiest");
    assertThat(busiest.stream().map(k -> ((JsonObject) k).getString("key"))).containsExactly("acme", "globex", "initech");
    JsonObject acme = busiest.getJsonObject(0);
    assertThat(acme.getLong("available")).isEqualTo(3);
    assertThat(acme.getLong("running")).isZero();
    assertThat(acme.getInteger("recent_starts")).isZero();
    assertThat(acme.getInteger("weight")).isEqualTo(3);
    assertThat(acme.getDouble("oldest_wait_seconds")).isNotNull().isGreaterThanOrEqualTo(0.0);
    assertThat(busiest.getJsonObject(1).getInteger("weight")).isEqualTo(1); // a key without a weight has one share
    assertThat(busiest.getJsonObject(2).getValue("oldest_wait_seconds")).isNull();

    // the limit keeps the busiest keys; the count still counts them all
    JsonObject one = http.get("/api/queues/tenants/keys?limit=1").json();
    assertThat(one.getJsonArray("busiest")).hasSize(1);
    assertThat(one.getLong("keys_with_work")).isEqualTo(3);
  }

  @Test
  void aQueueThisNodeDoesNotRunShowsItsKeysWithoutLimitsOrWeights() {
    Http http = start();
    enqueue("other", "acme", Duration.ZERO);
    JsonObject keys = http.get("/api/queues/other/keys").json();
    assertThat(keys.getValue("limits")).isNull();
    assertThat(keys.getJsonArray("busiest").getJsonObject(0).getValue("weight")).isNull();
    // a queue without keyed jobs has no keys, which is not an error
    JsonObject none = http.get("/api/queues/empty/keys").json();
    assertThat(none.getLong("keys_with_work")).isZero();
    assertThat(none.getJsonArray("busiest")).isEmpty();
  }

  @Test
  void badInputIsA400WithItsReason() {
    Http http = start();
    for (String query : new String[] {"limit=0", "limit=-1", "limit=ten", "limit=1&limit=2", "sort=key"}) {
      Http.Response refused = http.get("/api/queues/tenants/keys?" + query);
      assertThat(refused.status()).as(query).isEqualTo(400);
      assertThat(refused.json().getInteger("status")).isEqualTo(400);
      assertThat(refused.json().getString("error")).as(query).isNotBlank();
    }
  }
}
