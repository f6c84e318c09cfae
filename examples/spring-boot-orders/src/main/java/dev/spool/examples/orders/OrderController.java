package dev.spool.examples.orders;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders} with {@code {"customer": "...", "amountCents": 1200}}: answers the order's id. */
@RestController
public class OrderController {

  /** The order as posted; {@code receiptDelayMs} slows its receipt down (for the shutdown demonstration). */
  public record NewOrder(String customer, int amountCents, Long receiptDelayMs) {}

  private final OrderService orders;

  public OrderController(OrderService orders) {
    this.orders = orders;
  }

  @PostMapping("/orders")
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> place(@RequestBody NewOrder order) {
    return Map.of("id", orders.place(order.customer(), order.amountCents(),
        order.receiptDelayMs() == null ? 0 : order.receiptDelayMs()));
  }

  @ExceptionHandler(IllegalArgumentException.class)
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  public Map<String, Object> refused(IllegalArgumentException e) {
    return Map.of("error", e.getMessage());
  }
}
