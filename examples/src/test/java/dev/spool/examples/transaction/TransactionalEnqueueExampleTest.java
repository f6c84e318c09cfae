package dev.spool.examples.transaction;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.test.JobMatch;
import dev.spool.test.SpoolTest;
import dev.spool.test.SpoolTester;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SpoolTest
class TransactionalEnqueueExampleTest {

  OrderService orders;

  @BeforeAll
  static void createTheShop(SpoolTester spool) {
    // The business table goes in the test class's schema, so it is dropped with it.
    await(new OrderService(spool.spool().pool(), spool.client(), spool.schema(), 100_000).createTables());
    spool.registerAll(TransactionalEnqueueExample.handlers(new OrderService(spool.spool().pool(), spool.client(),
        spool.schema(), 100_000)));
  }

  @BeforeEach
  void openTheShop(SpoolTester spool) {
    orders = new OrderService(spool.spool().pool(), spool.client(), spool.schema(), 100_000);
  }

  @Test
  void aCommittedOrderEnqueuesItsReceiptWhichTheHandlerSends(SpoolTester spool) {
    long orderId = await(orders.placeOrder("ada", 40_000));

    spool.assertEnqueued(JobMatch.task(OrderService.SEND_RECEIPT)
        .args(new JsonObject().put("orderId", orderId).put("customer", "ada")));
    assertThat(spool.drain("default").completed()).isEqualTo(1);
    assertThat(await(orders.ordersAndReceipts("ada"))).containsExactly(1, 1);
  }

  @Test
  void aRolledBackOrderLeavesNeitherTheOrderNorTheJob(SpoolTester spool) {
    await(orders.placeOrder("bob", 90_000));
    spool.drain("default");

    assertThatThrownBy(() -> await(orders.placeOrder("bob", 20_000)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("over the limit of 100000");

    assertThat(await(orders.ordersAndReceipts("bob"))).containsExactly(1, 1);
    spool.refuteEnqueued(JobMatch.task(OrderService.SEND_RECEIPT));
  }

  @Test
  void theJobIsPartOfTheOrdersTransaction(SpoolTester spool) {
    SqlConnection connection = await(spool.spool().pool().getConnection());
    try {
      Transaction tx = await(connection.begin());
      long orderId = await(orders.placeOrder(connection, "cleo", 10_000));
      JobMatch receipt = JobMatch.task(OrderService.SEND_RECEIPT).args(new JsonObject().put("orderId", orderId));

      spool.assertEnqueued(connection, receipt); // the transaction sees its job...
      spool.refuteEnqueued(receipt);             // ...no one else does, workers included
      assertThat(spool.drain("default").outcomes()).isEmpty();

      await(tx.commit());
      spool.assertEnqueued(receipt);
      assertThat(spool.drain("default").completed()).isEqualTo(1);
      assertThat(await(orders.ordersAndReceipts("cleo"))).containsExactly(1, 1);
    } finally {
      await(connection.close());
    }
  }
}
