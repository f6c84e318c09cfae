package dev.spool.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.EnqueueOptions;
import dev.spool.JobClient;
import dev.spool.JobRequest;
import dev.spool.JobState;
import dev.spool.StepOptions;
import dev.spool.Task;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Inside a Spring-managed transaction the job commits or rolls back with it; outside, the usual path. */
class TransactionalEnqueueTest {

  private static final Task<JsonObject> RECEIPT = Task.json("receipt");

  // workers off: these tests look at the jobs as enqueued
  private static org.springframework.boot.test.context.runner.ApplicationContextRunner runner() {
    return TestApps.runner().withPropertyValues("spool.worker.enabled=false");
  }

  @Test
  void aRolledBackTransactionLeavesNoJobAndACommittedOneLeavesIt() {
    runner().run(context -> {
      JobClient client = context.getBean(JobClient.class);
      TransactionTemplate tx = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
      long[] rolledBack = new long[1];
      tx.executeWithoutResult(status -> {
        rolledBack[0] = client.enqueue(RECEIPT, new JsonObject().put("order", 1)).await();
        status.setRollbackOnly();
      });
      assertThat(client.find(rolledBack[0]).await()).isEmpty();

      Long committed = tx.execute(status -> client.enqueue(RECEIPT, new JsonObject().put("order", 2)).await());
      assertThat(client.find(committed).await()).hasValueSatisfying(job -> assertThat(job.state()).isEqualTo(JobState.AVAILABLE));
    });
  }

  @Test
  void aJobEnqueuedInATransactionIsInvisibleToOthersUntilCommit() {
    runner().run(context -> {
      JobClient client = context.getBean(JobClient.class);
      TransactionTemplate tx = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
      tx.executeWithoutResult(status -> {
        long id = client.enqueue(RECEIPT, new JsonObject()).await();
        // another connection (Spool's own pool) cannot see it yet
        Optional<?> seen = context.getBean(dev.spool.Spool.class).client().find(id).await();
        assertThat(seen).isEmpty();
      });
    });
  }

  @Test
  void batchesWorkflowsUniqueKeysAndJobKeysTakeTheTransactionToo() {
    runner().run(context -> {
      JobClient client = context.getBean(JobClient.class);
      TransactionTemplate tx = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
      List<Long> batch = tx.execute(status -> client.enqueueAll(List.of(
          JobRequest.of(RECEIPT, new JsonObject().put("n", 1)),
          new JobRequest<>(RECEIPT, new JsonObject().put("n", 2), new EnqueueOptions().setQueue("fair").setKey("tenant-a")))).await());
      assertThat(batch).hasSize(2);
      assertThat(client.find(batch.get(1)).await().orElseThrow().queue()).isEqualTo("fair");

      long[] unique = tx.execute(status -> new long[] {
          client.enqueue(RECEIPT, new JsonObject(), new EnqueueOptions().setUniqueKey("only-one")).await(),
          client.enqueue(RECEIPT, new JsonObject(), new EnqueueOptions().setUniqueKey("only-one")).await()});
      assertThat(unique[1]).isEqualTo(unique[0]);

      WorkflowRun run = tx.execute(status -> client.enqueueWorkflow(Workflow.named("ship")
          .step("pack", RECEIPT, new JsonObject())
          .step("send", RECEIPT, new JsonObject(), new StepOptions().dependsOn("pack"))).await());
      assertThat(client.find(run.id("send")).await().orElseThrow().state()).isEqualTo(JobState.WAITING);

      WorkflowRun rolledBack = tx.execute(status -> {
        status.setRollbackOnly();
        return client.enqueueWorkflow(Workflow.named("gone").step("a", RECEIPT, new JsonObject())).await();
      });
      assertThat(client.workflow(rolledBack.id()).await()).isEmpty();

      Map<String, Map<JobState, Long>> counts = client.countByQueueAndState().await();
      assertThat(counts.get("default").get(JobState.AVAILABLE)).isEqualTo(3); // n=1, the unique one, pack
    });
  }

  @Test
  void refusedOptionsFailTheEnqueueOnBothPaths() {
    runner().run(context -> {
      JobClient client = context.getBean(JobClient.class);
      TransactionTemplate tx = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
      EnqueueOptions bad = new EnqueueOptions().setTimeout(java.time.Duration.ofSeconds(1))
          .setSoftTimeout(java.time.Duration.ofSeconds(2));
      assertThatThrownBy(() -> tx.execute(status -> client.enqueue(RECEIPT, new JsonObject(), bad).await()))
          .hasMessageContaining("softTimeout must be below timeout");
      assertThatThrownBy(() -> client.enqueue(RECEIPT, new JsonObject(), bad).await())
          .hasMessageContaining("softTimeout must be below timeout");
    });
  }
}
