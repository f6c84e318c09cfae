package dev.spool.impl.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueriesTest {

  @Test
  void fillsTheSchemaIntoEveryQuery() {
    Queries queries = new Queries("jobs_here");
    assertThat(queries.get("ClaimJobs")).contains("jobs_here.jobs").doesNotContain("{schema}");
    assertThat(queries.channel()).isEqualTo("jobs_here_jobs");
  }

  @Test
  void rejectsSchemaNamesThatAreNotPlainIdentifiers() {
    for (String bad : new String[] {"", "Spool", "a;drop table x", "1abc", "a-b", "x".repeat(60), null}) {
      assertThatThrownBy(() -> new Queries(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("schema name");
    }
  }

  @Test
  void anUnknownQueryNameIsABugNotANull() {
    assertThatThrownBy(() -> new Queries("spool").get("NoSuchQuery")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void commentsBetweenQueriesAreNotPartOfThem() {
    Queries queries = new Queries("spool");
    assertThat(queries.get("KillJobs")).doesNotContain("--").doesNotContain("ReleaseJobs");
  }
}
