package dev.spool;

/** No job with this id is stored: never enqueued, or finished and pruned (or deleted at once on completion). */
public final class NoSuchJobException extends RuntimeException {

  private final long id;

  public NoSuchJobException(long id) {
    super("no job " + id + " (never enqueued, or finished and no longer stored)");
    this.id = id;
  }

  public long id() {
    return id;
  }
}
