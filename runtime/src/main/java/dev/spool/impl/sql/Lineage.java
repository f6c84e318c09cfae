package dev.spool.impl.sql;

import dev.spool.JobResult;
import dev.spool.JobState;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** Reads a running job's parents for its {@link dev.spool.JobContext}: asked only when a handler asks. */
public interface Lineage {

  /** No parents to read (a context outside a worker). */
  Lineage NONE = new Lineage() {
    @Override
    public Future<List<JobResult>> parents(long id) {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<Map<JobState, Long>> parentStates(long id) {
      return Future.succeededFuture(Map.of());
    }
  };

  Future<List<JobResult>> parents(long id);

  Future<Map<JobState, Long>> parentStates(long id);
}
