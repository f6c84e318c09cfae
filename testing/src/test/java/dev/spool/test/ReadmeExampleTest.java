package dev.spool.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.JobClient;
import dev.spool.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The "Testing your jobs" snippet (docs/guides/testing.md, checked by the examples' DocsSnippetsTest), compiled and run. */
// snippet:start testing
@SpoolTest
class ReadmeExampleTest {

  static final Task<JsonObject> SEND_EMAIL = Task.json("send-email");

  /** The application code under test: signing up enqueues a welcome mail, and a reminder for tomorrow. */
  static Future<Long> signUp(JobClient jobs, String email) {
    return jobs.enqueue(SEND_EMAIL, new JsonObject().put("to", email).put("template", "welcome"))
        .compose(id -> jobs.enqueue(SEND_EMAIL, new JsonObject().put("to", email).put("template", "reminder"),
            new EnqueueOptions().setDelay(Duration.ofDays(1))));
  }

  @Test
  void signUpMailsNowAndTomorrow(SpoolTester spool) {
    spool.register(SEND_EMAIL, (args, ctx) -> Future.succeededFuture(new JsonObject().put("sent", args.getString("template"))));

    signUp(spool.client(), "a@example.com").await();

    spool.assertEnqueued(SEND_EMAIL, new JsonObject().put("template", "welcome"));
    assertThat(spool.drain("default").results()).containsExactly(new JsonObject().put("sent", "welcome"));
    spool.advance(Duration.ofDays(1));                                     // no sleeping: test time moves
    assertThat(spool.drain("default").results()).containsExactly(new JsonObject().put("sent", "reminder"));
    spool.refuteEnqueued(JobMatch.task(SEND_EMAIL));
  }
}
// snippet:end testing
