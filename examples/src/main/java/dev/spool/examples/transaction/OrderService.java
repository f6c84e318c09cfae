package dev.spool.examples.transaction;

import dev.spool.EnqueueOptions;
import dev.spool.JobClient;
import dev.spool.Task;
import dev.spool.codecs.JacksonCodec;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * A business write and its follow-up job in one transaction. Placing an order inserts the order row and
 * enqueues the job that sends its receipt on the same connection, then checks the customer's credit
 * limit; if anything fails, the transaction rolls back and neither the order nor the job exists. There is
 * no window in which the order is stored but its receipt will never be sent, or a receipt goes out for an
 * order that was rolled back — the two failure modes of "write, then publish to a queue".
 */
public final class OrderService {

  public static final Task<OrderPlaced> SEND_RECEIPT = Task.of("send-receipt", JacksonCodec.of(OrderPlaced.class));
  /** The most a customer may have ordered in all, in cents. */
  public static final long DEFAULT_CREDIT_LIMIT_CENTS = 100_000;

  private final Pool pool;
  private final JobClient jobs;
  private final String schema;
  private final long creditLimitCents;

  /**
   * @param pool   the application's pool; Spool's own ({@code spool.pool()}) serves when the business
   *               tables live in the same database, which they must for one transaction to hold both
   * @param schema where the business tables live (a plain SQL identifier)
   */
  public OrderService(Pool pool, JobClient jobs, String schema, long creditLimitCents) {
    this.pool = pool;
    this.jobs = jobs;
    this.schema = schema;
    this.creditLimitCents = creditLimitCents;
  }

  /** Creates the business table if it is missing. */
  public Future<Void> createTables() {
    return pool.query("create schema if not exists " + schema + ";"
        + "create table if not exists " + schema + ".orders (id bigserial primary key, customer text not null, "
        + "total_cents bigint not null, receipt_sent_at timestamptz)").execute().mapEmpty();
  }

  /** Places an order in a transaction of its own; completes with the order's id, or fails having stored nothing. */
  public Future<Long> placeOrder(String customer, long totalCents) {
    return pool.withTransaction(connection -> placeOrder(connection, customer, totalCents));
  }

  /** Places an order on the caller's connection, inside the caller's transaction. */
  public Future<Long> placeOrder(SqlClient connection, String customer, long totalCents) {
    return connection.preparedQuery("insert into " + schema + ".orders (customer, total_cents) values ($1, $2) returning id")
        .execute(Tuple.of(customer, totalCents))
        .map(rows -> rows.iterator().next().getLong(0))
        // The same connection: the job is part of this transaction, and workers hear of it at commit.
        .compose(orderId -> jobs.enqueue(connection, SEND_RECEIPT, new OrderPlaced(orderId, customer, totalCents),
            new EnqueueOptions()).map(jobId -> orderId))
        .compose(orderId -> checkCredit(connection, customer).map(orderId));
  }

  /** A rule checked after the writes, as real ones often are; failing it rolls both back. */
  private Future<Void> checkCredit(SqlClient connection, String customer) {
    return connection.preparedQuery("select coalesce(sum(total_cents), 0) from " + schema + ".orders where customer = $1")
        .execute(Tuple.of(customer))
        .compose(rows -> {
          long total = rows.iterator().next().getLong(0);
          return total <= creditLimitCents ? Future.succeededFuture()
              : Future.failedFuture(new IllegalStateException(customer + " would owe " + total + " cents, over the limit of "
                  + creditLimitCents));
        });
  }

  /** The receipt job's handler: "sends" the receipt and marks the order. */
  public Future<Void> sendReceipt(OrderPlaced order) {
    return pool.preparedQuery("update " + schema + ".orders set receipt_sent_at = now() where id = $1")
        .execute(Tuple.of(order.orderId())).mapEmpty();
  }

  /** How many orders a customer has, and how many of them have had their receipt. */
  public Future<long[]> ordersAndReceipts(String customer) {
    return pool.preparedQuery("select count(*), count(receipt_sent_at) from " + schema + ".orders where customer = $1")
        .execute(Tuple.of(customer))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new long[] {row.getLong(0), row.getLong(1)};
        });
  }
}
