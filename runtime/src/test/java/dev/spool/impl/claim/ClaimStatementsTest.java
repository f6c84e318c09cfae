package dev.spool.impl.claim;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.sql.Queries;
import dev.spool.testing.SpoolTestBase;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plain and the limited claim hand rows to the same reader, which reads them by position. */
class ClaimStatementsTest extends SpoolTestBase {

  @Test
  void everyClaimReturnsTheSameColumnsInTheSameOrder() {
    Queries queries = new Queries(schema);
    String[] tasks = {"t"};
    List<String> plain = await(spool.pool().preparedQuery(queries.get("ClaimJobs"))
        .execute(Tuple.of("q", tasks, 10, "owner", 30_000.0))).columnsNames();
    List<String> limited = await(spool.pool().preparedQuery(queries.get("ClaimJobsLimited"))
        .execute(Tuple.tuple(java.util.Arrays.asList("q", tasks, 10, "owner", 30_000.0, 4,
            new String[0], new Integer[0], new Double[0], new String[0], 100.0, null, null)))).columnsNames();

    List<String> keyed = await(spool.pool().preparedQuery(queries.get("ClaimJobsKeyed"))
        .execute(Tuple.tuple(java.util.Arrays.asList("q", tasks, 10, "owner", 30_000.0, null, 2, null, null, false, true,
            new String[0], new Integer[0], 100.0)))).columnsNames();

    assertThat(plain).containsExactly("id", "queue", "task", "args", "priority", "attempt", "max_attempts",
        "timeout_ms", "run_at", "created_at", "soft_timeout_ms", "flagged", "traceparent",
        "rescues");
    assertThat(limited.subList(0, plain.size())).isEqualTo(plain);
    assertThat(limited).hasSize(plain.size() + 1).endsWith("wait_ms");
    assertThat(keyed).isEqualTo(limited);
  }

  @Test
  void migrateDefinesTheLimitedClaimFromClaimSqlEveryTime() {
    sql("drop function {schema}.claim_limited");
    await(spool.migrate()); // V005, which first created it, is applied already and is not run again

    String defined = await(spool.pool().query("select pg_get_functiondef('" + schema + ".claim_limited'::regproc)")
        .execute()).iterator().next().getString(0);
    assertThat(defined).contains("limit coalesce((select u.a from unnest(task_names, task_allow)");
  }
}
