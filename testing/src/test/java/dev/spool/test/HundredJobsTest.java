package dev.spool.test;

import static dev.spool.test.impl.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The kit's cost per test: 100 tests, each enqueueing a job, asserting it is there, draining it and
 * asserting its outcome and that nothing is left. Surefire's report gives each test's time (the figure in the
 * docs/guides/testing.md); nothing here asserts on time.
 */
@SpoolTest
class HundredJobsTest {

  static final Task<JsonObject> INVOICE = Task.json("invoice");

  @BeforeAll
  static void handlers(SpoolTester spool) {
    spool.register(INVOICE, (args, ctx) -> Future.succeededFuture(new JsonObject().put("total", args.getInteger("n") * 10)));
  }

  @RepeatedTest(100)
  void enqueueAssertDrain(SpoolTester spool, RepetitionInfo repetition) {
    int n = repetition.getCurrentRepetition();
    result(spool.client().enqueue(INVOICE, new JsonObject().put("n", n), new EnqueueOptions().setQueue("billing")));
    spool.assertEnqueued(JobMatch.task(INVOICE).args(new JsonObject().put("n", n)).queue("billing"));

    DrainResult drained = spool.drain("billing");

    assertThat(drained.completed()).isEqualTo(1);
    assertThat(drained.results()).containsExactly(new JsonObject().put("total", n * 10));
    spool.refuteEnqueued(JobMatch.task(INVOICE));
  }
}
