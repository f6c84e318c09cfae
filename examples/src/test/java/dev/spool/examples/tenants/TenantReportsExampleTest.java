package dev.spool.examples.tenants;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.examples.tenants.TenantReportsExample.TenantOutcome;
import dev.spool.testing.SpoolTestBase;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantReportsExampleTest extends SpoolTestBase {

  @Test
  void smallTenantsFinishLongBeforeTheBigOneAndNoTenantRunsMoreThanTwoAtOnce() {
    Map<String, TenantOutcome> outcome = await(TenantReportsExample.run(vertx, spool,
        Map.of("acme", 200, "tiny-1", 5, "tiny-2", 5)));

    assertThat(outcome.values()).allSatisfy(o -> assertThat(o.mostAtOnce()).isEqualTo(2));
    long big = outcome.get("acme").doneAfterMs();
    assertThat(outcome.get("tiny-1").doneAfterMs()).isLessThan(big / 3);
    assertThat(outcome.get("tiny-2").doneAfterMs()).isLessThan(big / 3);
  }
}
