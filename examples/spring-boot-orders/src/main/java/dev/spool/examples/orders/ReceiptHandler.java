package dev.spool.examples.orders;

import dev.spool.BlockingJobHandler;
import dev.spool.JobContext;
import dev.spool.spring.SpoolHandler;
import io.vertx.core.json.JsonObject;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends an order's receipt: here it records it in {@code receipts} (a mail client would go here). Blocking
 * JDBC, so it runs on the worker's blocking pool, the default for handler beans.
 */
@Component
@SpoolHandler("send-receipt")
public class ReceiptHandler implements BlockingJobHandler<JsonObject> {

  private final JdbcTemplate jdbc;

  public ReceiptHandler(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void run(JsonObject args, JobContext context) throws InterruptedException {
    Thread.sleep(args.getLong("delayMs", 0L));
    jdbc.update("insert into receipts (order_id, customer) values (?, ?)", args.getLong("order"), args.getString("customer"));
  }
}
