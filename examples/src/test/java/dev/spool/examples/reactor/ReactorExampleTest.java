package dev.spool.examples.reactor;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.examples.reactor.ReactorExample.Address;
import dev.spool.reactor.ReactorJobClient;
import dev.spool.testing.SpoolTestBase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReactorExampleTest extends SpoolTestBase {

  @Test
  void everyAddressOfTheFluxIsEnqueuedAndGeocodedByTheMonoHandler() {
    ReactorExample example = new ReactorExample();
    await(example.deployWorkers(spool));

    List<Long> ids = example.enqueue(ReactorJobClient.of(spool.client()), ReactorExample.addresses(1200)).collectList().block();

    assertThat(ids).hasSize(1200).doesNotHaveDuplicates();
    eventually(Duration.ofSeconds(60), () -> example.geocoded().size() == 1200);
    assertThat(example.geocoded()).containsKey(new Address("7 Rue de Rivoli", "Lyon"));
    eventually(Duration.ofSeconds(30), () -> count("true") == 0);
  }
}
