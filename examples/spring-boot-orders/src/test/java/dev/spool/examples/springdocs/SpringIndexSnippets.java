package dev.spool.examples.springdocs;

import dev.spool.BlockingJobHandler;
import dev.spool.JobClient;
import dev.spool.JobContext;
import dev.spool.Task;
import dev.spool.spring.SpoolHandler;
import io.vertx.core.json.JsonObject;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The Spring Boot snippet of docs/index.md, compiled; the fields are what it uses from the application around it. */
class SpringIndexSnippets {

  static final Task<JsonObject> SEND_RECEIPT = Task.json("send-receipt");

  /** The application's blocking mail client. */
  interface Mailer {
    void send(long order);
  }

  /** The application's order. */
  record Order(String customer) {}

  Mailer mailer;
  JdbcTemplate jdbc;
  JobClient jobs;

  // snippet:start spring-app
  @Component
  @SpoolHandler("send-receipt")
  class ReceiptHandler implements BlockingJobHandler<JsonObject> {
    public void run(JsonObject args, JobContext ctx) { mailer.send(args.getLong("order")); }
  }

  @Transactional
  public long place(Order order) {
    long id = jdbc.queryForObject("insert into orders (customer) values (?) returning id", Long.class, order.customer());
    jobs.enqueue(SEND_RECEIPT, new JsonObject().put("order", id)).await();   // rolls back with the order
    return id;
  }
  // snippet:end spring-app
}
