package dev.spool.examples.docs;

import dev.spool.Spool;
import dev.spool.Task;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.vertx.core.json.JsonObject;

/** The tracing snippet of docs/operations/tracing.md, compiled. */
final class TracingSnippets {

  static final Task<JsonObject> SEND_RECEIPT = Task.json("send-receipt");

  static void checkout(Tracer tracer, Spool spool, JsonObject receipt) {
    // snippet:start checkout
    Span span = tracer.spanBuilder("checkout").startSpan();
    try (Scope scope = span.makeCurrent()) {
      spool.client().enqueue(SEND_RECEIPT, receipt);           // also enqueueAll, enqueueWorkflow, in a transaction
    } finally {
      span.end();
    }
    // a worker, in this process or another: SEND_RECEIPT runs in span "spool.job", child of "checkout"
    // snippet:end checkout
  }

  private TracingSnippets() {}
}
