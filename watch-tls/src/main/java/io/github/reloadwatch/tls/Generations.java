package io.github.reloadwatch.tls;

import io.github.reloadwatch.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * The published identities: the current one, and those superseded less than the retention ago,
 * each still reachable by its alias. A handshake that chose an alias before a rotation resolves
 * the key and the chain of that same generation afterwards; after the retention the alias
 * resolves to nothing, and the old key is dropped.
 *
 * <p>Reads are lock-free: one volatile read of an immutable state. Publishing is serialized.
 */
final class Generations {

  private record Retired(Identity identity, long retiredAtNanos) {}

  private record State(Identity current, List<Retired> retired) {}

  private static final State EMPTY = new State(null, List.of());

  private final Scheduler scheduler;
  private final long retentionNanos;
  private volatile State state = EMPTY; // written only under synchronized(this)

  Generations(Scheduler scheduler, Duration retention) {
    this.scheduler = scheduler;
    this.retentionNanos = retention.toNanos();
  }

  /** The identity new handshakes get, or null before the first publication. */
  Identity current() {
    return state.current();
  }

  /**
   * The identity an alias names: the current one, or one superseded less than the retention ago.
   * Null for an unknown or expired alias.
   */
  Identity byAlias(String alias) {
    if (alias == null) {
      return null;
    }
    State s = state;
    if (s.current() != null && s.current().alias().equals(alias)) {
      return s.current();
    }
    if (s.retired().isEmpty()) {
      return null;
    }
    long now = scheduler.nanoTime();
    for (Retired r : s.retired()) {
      if (r.identity().alias().equals(alias)) {
        return now - r.retiredAtNanos() <= retentionNanos ? r.identity() : null;
      }
    }
    return null;
  }

  /** Makes {@code next} current; the previous current is retained for the retention. */
  synchronized void publish(Identity next) {
    State s = state;
    long now = scheduler.nanoTime();
    List<Retired> retired = new ArrayList<>(alive(s.retired(), now));
    if (s.current() != null) {
      retired.add(new Retired(s.current(), now));
    }
    state = new State(next, List.copyOf(retired));
    if (s.current() != null) {
      schedulePrune();
    }
  }

  /** The number of superseded identities still resolvable. */
  int retained() {
    return alive(state.retired(), scheduler.nanoTime()).size();
  }

  /** Drops the identities retired longer than the retention ago, so their keys can be freed. */
  synchronized void prune() {
    State s = state;
    List<Retired> alive = alive(s.retired(), scheduler.nanoTime());
    if (alive.size() != s.retired().size()) {
      state = new State(s.current(), alive);
    }
  }

  private void schedulePrune() {
    try {
      // a little after the window, so the retired entry is past it when the task runs
      scheduler.schedule(this::prune, Duration.ofNanos(retentionNanos).plusMillis(1));
    } catch (RejectedExecutionException e) {
      // the scheduler was shut down: the next publication prunes instead
    }
  }

  private List<Retired> alive(List<Retired> retired, long now) {
    List<Retired> result = new ArrayList<>(retired.size());
    for (Retired r : retired) {
      if (now - r.retiredAtNanos() <= retentionNanos) {
        result.add(r);
      }
    }
    return result;
  }
}
