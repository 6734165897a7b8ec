package io.github.reloadwatch.testing;

import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadRejectedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ReloadAction} that records every event and the content it read from the snapshot, and
 * can be told to fail, reject, or block. Tracks the largest number of concurrent calls, to prove
 * reloads never overlap.
 *
 * <pre>{@code
 * RecordingAction action = new RecordingAction().thenOutcomes(Outcome.FAIL);
 * // ... after a change: the first attempt failed, the retry succeeded
 * assertThat(action.count()).isEqualTo(2);
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class RecordingAction implements ReloadAction {

  /** Creates an action whose calls all succeed until told otherwise. */
  public RecordingAction() {}

  /** What one call does. */
  public enum Outcome {
    /** Returns normally. */
    SUCCEED,
    /** Throws an {@link IOException}: a retryable failure. */
    FAIL,
    /** Throws a {@link ReloadRejectedException}: invalid content. */
    REJECT
  }

  private final List<ReloadEvent> events = new ArrayList<>();
  private final List<Map<Path, String>> contents = new ArrayList<>();
  private final Deque<Outcome> script = new ArrayDeque<>();
  private final AtomicInteger concurrent = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();
  private volatile CountDownLatch gate;
  private volatile CountDownLatch entered = new CountDownLatch(1);
  private Outcome defaultOutcome = Outcome.SUCCEED;

  /**
   * Queues outcomes for the next calls; afterwards the default applies.
   *
   * @param outcomes one per call, in order
   * @return this action
   */
  public synchronized RecordingAction thenOutcomes(Outcome... outcomes) {
    script.addAll(List.of(outcomes));
    return this;
  }

  /**
   * Sets the outcome of calls with nothing queued.
   *
   * @param outcome the outcome
   * @return this action
   */
  public synchronized RecordingAction alwaysOutcome(Outcome outcome) {
    defaultOutcome = outcome;
    return this;
  }

  /**
   * Makes the next calls block until {@link #release()}.
   *
   * @return this action
   */
  public RecordingAction block() {
    gate = new CountDownLatch(1);
    entered = new CountDownLatch(1);
    return this;
  }

  /** Releases blocked calls. */
  public void release() {
    CountDownLatch g = gate;
    gate = null;
    if (g != null) {
      g.countDown();
    }
  }

  /**
   * Waits until a blocked call has entered the action.
   *
   * @param timeout how long to wait
   * @return true if a call entered in time
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitEntered(Duration timeout) throws InterruptedException {
    return entered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void reload(ReloadEvent event) throws Exception {
    int now = concurrent.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    try {
      Map<Path, String> read = new LinkedHashMap<>();
      for (Path path : event.snapshot().paths()) {
        try {
          read.put(path, new String(event.snapshot().read(path), StandardCharsets.UTF_8));
        } catch (IOException e) {
          read.put(path, "<stale: " + e.getMessage() + ">");
        }
      }
      Outcome outcome;
      synchronized (this) {
        events.add(event);
        contents.add(read);
        outcome = script.isEmpty() ? defaultOutcome : script.poll();
      }
      entered.countDown();
      CountDownLatch g = gate;
      if (g != null) {
        g.await();
      }
      switch (outcome) {
        case FAIL -> throw new IOException("scripted failure");
        case REJECT -> throw new ReloadRejectedException("scripted rejection");
        default -> {}
      }
    } finally {
      concurrent.decrementAndGet();
    }
  }

  /**
   * Returns the events received so far.
   *
   * @return the events, oldest first
   */
  public synchronized List<ReloadEvent> events() {
    return List.copyOf(events);
  }

  /**
   * Returns the content each call read from its snapshot, by logical path.
   *
   * @return one map per call, oldest first
   */
  public synchronized List<Map<Path, String>> contents() {
    return List.copyOf(contents);
  }

  /**
   * Returns the content the last call read, or an empty map.
   *
   * @return the content by logical path
   */
  public synchronized Map<Path, String> lastContent() {
    return contents.isEmpty() ? Map.of() : contents.get(contents.size() - 1);
  }

  /**
   * Returns how many calls were made.
   *
   * @return the number of calls
   */
  public synchronized int count() {
    return events.size();
  }

  /**
   * Returns the most calls ever running at once.
   *
   * @return 1 if reloads never overlapped
   */
  public int maxConcurrent() {
    return maxConcurrent.get();
  }
}
