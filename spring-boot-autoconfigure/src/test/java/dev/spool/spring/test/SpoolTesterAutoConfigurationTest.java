package dev.spool.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.BlockingJobHandler;
import dev.spool.EnqueueOptions;
import dev.spool.JobClient;
import dev.spool.JobContext;
import dev.spool.Spool;
import dev.spool.Task;
import dev.spool.spring.SpoolCustomizer;
import dev.spool.spring.SpoolHandler;
import dev.spool.spring.boot.autoconfigure.SpoolAutoConfiguration;
import dev.spool.test.SpoolTester;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The tester of @AutoConfigureSpoolTester: bound to the app's Spool, with its handler beans, on test time. */
class SpoolTesterAutoConfigurationTest {

  @SpoolHandler("tally")
  static class Tally implements BlockingJobHandler<JsonObject> {
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public void run(JsonObject args, JobContext context) {
      runs.incrementAndGet();
    }
  }

  private static ApplicationContextRunner runner() {
    URI uri = URI.create(TestDatabase.uri());
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, SpoolAutoConfiguration.class,
            SpoolTesterAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
            "spring.datasource.username=" + user, "spool.schema=" + TestDatabase.freshSchema())
        .withBean(Tally.class);
  }

  @Test
  void theTesterRunsTheAppsHandlerBeansOnTheAppsSpoolAndMovesItsTime() {
    runner().run(context -> {
      assertThat(context).hasNotFailed();
      SpoolTester tester = context.getBean(SpoolTester.class);
      assertThat(tester.spool()).isSameAs(context.getBean(Spool.class));

      context.getBean(JobClient.class).enqueue(Task.json("tally"), new JsonObject(),
          new EnqueueOptions().setDelay(Duration.ofMinutes(10))).await();
      tester.assertEnqueued("tally", new JsonObject());
      assertThat(tester.drain("default").outcomes()).isEmpty();
      tester.advance(Duration.ofMinutes(10));
      assertThat(tester.drain("default").completed()).isEqualTo(1);
      assertThat(context.getBean(Tally.class).runs).hasValue(1);
    });
  }

  @Test
  void withoutTheKitOnTheClassPathNothingIsAdded() {
    runner().withClassLoader(new FilteredClassLoader(SpoolTester.class)).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean("spoolTester").doesNotHaveBean(SpoolCustomizer.class);
      assertThat(context.getBean(Spool.class).clock()).isEqualTo(java.time.Clock.systemUTC());
    });
  }
}
