package dev.spool.examples.orders;

import dev.spool.JobClient;
import dev.spool.Task;
import io.vertx.core.json.JsonObject;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places orders: the order row and its receipt job commit together, or neither does. */
@Service
public class OrderService {

  /** The receipt job's task, shared with {@link ReceiptHandler}. */
  public static final Task<JsonObject> SEND_RECEIPT = Task.json("send-receipt");

  private final JdbcTemplate jdbc;
  private final JobClient jobs;

  public OrderService(JdbcTemplate jdbc, JobClient jobs) {
    this.jdbc = jdbc;
    this.jobs = jobs;
  }

  /**
   * Saves the order and enqueues its receipt on the same connection and transaction; an amount that is not
   * positive is refused after both, so the transaction rolls back and neither the order nor the job exists.
   *
   * @return the order's id
   */
  @Transactional
  public long place(String customer, int amountCents, long receiptDelayMs) {
    Long id = jdbc.queryForObject("insert into orders (customer, amount_cents) values (?, ?) returning id",
        Long.class, customer, amountCents);
    // inside @Transactional the future is already complete: the job was inserted on this transaction's connection
    jobs.enqueue(SEND_RECEIPT, new JsonObject().put("order", id).put("customer", customer).put("delayMs", receiptDelayMs))
        .await();
    if (amountCents <= 0) {
      throw new IllegalArgumentException("amount must be positive, got " + amountCents);
    }
    return id;
  }
}
