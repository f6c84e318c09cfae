package dev.spool.spring.boot.autoconfigure;

import dev.spool.testing.TestDatabase;
import java.net.URI;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Application contexts of the tests: the test database as the app's DataSource, each in a schema of its own. */
final class TestApps {

  private TestApps() {}

  /** The test database's URL in JDBC form, without its user. */
  static String jdbcUrl() {
    URI uri = URI.create(TestDatabase.uri());
    return "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
  }

  static String user() {
    String info = URI.create(TestDatabase.uri()).getUserInfo();
    return info == null ? "postgres" : info.split(":")[0];
  }

  /** A context with Spring's DataSource and transaction manager and every Spool auto-configuration. */
  static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, SpoolAutoConfiguration.class,
            SpoolWorkerAutoConfiguration.class, SpoolReactorAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=" + jdbcUrl(), "spring.datasource.username=" + user(),
            "spool.schema=" + TestDatabase.freshSchema(), "spool.worker.poll-interval=100ms");
  }
}
