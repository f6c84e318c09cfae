package dev.spool.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Spring bean that handles one task: a bean implementing {@code JobHandler} or
 * {@code BlockingJobHandler} (JSON arguments), or a method of any bean taking
 * {@code (JsonObject args, JobContext context)} or {@code (JsonObject args)}. The starter registers it with
 * the workers of this application.
 *
 * <pre>{@code
 * @Component
 * @SpoolHandler("send-receipt")
 * class ReceiptHandler implements BlockingJobHandler<JsonObject> {
 *   public void run(JsonObject args, JobContext ctx) { mailer.send(args.getLong("order")); }
 * }
 * }</pre>
 *
 * <p>Where it runs: Spring code blocks (JPA, JDBC, RestClient), so by default every handler bean runs on the
 * worker's blocking pool ({@code spool.worker.blocking-pool-size} threads, or virtual threads with
 * {@code spool.worker.virtual-threads=true}, which {@code spring.threads.virtual.enabled=true} turns on too). A
 * {@code JobHandler} that returns a Vert.x {@code Future} without blocking may ask for the event loop with
 * {@code runOn = RunOn.EVENT_LOOP}. Timeouts, retries and rate limits come from
 * {@code spool.tasks.<task>.*}, as from {@code spool.yaml}'s {@code tasks}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SpoolHandler {

  /** Where a handler runs. */
  enum RunOn {
    /** The worker's blocking pool (or virtual threads): for code that blocks. The default. */
    BLOCKING_POOL,
    /** The worker's event loop: only for a handler that never blocks and returns a Future. */
    EVENT_LOOP
  }

  /**
   * The task name, as enqueued ({@code send-email}).
   *
   * @return the task name
   */
  String value();

  /**
   * The queue whose jobs of this task this application's workers claim: added to {@code spool.worker.queues}
   * when not listed there. Empty (the default) adds none.
   *
   * @return the queue's name, or empty
   */
  String queue() default "";

  /**
   * Where it runs; {@link RunOn#BLOCKING_POOL} unless the handler is known not to block.
   *
   * @return where the handler runs
   */
  RunOn runOn() default RunOn.BLOCKING_POOL;
}
