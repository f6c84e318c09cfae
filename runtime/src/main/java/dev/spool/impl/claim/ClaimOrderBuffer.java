package dev.spool.impl.claim;

import dev.spool.impl.job.ClaimedJob;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * A producer's prefetched jobs in claim order across claims: a batch that sorts after everything held (the
 * usual case: later claims bring later jobs) is appended, first in first out; one that holds an earlier job (a
 * rescued job keeps its old run_at, a higher priority came in) is merged in. A heap kept the same order at
 * three times the cost of the whole stage from claim rows to a started job ({@code ClaimRowsBenchmark}).
 *
 * <p>Not thread-safe: the producer's event loop only.
 */
public final class ClaimOrderBuffer implements Iterable<ClaimedJob> {

  private final Comparator<ClaimedJob> order;
  private ArrayDeque<ClaimedJob> jobs = new ArrayDeque<>();

  public ClaimOrderBuffer(Comparator<ClaimedJob> order) {
    this.order = order;
  }

  /** Adds jobs already sorted in claim order. */
  public void addSorted(List<ClaimedJob> sorted) {
    if (sorted.isEmpty()) {
      return;
    }
    if (jobs.isEmpty() || order.compare(sorted.get(0), jobs.peekLast()) >= 0) {
      jobs.addAll(sorted);
      return;
    }
    ArrayDeque<ClaimedJob> merged = new ArrayDeque<>(jobs.size() + sorted.size());
    Iterator<ClaimedJob> incoming = sorted.iterator();
    ClaimedJob next = incoming.next();
    while (next != null) {
      ClaimedJob held = jobs.peekFirst();
      if (held == null || order.compare(next, held) < 0) {
        merged.add(next);
        next = incoming.hasNext() ? incoming.next() : null;
      } else {
        merged.add(jobs.pollFirst());
      }
    }
    merged.addAll(jobs);
    jobs = merged;
  }

  /** Adds one job in its place. */
  public void add(ClaimedJob job) {
    addSorted(List.of(job));
  }

  /** The first job in claim order, removed; null when empty. */
  public ClaimedJob poll() {
    return jobs.pollFirst();
  }

  /** The last job in claim order, removed; null when empty. */
  public ClaimedJob pollLast() {
    return jobs.pollLast();
  }

  public boolean remove(ClaimedJob job) {
    return jobs.remove(job);
  }

  public boolean isEmpty() {
    return jobs.isEmpty();
  }

  public int size() {
    return jobs.size();
  }

  @Override
  public Iterator<ClaimedJob> iterator() {
    return jobs.iterator();
  }
}
