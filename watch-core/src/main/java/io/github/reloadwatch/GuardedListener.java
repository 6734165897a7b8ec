package io.github.reloadwatch;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the user's {@link ReloadListener}s in order, so that an exception one throws is logged and
 * otherwise ignored: a listener can never stop the watcher, nor keep the others from hearing.
 */
final class GuardedListener implements ReloadListener {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);

  private final List<ReloadListener> delegates;

  GuardedListener(List<ReloadListener> delegates) {
    this.delegates = List.copyOf(delegates);
  }

  @Override
  public void onWatchEvent() {
    call(ReloadListener::onWatchEvent);
  }

  @Override
  public void onWatchError(Exception error) {
    call(l -> l.onWatchError(error));
  }

  @Override
  public void onSkipped(Snapshot snapshot) {
    call(l -> l.onSkipped(snapshot));
  }

  @Override
  public void onReloaded(ReloadEvent event, Duration took) {
    call(l -> l.onReloaded(event, took));
  }

  @Override
  public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
    call(l -> l.onFailed(event, error, retryIn));
  }

  @Override
  public void onRejected(ReloadEvent event, ReloadRejectedException error) {
    call(l -> l.onRejected(event, error));
  }

  @Override
  public void onDryRun(ReloadEvent event) {
    call(l -> l.onDryRun(event));
  }

  private void call(Consumer<ReloadListener> method) {
    for (ReloadListener delegate : delegates) {
      try {
        method.accept(delegate);
      } catch (RuntimeException e) {
        logger.warn("ReloadListener {} threw; ignored", delegate, e);
      }
    }
  }
}
