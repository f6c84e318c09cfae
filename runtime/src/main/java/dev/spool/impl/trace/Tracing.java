package dev.spool.impl.trace;

import dev.spool.impl.job.ClaimedJob;

/**
 * Spool's tracing, behind which the one class that uses OpenTelemetry ({@link OtelTracing}) hides, so that
 * {@code opentelemetry-api} stays an optional dependency: {@link #INSTANCE} is chosen once, when this
 * interface is first used, by looking for the API on the class path. Without it, {@link #NOOP} is the only
 * implementation ever loaded, so its empty methods inline away and a job pays nothing for tracing.
 *
 * <p>At enqueue, {@link #capture()} reads the caller's current span as a W3C {@code traceparent} (null when
 * there is none, which stores nothing). A worker running a job that carries one runs its handler in a
 * {@code spool.job} span, child of that parent: {@link #start} when the run begins, {@link #enter} and
 * {@link #exit} around the handler's invocation, {@link #end} at its outcome. Each attempt is such a child,
 * so the retries of a job are in the trace of its enqueue.
 */
public interface Tracing {

  /** The class of the API whose presence turns tracing on. */
  String API_CLASS = "io.opentelemetry.api.trace.Span";

  /** Traces nothing: what runs when OpenTelemetry's API is absent. */
  Tracing NOOP = new Tracing() {
    @Override
    public String capture() {
      return null;
    }

    @Override
    public void start(ClaimedJob job) {}

    @Override
    public Object enter(ClaimedJob job) {
      return null;
    }

    @Override
    public void exit(Object scope) {}

    @Override
    public void end(ClaimedJob job, String outcome, Throwable failure) {}

    @Override
    public long malformed() {
      return 0;
    }
  };

  /** Tracing in this JVM: OpenTelemetry's when its API is on the class path, else {@link #NOOP}. */
  Tracing INSTANCE = choose(Tracing.class.getClassLoader());

  /**
   * The traceparent of the span current in the calling thread, or null when no valid span is current. Called
   * where the application enqueues, before any asynchronous step loses its context.
   */
  String capture();

  /** A run of {@code job} begins: starts its span when it carries a well-formed traceparent. */
  void start(ClaimedJob job);

  /** Makes the job's span current in this thread (the handler's); returns what {@link #exit} closes. */
  Object enter(ClaimedJob job);

  /** Undoes an {@link #enter} in the same thread. */
  void exit(Object scope);

  /**
   * The run's outcome is decided: ends its span with the outcome ({@code completed}, {@code retried},
   * {@code dead}, {@code snoozed}, or {@code left} for a stuck run left to the rescuer) and the failure.
   */
  void end(ClaimedJob job, String outcome, Throwable failure);

  /** Jobs whose stored traceparent was not well-formed (they ran without a parent span), in this JVM. */
  long malformed();

  /**
   * OpenTelemetry's tracing when {@link #API_CLASS} can be loaded by {@code loader}, else {@link #NOOP}.
   * The implementation is loaded by name so that no class but it refers to the API.
   */
  static Tracing choose(ClassLoader loader) {
    try {
      Class.forName(API_CLASS, false, loader);
    } catch (ClassNotFoundException | LinkageError absent) {
      return NOOP;
    }
    try {
      return (Tracing) Class.forName(Tracing.class.getPackageName() + ".OtelTracing", true, loader)
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      // an API too old or half present: run untraced rather than fail every enqueue
      System.getLogger(Tracing.class.getName()).log(System.Logger.Level.WARNING,
          "OpenTelemetry's API is on the class path but Spool cannot use it; jobs are not traced", e);
      return NOOP;
    }
  }
}
