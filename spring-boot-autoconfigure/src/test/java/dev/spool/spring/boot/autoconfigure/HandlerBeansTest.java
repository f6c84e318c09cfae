package dev.spool.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.BlockingJobHandler;
import dev.spool.JobClient;
import dev.spool.JobContext;
import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.spring.SpoolHandler;
import dev.spool.spring.impl.SpoolFailureAnalyzer;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Beans and bean methods annotated @SpoolHandler run their task's jobs; conflicts fail startup, named. */
class HandlerBeansTest {

  @SpoolHandler("greet")
  static class Greeter implements BlockingJobHandler<JsonObject> {
    volatile boolean onEventLoop;

    @Override
    public void run(JsonObject args, JobContext context) {
      onEventLoop = Context.isOnEventLoopThread();
    }
  }

  static class Methods {
    @SpoolHandler(value = "shout", queue = "loud")
    public JsonObject shout(JsonObject args, JobContext context) {
      return new JsonObject().put("said", args.getString("text").toUpperCase()).put("eventLoop", Context.isOnEventLoopThread());
    }
  }

  @SpoolHandler("greet")
  static class SecondGreeter implements BlockingJobHandler<JsonObject> {
    @Override
    public void run(JsonObject args, JobContext context) {}
  }

  @SpoolHandler(value = "greet", runOn = SpoolHandler.RunOn.EVENT_LOOP)
  static class AsyncGreeter implements dev.spool.JobHandler<JsonObject> {
    @Override
    public io.vertx.core.Future<?> handle(JsonObject args, JobContext context) {
      return io.vertx.core.Future.succeededFuture();
    }
  }

  @Test
  void handlerBeansAndMethodsRunTheirJobsOnTheBlockingPool() {
    // completed rows kept: a job the workers finish before the await begins is still there to answer it
    TestApps.runner().withBean(Greeter.class).withBean(Methods.class)
        .withPropertyValues("spool.retention.keep-completed=true").run(context -> {
      assertThat(context).hasNotFailed();
      JobClient client = context.getBean(JobClient.class);
      long greet = client.enqueue("greet", new JsonObject()).await();
      long shout = client.enqueue(dev.spool.Task.json("shout"), new JsonObject().put("text", "hi"),
          new dev.spool.EnqueueOptions().setQueue("loud")).await();
      assertThat(client.await(greet, Duration.ofSeconds(30)).await().state()).isEqualTo(JobState.COMPLETED);
      assertThat(context.getBean(Greeter.class).onEventLoop).isFalse();
      JobResult result = client.await(shout, Duration.ofSeconds(30)).await();
      assertThat(result.state()).isEqualTo(JobState.COMPLETED);
      assertThat(String.valueOf(result.json())).contains("\"said\":\"HI\"").contains("\"eventLoop\":false");
    });
  }

  @Test
  void twoHandlersOfOneTaskFailStartupNamingBoth() {
    TestApps.runner().withBean("firstGreeter", Greeter.class).withBean("secondGreeter", SecondGreeter.class).run(context -> {
      assertThat(context).hasFailed();
      FailureAnalysis analysis = new SpoolFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("task greet has two @SpoolHandler handlers")
          .contains("'firstGreeter'").contains("'secondGreeter'");
    });
  }

  @Test
  void propertiesThatContradictAHandlerFailStartup() {
    TestApps.runner().withBean(Greeter.class).withPropertyValues("spool.tasks.greet.blocking=false").run(context -> {
      FailureAnalysis analysis = new SpoolFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("spool.tasks.greet.blocking is false").contains("BlockingJobHandler");
    });
    TestApps.runner().withBean(AsyncGreeter.class).withPropertyValues("spool.tasks.greet.blocking=true").run(context -> {
      FailureAnalysis analysis = new SpoolFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("spool.tasks.greet.blocking is true").contains("EVENT_LOOP");
    });
  }
}
