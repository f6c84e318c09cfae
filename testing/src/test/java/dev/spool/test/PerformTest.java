package dev.spool.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spool.BlockingJobHandler;
import dev.spool.GiveUpException;
import dev.spool.JobHandler;
import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.JobTimeoutException;
import dev.spool.Snooze;
import dev.spool.Task;
import dev.spool.spi.JsonValueCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** perform runs one handler with a real job context, enqueues nothing, and returns the runtime's outcome. */
@SpoolTest
class PerformTest {

  static final Task<JsonObject> RESIZE = Task.json("resize");

  @Test
  void aHandlerThatSucceedsCompletesWithItsResult(SpoolTester spool) {
    spool.register(RESIZE, (args, ctx) -> {
      ctx.progress(50, new JsonObject().put("stage", "scaled"));
      return Future.succeededFuture(new JsonObject().put("width", args.getInteger("width") / 2)
          .put("attempt", ctx.attempt()).put("queue", ctx.queue()));
    });

    JobOutcome outcome = spool.perform(RESIZE, new JsonObject().put("width", 640));

    assertThat(outcome.kind()).isEqualTo(JobOutcome.Kind.COMPLETED);
    assertThat(outcome.result()).isEqualTo(new JsonObject().put("width", 320).put("attempt", 1).put("queue", "default"));
    assertThat(outcome.progress()).isEqualTo(new JsonObject().put("value", 50)
        .put("details", new JsonObject().put("stage", "scaled")));
    assertThat(spool.allEnqueued()).isEmpty(); // nothing was enqueued or written
  }

  @Test
  void aFailureIsRetriedAtTheTimeTheRetryPolicySays(SpoolTester spool) {
    spool.register(RESIZE, (args, ctx) -> Future.failedFuture(new IllegalStateException("disk full")));
    Instant before = spool.clock().instant();

    JobOutcome outcome = spool.perform(RESIZE, new JsonObject(), new PerformOptions().setAttempt(3));

    assertThat(outcome.kind()).isEqualTo(JobOutcome.Kind.RETRIED);
    assertThat(outcome.attempt()).isEqualTo(3);
    assertThat(outcome.delay()).isBetween(Duration.ofMillis(3600), Duration.ofMillis(4400)); // 1 s · 2² ± 10 %
    assertThat(outcome.runAgainAt()).isCloseTo(before.plus(outcome.delay()), within(1, ChronoUnit.SECONDS));
    assertThat(outcome.error().getString("message")).isEqualTo("disk full");
    assertThat(outcome.failure()).hasMessage("disk full");
  }

  @Test
  void theLastAttemptOrAGiveUpIsDead(SpoolTester spool) {
    spool.register(RESIZE, (args, ctx) -> Future.failedFuture(args.getBoolean("giveUp")
        ? new GiveUpException("corrupt image") : new IllegalStateException("disk full")));

    assertThat(spool.perform(RESIZE, new JsonObject().put("giveUp", false),
        new PerformOptions().setAttempt(5).setMaxAttempts(5)).kind()).isEqualTo(JobOutcome.Kind.DEAD);
    JobOutcome gaveUp = spool.perform(RESIZE, new JsonObject().put("giveUp", true));
    assertThat(gaveUp.kind()).isEqualTo(JobOutcome.Kind.DEAD);
    assertThat(gaveUp.runAgainAt()).isNull();
    assertThat(gaveUp.toString()).isEqualTo("resize attempt 1: dead corrupt image");
  }

  @Test
  void aSnoozeIsDueAgainAfterItsDelay(SpoolTester spool) {
    spool.register(RESIZE, (args, ctx) -> Snooze.after(Duration.ofMinutes(10)));

    JobOutcome outcome = spool.perform(RESIZE, new JsonObject());

    assertThat(outcome.kind()).isEqualTo(JobOutcome.Kind.SNOOZED);
    assertThat(outcome.delay()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void theHandlerSeesItsCancellation(SpoolTester spool) {
    spool.register(RESIZE, (args, ctx) -> Future.succeededFuture(new JsonObject().put("cancelled", ctx.isCancelled())));

    assertThat(spool.perform(RESIZE, new JsonObject(), new PerformOptions().setCancelled(true)).result())
        .isEqualTo(new JsonObject().put("cancelled", true));
    assertThat(spool.perform(RESIZE, new JsonObject()).result()).isEqualTo(new JsonObject().put("cancelled", false));
  }

  @Test
  void aWorkflowStepReadsTheParentsItIsGiven(SpoolTester spool) {
    spool.register(RESIZE, (args, ctx) -> ctx.parent("fetch")
        .map(p -> new JsonObject().put("from", ((JsonObject) p.orElseThrow().json()).getString("url"))));
    JobResult fetched = new JobResult(7, JobState.COMPLETED, "fetch",
        JsonValueCodec.INSTANCE.encode(new JsonObject().put("url", "s3://a.png")), null, null, Instant.now());

    JobOutcome outcome = spool.perform(RESIZE, new JsonObject(), new PerformOptions().setParents(List.of(fetched)));

    assertThat(outcome.result()).isEqualTo(new JsonObject().put("from", "s3://a.png"));
  }

  @Test
  void aHandlerPastItsHardLimitFailsWithATimeout(SpoolTester spool) {
    spool.register(RESIZE, (args, ctx) -> ctx.cancellation()); // returns when told to stop: at its hard limit

    JobOutcome outcome = spool.perform(RESIZE, new JsonObject(), new PerformOptions().setTimeout(Duration.ofMillis(50)));

    assertThat(outcome.kind()).isEqualTo(JobOutcome.Kind.RETRIED);
    assertThat(outcome.failure()).isInstanceOf(JobTimeoutException.class);
  }

  @Test
  void aBlockingHandlerRunsOnAPoolThread(SpoolTester spool) {
    spool.register(RESIZE, JobHandler.blocking((BlockingJobHandler<JsonObject>) (args, ctx) -> {
      if (io.vertx.core.Context.isOnEventLoopThread()) {
        throw new IllegalStateException("ran on the event loop");
      }
    }));

    assertThat(spool.perform(RESIZE, new JsonObject()).kind()).isEqualTo(JobOutcome.Kind.COMPLETED);
  }

  @Test
  void completingInATransactionNeedsARowAndSaysSo(SpoolTester spool) {
    spool.register(RESIZE, (args, ctx) -> ctx.completeInTransaction(conn -> conn.query("select 1").execute()));

    JobOutcome outcome = spool.perform(RESIZE, new JsonObject());

    assertThat(outcome.failure()).hasMessage("perform runs a handler without a job row, so completeInTransaction has "
        + "no job to complete: enqueue the job and drain it to test that");
  }

  @Test
  void performOfATaskWithoutAHandlerSaysWhichWasMeant(SpoolTester spool) {
    spool.register(RESIZE, (args, ctx) -> Future.succeededFuture());

    assertThatThrownBy(() -> spool.perform("resise", new JsonObject()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("perform: no handler is registered for task \"resise\"; did you mean \"resize\"?");
  }
}
