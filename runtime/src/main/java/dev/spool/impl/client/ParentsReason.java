package dev.spool.impl.client;

import dev.spool.JobAdmin;
import dev.spool.JobExplanation;
import dev.spool.JobExplanation.Code;
import dev.spool.JobExplanation.Reason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@link Code#WAITING_ON_DEPENDENCIES} reason of a waiting job, from its row of ExplainJob (explain.sql):
 * which parents it still waits on, each with its own first reason when the caller explained them (one level
 * deep: a parent's own parents are named, not explained), and what a dead or cancelled parent does to it.
 * The rule is the one tell() applies (workflow.sql): a dead or cancelled parent cancels a child unless the
 * child runs on parent failure, for which a failed parent counts as finished.
 */
final class ParentsReason {

  private static final String PARENT_FAILED = "dev.spool.ParentFailed";

  private ParentsReason() {}

  /**
   * The reason of a waiting job's row.
   *
   * @param explained the explanations of its unfinished parents by id (some may be missing: finished and
   *     deleted since), or null one level down, where parents are named only
   */
  static Reason of(Row row, Map<Long, JobExplanation> explained) {
    long parents = row.getLong("parents");
    long unfinished = row.getLong("unfinished_parents");
    long failed = row.getLong("failed_parents");
    boolean runOnFailure = row.getBoolean("run_on_parent_failure");
    Long[] waitingIds = orEmpty(row.getArrayOfLongs("unfinished_ids"));
    String[] waitingStates = row.getArrayOfStrings("unfinished_states");
    Long[] failedIds = orEmpty(row.getArrayOfLongs("failed_ids"));
    String[] failedStates = row.getArrayOfStrings("failed_states");

    JsonArray waitingOn = new JsonArray();
    List<String> named = new ArrayList<>();
    for (int i = 0; i < waitingIds.length; i++) {
      JsonObject parent = parent(waitingIds[i], waitingStates[i], explained);
      waitingOn.add(parent);
      named.add(describe(parent));
    }
    JsonArray failedParents = new JsonArray();
    List<String> failedNamed = new ArrayList<>();
    for (int i = 0; i < failedIds.length; i++) {
      failedParents.add(new JsonObject().put("id", failedIds[i]).put("state", failedStates[i]));
      failedNamed.add("parent job " + failedIds[i] + " ended " + failedStates[i]);
    }

    List<String> sentences = new ArrayList<>();
    if (failed > 0 && !runOnFailure) {
      // tell() cancels a child in the ack that ends its parent; a parent ended some other way (a cancel, a
      // rescue) is settled by the leader's sweep, and this is the moment in between
      sentences.add(list(failedNamed, failed) + ": it is cancelled instead of run, as soon as that "
          + "parent is settled (at the latest by the leader's next sweep)");
    }
    if (unfinished > 0) {
      String waits = "it waits on " + unfinished + " of its " + parents + " parents: " + list(named, unfinished);
      if (explained != null && (failed == 0 || runOnFailure)) {
        waits += runOnFailure ? "; it runs once they finish, whether they complete or end dead or cancelled"
            : "; it runs once they complete, and is cancelled instead if one ends dead or cancelled";
      }
      sentences.add(waits);
    } else if (failed == 0 || runOnFailure) {
      sentences.add("its " + parents + " parents have finished: it is released as soon as the last is settled "
          + "(at the latest by the leader's next sweep)");
    }
    JsonObject figures = new JsonObject().put("parents", parents).put("unfinished", unfinished)
        .put("run_on_parent_failure", runOnFailure).put("waiting_on", waitingOn).put("failed", failedParents)
        .put("count_limit", JobAdmin.EXPLAIN_COUNT_LIMIT);
    return new Reason(Code.WAITING_ON_DEPENDENCIES, String.join("; ", sentences), figures);
  }

  /** The FINISHED message's tail for a job a failed parent cancelled (its last_error names the parent), else "". */
  static String cancelledBy(JsonObject lastError) {
    if (lastError == null || !PARENT_FAILED.equals(lastError.getString("class"))) {
      return "";
    }
    return " (" + lastError.getString("message") + ")";
  }

  /** {@code {id, state, reason}}: the reason its explanation gives first, null when nothing holds it back. */
  private static JsonObject parent(long id, String storedState, Map<Long, JobExplanation> explained) {
    JsonObject parent = new JsonObject().put("id", id);
    if (explained == null) {
      return parent.put("state", storedState);
    }
    JobExplanation explanation = explained.get(id);
    if (explanation == null) {
      // it completed and was deleted between the two statements of explain
      return parent.put("state", "completed").put("reason", null);
    }
    parent.put("state", explanation.state().sqlName());
    if (explanation.reasons().isEmpty()) {
      return parent.put("reason", null);
    }
    Reason first = explanation.reasons().get(0);
    return parent.put("reason", new JsonObject().put("code", first.code().name().toLowerCase(Locale.ROOT))
        .put("message", first.message()).put("figures", first.figures()));
  }

  private static String describe(JsonObject parent) {
    String text = "job " + parent.getLong("id") + " (" + parent.getString("state");
    if (parent.containsKey("reason")) {
      JsonObject reason = parent.getJsonObject("reason");
      if (reason != null) {
        text += ": " + reason.getString("message");
      } else if (!"completed".equals(parent.getString("state"))) {
        text += ": nothing holds it back";
      }
    }
    return text + ")";
  }

  /** The named ones joined, and how many more there are beyond them. */
  private static String list(List<String> named, long total) {
    String joined = String.join(", ", named);
    return total > named.size() ? joined + " and " + (total - named.size()) + " more" : joined;
  }

  private static Long[] orEmpty(Long[] ids) {
    return ids == null ? new Long[0] : ids;
  }
}
