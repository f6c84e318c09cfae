package dev.spool.impl.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Database URLs as libpq reads them: several hosts, and a writable one asked for. */
class ConnectUriTest {

  @Test
  void aUrlOfOneHostIsReadAsVertxReadsIt() {
    ConnectUri uri = ConnectUri.parse("postgresql://app:secret@db.example:6543/jobs?application_name=billing");
    assertThat(uri.isSingleHost()).isTrue();
    assertThat(uri.hosts()).containsExactly(new HostSelector.Host("db.example", 6543));
    assertThat(uri.base().getUser()).isEqualTo("app");
    assertThat(uri.base().getPassword()).isEqualTo("secret");
    assertThat(uri.base().getDatabase()).isEqualTo("jobs");
    assertThat(uri.base().getProperties()).containsEntry("application_name", "billing");
  }

  @Test
  void severalHostsWithAReadWriteTargetAreEachKeptWithTheirPortsAndTheTargetIsNotSentToTheServer() {
    ConnectUri uri = ConnectUri.parse(
        "postgresql://app@h1:5432,h2:5433,[::1]/jobs?target_session_attrs=read-write&connect_timeout=5");
    assertThat(uri.isSingleHost()).isFalse();
    assertThat(uri.readWrite()).isTrue();
    assertThat(uri.hosts()).containsExactly(new HostSelector.Host("h1", 5432), new HostSelector.Host("h2", 5433),
        new HostSelector.Host("::1", 5432));
    assertThat(uri.base().getHost()).isEqualTo("h1");
    assertThat(uri.base().getDatabase()).isEqualTo("jobs");
    assertThat(uri.base().getProperties()).doesNotContainKey("target_session_attrs");
  }

  @Test
  void primaryMeansReadWriteAndAnyMeansTheFirstThatAnswers() {
    assertThat(ConnectUri.parse("postgres://h1,h2/db?target_session_attrs=primary").readWrite()).isTrue();
    ConnectUri any = ConnectUri.parse("postgres://h1,h2/db?target_session_attrs=any");
    assertThat(any.readWrite()).isFalse();
    assertThat(any.isSingleHost()).isFalse();
  }

  @Test
  void badUrlsAreRefusedSayingWhatIsWrongWithoutShowingThePassword() {
    assertThatThrownBy(() -> ConnectUri.parse("mysql://h1/db")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("starts with postgresql://");
    assertThatThrownBy(() -> ConnectUri.parse("postgresql://u:hunter2@h1,,h2/db"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty host")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> ConnectUri.parse("postgresql://h1:5432,h2:99999/db"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("h2:99999")
        .hasMessageContaining("1 to 65535");
    assertThatThrownBy(() -> ConnectUri.parse("postgresql://h1,h2:x/db")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> ConnectUri.parse("postgresql://h1,h2/db?target_session_attrs=standby"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-write");
    assertThatThrownBy(() -> ConnectUri.parse("")).hasMessageContaining("empty");
  }
}
