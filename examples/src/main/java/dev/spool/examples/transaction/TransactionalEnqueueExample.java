package dev.spool.examples.transaction;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.WorkerOptions;
import dev.spool.examples.ExampleDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Enqueue in the same transaction as a business write: an order and the job that sends its receipt
 * commit together or not at all (see {@link OrderService}). The run places an order that commits (its
 * receipt is sent by a worker) and one that breaks the credit limit (rolled back: no order, no job).
 * Options: {@code --db postgresql://...}.
 */
public final class TransactionalEnqueueExample {

  private TransactionalEnqueueExample() {}

  public static void main(String[] args) throws Exception {
    try (ExampleDatabase db = ExampleDatabase.fromArgs(args)) {
      Vertx vertx = Vertx.vertx();
      try {
        Spool spool = Spool.builder(vertx).connectingTo(db.uri()).options(new SpoolOptions().setSchema("examples_tx")).build();
        OrderService orders = new OrderService(spool.pool(), spool.client(), "examples_shop", OrderService.DEFAULT_CREDIT_LIMIT_CENTS);
        ExampleDatabase.await(start(spool, orders), 60);

        String customer = "ada-" + System.currentTimeMillis();
        long orderId = ExampleDatabase.await(orders.placeOrder(customer, 40_000), 10);
        System.out.println("order " + orderId + " committed, and with it the job that sends its receipt");
        try {
          ExampleDatabase.await(orders.placeOrder(customer, 70_000), 10);
        } catch (IllegalStateException e) {
          System.out.println("second order rolled back (" + e.getMessage() + "): no order row, no receipt job");
        }
        long[] counts;
        do {
          Thread.sleep(100);
          counts = ExampleDatabase.await(orders.ordersAndReceipts(customer), 10);
        } while (counts[1] < counts[0]);
        System.out.printf("%s has %d order(s), %d receipt(s) sent%n", customer, counts[0], counts[1]);
      } finally {
        ExampleDatabase.await(vertx.close(), 60);
      }
    }
  }

  /** Migrates Spool, creates the business table and deploys the worker that sends receipts. */
  public static Future<String> start(Spool spool, OrderService orders) {
    return spool.migrate()
        .compose(v -> orders.createTables())
        .compose(v -> spool.deployWorkers(new WorkerOptions(), handlers(orders), 1));
  }

  /** The worker's handlers: the receipt job sends the receipt of its order. */
  public static JobHandlers handlers(OrderService orders) {
    return new JobHandlers().register(OrderService.SEND_RECEIPT, (order, ctx) -> orders.sendReceipt(order));
  }
}
