package dev.spool;

import dev.spool.spi.JobCodec;
import dev.spool.spi.JsonValueCodec;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Base64;

/**
 * A job as a caller waiting for it sees it: its state, and once it finished its result (completed), its
 * error (dead, cancelled). Answered by {@link JobClient#result}, {@link JobClient#await} and, for a job's
 * parents, {@link JobContext#parents()}.
 *
 * <p>A completed job whose row is no longer stored (plain completed jobs are deleted at once unless they
 * have a result, dependents or an awaiter) reads as completed without a result.
 *
 * @param id         the job id
 * @param state      its state now
 * @param step       its step name when it is a workflow step, else null
 * @param bytes      its result as stored (encoded by its task's result codec), or null
 * @param error      its last error, or null
 * @param progress   the latest progress its handler reported, or null
 * @param finishedAt when it finished, or null
 */
public record JobResult(long id, JobState state, String step, byte[] bytes, JsonObject error, Object progress,
    Instant finishedAt) {

  /**
   * True when the job completed.
   *
   * @return true when completed
   */
  public boolean isCompleted() {
    return state == JobState.COMPLETED;
  }

  /**
   * True when the job will not change by itself any more (completed, dead, cancelled).
   *
   * @return true in a final state
   */
  public boolean isFinal() {
    return state.isFinal();
  }

  /**
   * The result decoded by {@code codec} (the task's result codec), or null when there is none.
   *
   * @param <R> the result type
   * @param codec the task's result codec
   * @return the decoded result, or null
   */
  public <R> R value(JobCodec<R> codec) {
    if (bytes == null) {
      return null;
    }
    try {
      return codec.decode(bytes);
    } catch (Exception e) {
      throw new IllegalStateException("cannot decode the result of job " + id + " with codec " + codec.name(), e);
    }
  }

  /**
   * The result of a JSON task: a JsonObject, JsonArray, String, Number or Boolean; null when there is none.
   *
   * @return the result, or null
   */
  public Object json() {
    return value(JsonValueCodec.INSTANCE);
  }

  /**
   * The fields of the API and the CLI: {@code id}, {@code state}, {@code step}, {@code result} (the JSON
   * value, or {@code resultBase64} when the result is not JSON), {@code error}, {@code progress},
   * {@code finished_at}.
   *
   * @return the job as JSON
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("state", state.sqlName());
    if (step != null) {
      json.put("step", step);
    }
    putResult(json, bytes);
    return json.put("error", error).put("progress", progress)
        .put("finished_at", finishedAt == null ? null : finishedAt.toString());
  }

  /**
   * Puts {@code result} (or {@code resultBase64}) for these stored bytes.
   *
   * @param json the object to put the field into
   * @param bytes the stored result, or null for none
   */
  public static void putResult(JsonObject json, byte[] bytes) {
    if (bytes == null) {
      json.putNull("result");
      return;
    }
    try {
      json.put("result", JsonValueCodec.INSTANCE.decode(bytes));
    } catch (RuntimeException notJson) {
      json.putNull("result").put("resultBase64", Base64.getEncoder().encodeToString(bytes));
    }
  }
}
