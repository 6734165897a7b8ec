package io.github.reloadwatch.kubernetes.testing;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Which GET the CRUD dispatcher holds back, if any, and until when. Armed from the test's thread,
 * awaited on the server's event loop.
 */
final class GetHold {

  /** The longest a request is held, so that a test that forgets to release it still ends. */
  static final long LIMIT_SECONDS = 30;

  private static final CountDownLatch OPEN = new CountDownLatch(0);

  private volatile String path;
  private volatile CountDownLatch gate = OPEN;

  /** Holds every GET of {@code held} from now on, until the returned latch is counted down. */
  CountDownLatch arm(String held) {
    CountDownLatch latch = new CountDownLatch(1);
    gate = latch;
    path = held;
    return latch;
  }

  /** Lets every held and future request through. */
  void release() {
    gate.countDown();
  }

  /** Blocks while {@code request} is held. */
  void await(RecordedRequest request) {
    if ("GET".equals(request.getMethod()) && request.getPath().equals(path)) {
      try {
        gate.await(LIMIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
