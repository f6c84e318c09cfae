package dev.spool.spring.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** spring.datasource.url as the URL Spool connects with. */
class JdbcUrlsTest {

  @Test
  void hostPortDatabaseAndParametersCarryOverWithTheUserAndPassword() {
    assertThat(JdbcUrls.toSpoolUrl("jdbc:postgresql://db:5433/app?sslmode=require", "app", "s3cr@t"))
        .isEqualTo("postgresql://app:s3cr%40t@db:5433/app?sslmode=require");
  }

  @Test
  void theUrlsOwnUserAndPasswordAreUsedWhenNoPropertiesGiveThem() {
    assertThat(JdbcUrls.toSpoolUrl("jdbc:postgresql://db/app?user=u&password=p%26q&sslmode=disable", null, null))
        .isEqualTo("postgresql://u:p%26q@db/app?sslmode=disable");
  }

  @Test
  void aUrlWithoutHostMeansLocalhostAndOtherDatabasesAreNotPostgres() {
    assertThat(JdbcUrls.toSpoolUrl("jdbc:postgresql:app", "app", null)).isEqualTo("postgresql://app@localhost/app");
    assertThat(JdbcUrls.isPostgres("jdbc:h2:mem:x")).isFalse();
    assertThat(JdbcUrls.isPostgres("jdbc:postgresql://h1:5432,h2:5432/app")).isTrue();
  }
}
