package dev.spool.impl.trace;

import dev.spool.impl.job.ClaimedJob;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Tracing} with OpenTelemetry's API: the only class of Spool that refers to it (LayeringTest checks),
 * loaded by name and only when the API is on the class path. Spans go to {@link GlobalOpenTelemetry}, the
 * SDK (or agent) the application registered; without one they cost the API's no-op.
 */
final class OtelTracing implements Tracing {

  private static final System.Logger LOG = System.getLogger(OtelTracing.class.getName());

  static final String SPAN_NAME = "spool.job";
  static final String SCOPE = "dev.spool";
  static final AttributeKey<String> QUEUE = AttributeKey.stringKey("spool.queue");
  static final AttributeKey<String> TASK = AttributeKey.stringKey("spool.task");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("spool.attempt");
  static final AttributeKey<Long> JOB_ID = AttributeKey.longKey("spool.job.id");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("spool.outcome");

  private static final String TRACEPARENT = "traceparent";

  /** Reads the one stored header; the propagator validates it (version, lengths, hex, non-zero ids). */
  private static final TextMapGetter<String> STORED = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String carrier) {
      return List.of(TRACEPARENT);
    }

    @Override
    public String get(String carrier, String key) {
      return TRACEPARENT.equals(key) ? carrier : null;
    }
  };

  private final AtomicLong malformed = new AtomicLong();

  @Override
  public String capture() {
    SpanContext current = Span.current().getSpanContext();
    if (!current.isValid()) {
      return null;
    }
    // the W3C form (version 00), written here rather than through a propagator's carrier: one string
    return "00-" + current.getTraceId() + "-" + current.getSpanId() + "-" + current.getTraceFlags().asHex();
  }

  @Override
  public void start(ClaimedJob job) {
    String traceparent = job.traceparent();
    if (traceparent == null) {
      return;
    }
    // from the root, not the worker thread's current context: the stored parent is the only parent
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, STORED);
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      if (malformed.getAndIncrement() == 0) {
        LOG.log(System.Logger.Level.WARNING, "{0} carries a malformed traceparent ({1}): it runs without a "
            + "parent span; further ones are only counted", job, abbreviated(traceparent));
      }
      return;
    }
    // the global tracer is looked up per run (a map probe) so that an SDK registered after Spool started counts
    Span span = GlobalOpenTelemetry.getTracer(SCOPE).spanBuilder(SPAN_NAME)
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(QUEUE, job.queue())
        .setAttribute(TASK, job.task())
        .setAttribute(ATTEMPT, (long) job.attempt())
        .setAttribute(JOB_ID, job.id())
        .startSpan();
    job.span(span);
  }

  @Override
  public Object enter(ClaimedJob job) {
    Object span = job.span();
    return span == null ? null : ((Span) span).makeCurrent();
  }

  @Override
  public void exit(Object scope) {
    if (scope != null) {
      ((Scope) scope).close();
    }
  }

  @Override
  public void end(ClaimedJob job, String outcome, Throwable failure) {
    Object stored = job.span();
    if (stored == null) {
      return;
    }
    job.span(null); // ended once, whichever path decides the outcome first
    Span span = (Span) stored;
    span.setAttribute(OUTCOME, outcome);
    if (failure != null) {
      span.recordException(failure);
      span.setStatus(StatusCode.ERROR, failure.toString());
    }
    span.end();
  }

  @Override
  public long malformed() {
    return malformed.get();
  }

  private static String abbreviated(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "…";
  }
}
