package dev.spool.spring.impl;

import dev.spool.JobAdmin;
import dev.spool.JobClient;
import dev.spool.Spool;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** The actuator endpoint {@code spool}: jobs per queue and state, the workers alive, this node's counters. */
@Endpoint(id = "spool")
public class SpoolEndpoint {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Spool spool;
  private final JobClient client;
  private final JobAdmin admin;

  public SpoolEndpoint(Spool spool, JobClient client, JobAdmin admin) {
    this.spool = spool;
    this.client = client;
    this.admin = admin;
  }

  @ReadOperation
  public Map<String, Object> spool() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node", spool.nodeId());
    out.put("queues", Await.result(client.countByQueueAndState(), TIMEOUT, "counting jobs"));
    out.put("workers", Await.result(admin.workers(), TIMEOUT, "listing workers"));
    out.put("stats", spool.stats().toJson().getMap());
    return out;
  }
}
