package io.github.reloadwatch.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Timestamped events from a baseline watcher (the raw JDK {@code WatchService} or {@code
 * inotifywait}), appended by its reader thread and searched by the harness thread.
 */
class EventLog {

  /** One event: when it was seen ({@link System#nanoTime()}), its kind and file name. */
  record Event(long nanos, String kind, String name) {}

  private final List<Event> events = new ArrayList<>();

  synchronized void add(String kind, String name) {
    events.add(new Event(System.nanoTime(), kind, name));
    notifyAll();
  }

  /**
   * Waits for the first event at or after {@code since} that matches, and returns its time, or -1
   * after {@code timeout}.
   */
  synchronized long await(long since, Predicate<Event> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int from = 0;
    while (true) {
      for (int i = from; i < events.size(); i++) {
        Event e = events.get(i);
        if (e.nanos() >= since && match.test(e)) {
          return e.nanos();
        }
      }
      from = events.size();
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return -1;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Counts events in [from, to) that match. */
  synchronized int count(long from, long to, Predicate<Event> match) {
    int n = 0;
    for (Event e : events) {
      if (e.nanos() >= from && e.nanos() < to && match.test(e)) {
        n++;
      }
    }
    return n;
  }

  /** The matching events in [from, to). */
  synchronized List<Event> between(long from, long to, Predicate<Event> match) {
    List<Event> result = new ArrayList<>();
    for (Event e : events) {
      if (e.nanos() >= from && e.nanos() < to && match.test(e)) {
        result.add(e);
      }
    }
    return result;
  }

  synchronized void clear() {
    events.clear();
  }
}
