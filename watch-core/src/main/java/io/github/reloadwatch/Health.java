package io.github.reloadwatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The conditions under which a watcher is not doing its job, each with when it began: written by
 * the part that sees it (the reconciler for scans and cycles, the supervisor for watches), read
 * into {@link WatchStatus#problems()}. Thread-safe.
 */
final class Health {

  private record Entry(Instant since, String detail) {}

  // @GuardedBy("this")
  private final Map<WatchStatus.Condition, Entry> conditions =
      new EnumMap<>(WatchStatus.Condition.class);

  /** Notes the condition; a condition already present keeps its start and takes the new detail. */
  synchronized void set(WatchStatus.Condition condition, String detail, Instant now) {
    Entry old = conditions.get(condition);
    conditions.put(condition, new Entry(old != null ? old.since() : now, detail));
  }

  synchronized void clear(WatchStatus.Condition condition) {
    conditions.remove(condition);
  }

  synchronized List<WatchStatus.Problem> problems() {
    List<WatchStatus.Problem> result = new ArrayList<>();
    conditions.forEach((c, e) -> result.add(new WatchStatus.Problem(c, e.since(), e.detail())));
    return List.copyOf(result);
  }
}
