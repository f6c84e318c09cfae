package dev.spool.examples.orders;

import static dev.spool.examples.orders.OrderService.SEND_RECEIPT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.JobClient;
import dev.spool.spring.test.AutoConfigureSpoolTester;
import dev.spool.test.SpoolTester;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example as a user tests it, against real PostgreSQL, with the test kit on the application's own Spool:
 * the order and its receipt job commit together, and the test, not a worker, runs the job.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spool.worker.enabled=false")
@AutoConfigureSpoolTester
class OrdersApplicationTest {

  private static final String SCHEMA = TestDatabase.freshSchema();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    database().forEach((key, value) -> registry.add(key, () -> value));
  }

  static Map<String, Object> database() {
    URI uri = URI.create(TestDatabase.uri());
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
    return Map.of("spring.datasource.url", "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
        "spring.datasource.username", user, "spool.schema", SCHEMA);
  }

  @LocalServerPort
  int port;

  @Autowired
  JdbcTemplate jdbc;

  @Autowired
  OrderService orders;

  @Autowired
  JobClient jobs;

  @Autowired
  SpoolTester spool;

  @Test
  void aRefusedOrderRollsBackWithItsReceiptJob() throws Exception {
    HttpResponse<String> refused = post("{\"customer\": \"bob\", \"amountCents\": 0}");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(jdbc.queryForObject("select count(*) from orders where customer = 'bob'", Long.class)).isZero();
    spool.refuteEnqueued("send-receipt");
  }

  @Test
  void aCommittedOrderEnqueuesItsReceiptWhichRunsOnce() throws Exception {
    HttpResponse<String> placed = post("{\"customer\": \"ada\", \"amountCents\": 1200}");
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
    long order = Long.parseLong(placed.body().replaceAll("\\D", ""));

    spool.assertEnqueued(SEND_RECEIPT, new JsonObject().put("order", order).put("customer", "ada"));
    assertThat(spool.drain("default").completed()).isEqualTo(1); // the ReceiptHandler bean ran it
    assertThat(receipts(order)).isEqualTo(1);
    spool.refuteEnqueued("send-receipt");
    assertThat(spool.drain("default").outcomes()).isEmpty();
    assertThat(receipts(order)).isEqualTo(1);
  }

  // snippet:start spring-test
  @Test
  void theServiceEnqueuesOnItsTransactionAndAResentReceiptWaitsForItsTime() {
    long order = orders.place("grace", 900, 0);
    spool.assertEnqueued(SEND_RECEIPT, new JsonObject().put("order", order));
    spool.drain("default");

    // outside a transaction the client takes Spool's own path, whose time the tester moves
    jobs.enqueue(SEND_RECEIPT, new JsonObject().put("order", order).put("customer", "grace"),
        new EnqueueOptions().setDelay(Duration.ofDays(1))).await();
    assertThat(spool.drain("default").outcomes()).isEmpty();
    spool.advance(Duration.ofDays(1));
    assertThat(spool.drain("default").completed()).isEqualTo(1);
    assertThat(receipts(order)).isEqualTo(2);
  }
  // snippet:end spring-test

  @Test
  void shutdownLetsARunningReceiptFinishAndHandsPrefetchedOnesBack() throws Exception {
    String schema = TestDatabase.freshSchema();
    Map<String, Object> properties = new HashMap<>(database());
    properties.put("spool.schema", schema);
    properties.put("server.port", "0");
    properties.put("spool.worker.poll-interval", "200ms");
    // arguments, over application.properties: one receipt runs, the others wait in the prefetch buffer
    ConfigurableApplicationContext app = new SpringApplicationBuilder(OrdersApplication.class).properties(properties)
        .run("--spool.worker.concurrency=1", "--spool.worker.instances=1");
    JdbcTemplate appJdbc = app.getBean(JdbcTemplate.class);
    OrderService appOrders = app.getBean(OrderService.class);
    long slow = appOrders.place("slow", 500, 1500);
    long[] waiting = {appOrders.place("next-1", 500, 0), appOrders.place("next-2", 500, 0)};
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    // the slow receipt runs and the other two are claimed behind it, then the application stops
    while (jobs(appJdbc, schema, "running") < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(jobs(appJdbc, schema, "running")).isEqualTo(3);
    assertThat(receipts(slow)).isZero();
    app.close();
    assertThat(receipts(slow)).as("the running receipt finished").isEqualTo(1);
    assertThat(receipts(waiting[0]) + receipts(waiting[1])).as("the prefetched ones did not start").isZero();
    assertThat(jobs(jdbc, schema, "available")).as("and went back to the queue").isEqualTo(2);
    assertThat(jobs(jdbc, schema, "running")).isZero();
  }

  private long receipts(long order) {
    return jdbc.queryForObject("select count(*) from receipts where order_id = ?", Long.class, order);
  }

  private static long jobs(JdbcTemplate jdbc, String schema, String state) {
    return jdbc.queryForObject("select count(*) from " + schema + ".jobs where state = ?::" + schema + ".job_state",
        Long.class, state);
  }

  private HttpResponse<String> post(String json) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
