package dev.spool.examples.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot web app on Spool: {@code POST /orders} saves an order and enqueues its receipt job in one
 * transaction ({@link OrderService}); {@link ReceiptHandler} sends the receipt. Run it with
 * {@code spring.datasource.url} pointing at PostgreSQL; Spool takes the same database.
 */
@SpringBootApplication
public class OrdersApplication {

  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }
}
