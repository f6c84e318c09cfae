package dev.spool.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JdbcJobClient;
import dev.spool.JobAdmin;
import dev.spool.JobClient;
import dev.spool.Spool;
import dev.spool.reactor.ReactorJobClient;
import dev.spool.spring.SpoolCustomizer;
import dev.spool.spring.SpoolProperties;
import dev.spool.spring.SpoolWorkerLifecycle;
import dev.spool.spring.impl.SpoolFailureAnalyzer;
import dev.spool.spring.impl.TransactionalJobClient;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import reactor.core.publisher.Mono;

class SpoolAutoConfigurationTest {

  @Test
  void anAppWithAPostgresDataSourceGetsSpoolsBeansOnThatDatabase() {
    TestApps.runner().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(Vertx.class).hasSingleBean(Spool.class).hasSingleBean(JobAdmin.class)
          .hasSingleBean(JdbcJobClient.class).hasSingleBean(ReactorJobClient.class).hasSingleBean(SpoolWorkerLifecycle.class);
      assertThat(context.getBean(JobClient.class)).isInstanceOf(TransactionalJobClient.class);
      SpoolProperties properties = context.getBean(SpoolProperties.class);
      assertThat(properties.databaseFromDataSource()).isTrue();
      assertThat(properties.config().databaseUrl()).startsWith("postgresql://" + TestApps.user() + "@");
      // migrated at startup: the schema answers
      assertThat(context.getBean(JobClient.class).countByQueueAndState().await()).isEmpty();
    });
  }

  @Test
  void theAppsOwnBeansWin() {
    Vertx own = Vertx.vertx();
    try {
      TestApps.runner().withBean("appVertx", Vertx.class, () -> own).run(context -> {
        assertThat(context).hasSingleBean(Vertx.class);
        assertThat(context.getBean(Spool.class).vertx()).isSameAs(own);
      });
      JobClient mine = (JobClient) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {JobClient.class}, (proxy, method, args) -> switch (method.getName()) {
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "the application's own JobClient";
            default -> throw new UnsupportedOperationException(method.getName());
          });
      TestApps.runner().withBean("myClient", JobClient.class, () -> mine).run(context ->
          assertThat(context.getBean(JobClient.class)).isSameAs(mine));
    } finally {
      own.close().await();
    }
  }

  @Test
  void customizersAdjustTheBuilder() {
    AtomicBoolean called = new AtomicBoolean();
    TestApps.runner().withBean(SpoolCustomizer.class, () -> new SpoolCustomizer() {
      @Override
      public void customize(Spool.Builder builder) {
        builder.nodeId("node-from-customizer");
        called.set(true);
      }
    }).run(context -> {
      assertThat(called).isTrue();
      assertThat(context.getBean(Spool.class).nodeId()).isEqualTo("node-from-customizer");
    });
  }

  @Test
  void withoutReactorThereIsNoReactorClient() {
    TestApps.runner().withClassLoader(new FilteredClassLoader(Mono.class)).run(context ->
        assertThat(context).hasSingleBean(JobClient.class).doesNotHaveBean(ReactorJobClient.class));
  }

  @Test
  void anEnqueueOnlyNodeHasNoWorkers() {
    TestApps.runner().withPropertyValues("spool.worker.enabled=false").run(context ->
        assertThat(context).hasSingleBean(JobClient.class).doesNotHaveBean(SpoolWorkerLifecycle.class));
  }

  @Test
  void spoolDatabaseUrlOverridesTheDataSourceAndThenEnqueuesDoNotJoinItsTransactions() {
    // the same server under another name: Spool cannot tell, so it does not assume the transaction is its
    String other = dev.spool.testing.TestDatabase.uri().contains("127.0.0.1")
        ? dev.spool.testing.TestDatabase.uri().replace("127.0.0.1", "localhost")
        : dev.spool.testing.TestDatabase.uri().replace("localhost", "127.0.0.1");
    TestApps.runner().withPropertyValues("spool.database.url=" + other).run(context -> {
      SpoolProperties properties = context.getBean(SpoolProperties.class);
      assertThat(properties.config().databaseUrl()).isEqualTo(other);
      assertThat(properties.databaseFromDataSource()).isFalse();
      assertThat(context.getBean(JobClient.class)).isNotInstanceOf(TransactionalJobClient.class);
    });
  }

  @Test
  void withoutPostgresTheFailureSaysWhatToSet() {
    new org.springframework.boot.test.context.runner.ApplicationContextRunner()
        .withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(SpoolAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:app")
        .run(context -> {
          assertThat(context).hasFailed();
          FailureAnalysis analysis = new SpoolFailureAnalyzer().analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).contains("no PostgreSQL").contains("jdbc:h2:mem:app");
          assertThat(analysis.getAction()).contains("spring.datasource.url=jdbc:postgresql://").contains("spool.database.url=");
        });
  }
}
