package dev.spool.examples.transaction;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransactionalEnqueueExampleTest extends SpoolTestBase {

  static final Duration WAIT = Duration.ofSeconds(30);
  OrderService orders;

  @BeforeEach
  void startTheShop() {
    // The business table goes in the test's schema, so it is dropped with it.
    orders = new OrderService(spool.pool(), spool.client(), schema, 100_000);
    await(TransactionalEnqueueExample.start(spool, orders));
  }

  @Test
  void aCommittedOrderHasItsReceiptSentByAWorker() {
    long orderId = await(orders.placeOrder("ada", 40_000));

    eventually(WAIT, () -> sql("select receipt_sent_at from {schema}.orders where id = $1", orderId)
        .iterator().next().getValue(0) != null);
    assertThat(await(orders.ordersAndReceipts("ada"))).containsExactly(1, 1);
    eventually(WAIT, () -> count("true") == 0); // the receipt job completed and was deleted
  }

  @Test
  void aRolledBackOrderLeavesNeitherTheOrderNorTheJob() {
    await(orders.placeOrder("bob", 90_000));
    eventually(WAIT, () -> count("true") == 0);

    assertThatThrownBy(() -> await(orders.placeOrder("bob", 20_000)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("over the limit of 100000");

    assertThat(await(orders.ordersAndReceipts("bob"))).containsExactly(1, 1);
    assertThat(count("true")).isZero();
    assertThat(sql("select count(*) from {schema}.jobs where task = 'send-receipt'").iterator().next().getLong(0)).isZero();
  }

  @Test
  void workersDoNotSeeTheJobUntilTheTransactionCommits() throws Exception {
    SqlConnection connection = await(spool.pool().getConnection());
    Transaction tx = await(connection.begin());
    long orderId = await(orders.placeOrder(connection, "cleo", 10_000));

    Thread.sleep(500); // a worker is polling and listening all along
    assertThat(count("true")).isZero();
    assertThat(await(orders.ordersAndReceipts("cleo"))).containsExactly(0, 0);

    await(tx.commit());
    await(connection.close());
    eventually(WAIT, () -> sql("select receipt_sent_at is not null from {schema}.orders where id = $1", orderId)
        .iterator().next().getBoolean(0));
  }
}
