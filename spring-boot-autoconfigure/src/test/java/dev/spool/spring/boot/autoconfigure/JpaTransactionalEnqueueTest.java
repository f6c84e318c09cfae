package dev.spool.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobClient;
import dev.spool.Task;
import io.vertx.core.json.JsonObject;
import jakarta.persistence.EntityManagerFactory;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Under a JpaTransactionManager (Hibernate) too, the job commits and rolls back with the transaction. */
class JpaTransactionalEnqueueTest {

  @Test
  void aJpaTransactionCarriesTheJob() {
    TestApps.runner().withPropertyValues("spool.worker.enabled=false")
        .withUserConfiguration(Jpa.class)
        .run(context -> {
          assertThat(context).hasNotFailed();
          JobClient client = context.getBean(JobClient.class);
          TransactionTemplate tx = new TransactionTemplate(context.getBean("jpaTransactionManager", PlatformTransactionManager.class));
          long rolledBack = tx.execute(status -> {
            status.setRollbackOnly();
            return client.enqueue(Task.json("receipt"), new JsonObject()).await();
          });
          long committed = tx.execute(status -> client.enqueue(Task.json("receipt"), new JsonObject()).await());
          assertThat(client.find(rolledBack).await()).isEmpty();
          assertThat(client.find(committed).await()).isPresent();
        });
  }

  /** An EntityManagerFactory on the app's DataSource, without entities, and its transaction manager. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class Jpa {
    @org.springframework.context.annotation.Bean
    LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource) {
      LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
      factory.setDataSource(dataSource);
      factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
      factory.setPackagesToScan("dev.spool.spring.boot.autoconfigure.noentities");
      return factory;
    }

    @org.springframework.context.annotation.Bean
    JpaTransactionManager jpaTransactionManager(EntityManagerFactory factory) {
      return new JpaTransactionManager(factory);
    }
  }
}
