package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.trace.Tracing;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import dev.spool.testing.UntracedProcess;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job enqueued under a span runs in a {@code spool.job} span, child of it, on a worker of another Vert.x
 * instance (as another process would be); each attempt is such a child. With the SDK's in-memory exporter,
 * registered as the global OpenTelemetry for this class.
 */
class TracingTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("traced");
  static final Task<JsonObject> BLOCKING = Task.json("traced-blocking");
  static final Duration WAIT = Duration.ofSeconds(30);
  static final AttributeKey<String> QUEUE = AttributeKey.stringKey("spool.queue");
  static final AttributeKey<String> TASK = AttributeKey.stringKey("spool.task");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("spool.attempt");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("spool.outcome");

  static InMemorySpanExporter exporter;
  static SdkTracerProvider provider;
  static Tracer tracer;

  /** The span current in each run's handler, by job id and attempt ("id/attempt"). */
  final Map<String, String> currentInHandler = new ConcurrentHashMap<>();

  @BeforeAll
  static void registerSdk() {
    exporter = InMemorySpanExporter.create();
    provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    GlobalOpenTelemetry.resetForTest();
    OpenTelemetrySdk.builder().setTracerProvider(provider).buildAndRegisterGlobal();
    tracer = GlobalOpenTelemetry.getTracer("test");
  }

  @AfterAll
  static void unregisterSdk() {
    GlobalOpenTelemetry.resetForTest();
    provider.close();
  }

  @BeforeEach
  void forgetSpans() {
    exporter.reset();
  }

  @Test
  void theHandlerRunsInAChildOfTheEnqueuersSpanOnAnotherVertxAndARetryInTheSameTrace() {
    Span parent = tracer.spanBuilder("enqueuer").startSpan();
    Future<Long> enqueued;
    try (Scope ignored = parent.makeCurrent()) {
      enqueued = spool.client().enqueue(WORK, new JsonObject().put("fail", 1), new EnqueueOptions());
    } finally {
      parent.end();
    }
    long id = await(enqueued);
    startWorker(otherVertx());

    List<SpanData> runs = jobSpans(2);
    SpanData first = runs.get(0);
    SpanData second = runs.get(1);
    for (SpanData run : runs) {
      assertThat(run.getName()).isEqualTo("spool.job");
      assertThat(run.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(run.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
      assertThat(run.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
      assertThat(run.getAttributes().get(QUEUE)).isEqualTo("default");
      assertThat(run.getAttributes().get(TASK)).isEqualTo(WORK.name());
    }
    assertThat(first.getAttributes().get(ATTEMPT)).isEqualTo(1L);
    assertThat(first.getAttributes().get(OUTCOME)).isEqualTo("retried");
    assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(first.getEvents()).anyMatch(e -> e.getName().equals("exception"));
    assertThat(second.getAttributes().get(ATTEMPT)).isEqualTo(2L);
    assertThat(second.getAttributes().get(OUTCOME)).isEqualTo("completed");
    assertThat(second.getSpanId()).isNotEqualTo(first.getSpanId());
    // the span is current while the handler is called
    assertThat(currentInHandler).containsEntry(id + "/1", first.getSpanId()).containsEntry(id + "/2", second.getSpanId());
  }

  @Test
  void aBlockingHandlerRunsInTheSpanOnItsPoolThreadAndDeadJobsSaySo() {
    Span parent = tracer.spanBuilder("enqueuer").startSpan();
    Future<Long> enqueued;
    try (Scope ignored = parent.makeCurrent()) {
      enqueued = spool.client().enqueue(BLOCKING, new JsonObject().put("fail", 9), new EnqueueOptions().setMaxAttempts(1));
    } finally {
      parent.end();
    }
    long id = await(enqueued);
    startWorker(otherVertx());

    SpanData run = jobSpans(1).get(0);
    assertThat(run.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(run.getAttributes().get(TASK)).isEqualTo(BLOCKING.name());
    assertThat(run.getAttributes().get(OUTCOME)).isEqualTo("dead");
    assertThat(currentInHandler).containsEntry(id + "/1", run.getSpanId());
  }

  @Test
  void batchesTransactionsAndWorkflowsCarryTheTraceAndJobsEnqueuedUnderNoSpanStoreNothing() {
    Span parent = tracer.spanBuilder("enqueuer").startSpan();
    Future<List<Long>> batch;
    Future<Long> inTransaction;
    Future<WorkflowRun> workflow;
    try (Scope ignored = parent.makeCurrent()) {
      batch = spool.client().enqueueBatch(WORK, List.of(new JsonObject(), new JsonObject()), new EnqueueOptions());
      workflow = spool.client().enqueueWorkflow(Workflow.named("traced")
          .step("a", WORK, new JsonObject()).step("b", WORK, new JsonObject(), new StepOptions().dependsOn("a")));
      // the transaction's callback runs later on an event loop: the enqueuer's context goes with it
      Context context = Context.current();
      inTransaction = spool.pool().withTransaction(conn -> {
        try (Scope again = context.makeCurrent()) {
          return spool.client().enqueue(conn, WORK, new JsonObject(), new EnqueueOptions());
        }
      });
    } finally {
      parent.end();
    }
    List<Long> traced = new java.util.ArrayList<>(await(batch));
    traced.add(await(inTransaction));
    traced.addAll(await(workflow).steps().values());
    long untraced = await(spool.client().enqueue(WORK, new JsonObject()));

    String expected = "00-" + parent.getSpanContext().getTraceId() + "-" + parent.getSpanContext().getSpanId() + "-"
        + parent.getSpanContext().getTraceFlags().asHex(); // sampled, and random ids in recent SDKs (03)
    for (long id : traced) {
      assertThat(traceparentOf(id)).isEqualTo(expected);
    }
    assertThat(traceparentOf(untraced)).isNull();

    startWorker(otherVertx());
    List<SpanData> runs = jobSpans(5); // two of the batch, one of the transaction, two workflow steps
    assertThat(runs).allMatch(r -> r.getParentSpanId().equals(parent.getSpanContext().getSpanId()));
    assertThat(exporter.getFinishedSpanItems()).filteredOn(s -> s.getName().equals("spool.job")).hasSize(5);
  }

  @Test
  void theSqlFunctionTakesATraceparentAndAMalformedOneIsCountedAndTheJobRuns() {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String spanId = "00f067aa0ba902b7";
    sql("select {schema}.enqueue('" + WORK.name() + "', traceparent => $1)", "00-" + traceId + "-" + spanId + "-01");
    long malformedBefore = Tracing.INSTANCE.malformed();
    sql("select {schema}.enqueue('" + WORK.name() + "', traceparent => $1)", "00-not-a-trace-01");
    startWorker(otherVertx());

    eventually(WAIT, () -> count("true") == 0); // both ran (completed jobs are deleted)
    SpanData run = jobSpans(1).get(0);
    assertThat(run.getTraceId()).isEqualTo(traceId);
    assertThat(run.getParentSpanId()).isEqualTo(spanId);
    assertThat(Tracing.INSTANCE.malformed()).isEqualTo(malformedBefore + 1);
    assertThat(spool.stats().malformedTraceparents()).isEqualTo(malformedBefore + 1);
    assertThat(exporter.getFinishedSpanItems()).filteredOn(s -> s.getName().equals("spool.job")).hasSize(1);
  }

  @Test
  void theNoOpIsChosenWhenOpenTelemetryIsNotOnTheClassPath() {
    ClassLoader withoutOtel = new ClassLoader(getClass().getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith("io.opentelemetry.")) {
          throw new ClassNotFoundException(name);
        }
        return super.loadClass(name, resolve);
      }
    };
    assertThat(Tracing.choose(withoutOtel)).isSameAs(Tracing.NOOP);
    assertThat(Tracing.INSTANCE).isNotSameAs(Tracing.NOOP);
    assertThat(Tracing.INSTANCE.getClass().getSimpleName()).isEqualTo("OtelTracing");
    assertThat(Tracing.NOOP.capture()).isNull();
  }

  @Test
  void withoutOpenTelemetryOnTheClassPathJobsRunUntraced() throws Exception {
    String output = UntracedProcess.run(TestDatabase.uri(), schema);
    assertThat(output).as("the child's output").contains("UNTRACED noop COMPLETED");
    assertThat(output).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
  }

  /** A worker on {@code on}, with its own Spool, that fails a run while {@code fail} is at least the attempt. */
  private void startWorker(Vertx on) {
    Spool other = newSpool(on, new SpoolOptions().setSchema(schema));
    HandlerOptions fast = new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(10)).setJitter(0));
    JobHandlers handlers = new JobHandlers()
        .register(WORK, (args, ctx) -> {
          currentInHandler.put(ctx.id() + "/" + ctx.attempt(), Span.current().getSpanContext().getSpanId());
          return ctx.attempt() <= args.getInteger("fail", 0)
              ? Future.failedFuture(new IllegalStateException("attempt " + ctx.attempt() + " fails"))
              : Future.succeededFuture();
        }, fast)
        .register(BLOCKING, (BlockingJobHandler<JsonObject>) (args, ctx) -> {
          currentInHandler.put(ctx.id() + "/" + ctx.attempt(), Span.current().getSpanContext().getSpanId());
          if (ctx.attempt() <= args.getInteger("fail", 0)) {
            throw new IllegalStateException("attempt " + ctx.attempt() + " fails");
          }
        }, fast);
    await(on.deployVerticle(other.worker(new WorkerOptions(), handlers)));
  }

  /** The {@code spool.job} spans, once {@code n} have ended, by attempt. */
  private List<SpanData> jobSpans(int n) {
    eventually(WAIT, () -> exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("spool.job")).count() >= n);
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("spool.job"))
        .sorted(Comparator.comparing(s -> s.getAttributes().get(ATTEMPT))).toList();
  }

  private String traceparentOf(long id) {
    return sql("select traceparent from {schema}.jobs where id = $1", id).iterator().next().getString(0);
  }
}
