package dev.spool.spring.test;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.WorkerOptions;
import dev.spool.spring.SpoolCustomizer;
import dev.spool.spring.SpoolProperties;
import dev.spool.spring.boot.autoconfigure.SpoolAutoConfiguration;
import dev.spool.spring.impl.HandlerBeans;
import dev.spool.test.SpoolTester;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The beans of {@link AutoConfigureSpoolTester}, imported by that annotation only (never by the starter's own
 * auto-configuration list), and only when the test kit is on the class path: the starter does not depend on
 * the kit, which is an optional dependency of this module, and the kit does not depend on Spring.
 */
@AutoConfiguration(after = SpoolAutoConfiguration.class)
@ConditionalOnClass(SpoolTester.class)
public class SpoolTesterAutoConfiguration {

  /**
   * Puts the application's Spool on test time ({@link SpoolTester#useTestTime}); last, so it decides the
   * database and clock after the application's own customizers.
   *
   * @param properties the bound {@code spool.*} properties: the database and the schema
   * @return the customizer
   */
  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  public SpoolCustomizer spoolTestTime(SpoolProperties properties) {
    return new SpoolCustomizer() {
      @Override
      public void customize(Spool.Builder builder) {
        String url = properties.config().databaseUrl();
        // without a database the Spool bean fails as it would without the tester, with its own message
        if (url != null) {
          SpoolTester.useTestTime(builder, url, properties.config().spoolOptions().getSchema());
        }
      }
    };
  }

  /**
   * The tester of the application's Spool, with its handler beans. Lazy: made when a test asks for it, after
   * every handler bean is ready; closed before the Spool (it leaves the Spool and schema open).
   *
   * @param spool      the application's Spool
   * @param properties the bound {@code spool.*} properties, for the handler beans' task options
   * @param beans      where the {@code @SpoolHandler} beans are found
   * @return the tester
   */
  @Bean(destroyMethod = "close")
  @Lazy
  @ConditionalOnMissingBean
  public SpoolTester spoolTester(Spool spool, SpoolProperties properties, ListableBeanFactory beans) {
    SpoolTester tester = SpoolTester.of(spool);
    JobHandlers handlers = new JobHandlers();
    HandlerBeans.register(beans, properties.config(), handlers, new WorkerOptions());
    return tester.registerAll(handlers);
  }
}
