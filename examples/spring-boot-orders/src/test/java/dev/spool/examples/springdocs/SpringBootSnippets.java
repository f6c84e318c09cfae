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

/**
 * The Spring snippets of docs/getting-started/spring-boot.md, compiled (in a package outside the example
 * application's component scan: they show code, the application under test is {@code dev.spool.examples.orders}).
 * The fields below are what the snippets use from the application around them.
 */
class SpringBootSnippets {

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

  JsonObject render(JsonObject args) {
    return args;
  }

  // snippet:start handler-beans
  @Component
  @SpoolHandler("send-receipt")                 // the task; queue = "..." makes the workers claim that queue too
  class ReceiptHandler implements BlockingJobHandler<JsonObject> {
    public void run(JsonObject args, JobContext ctx) { mailer.send(args.getLong("order")); }
  }

  @Component
  class Reports {
    @SpoolHandler("report")                     // a bean method: (JsonObject) or (JsonObject, JobContext)
    JsonObject report(JsonObject args) { return render(args); }
  }
  // snippet:end handler-beans

  // snippet:start transactional-enqueue
  @Transactional
  public long place(Order order) {
    long id = jdbc.queryForObject("insert into orders (customer) values (?) returning id", Long.class, order.customer());
    jobs.enqueue(SEND_RECEIPT, new JsonObject().put("order", id)).await();   // rolls back with the order
    return id;
  }
  // snippet:end transactional-enqueue
}
