package io.github.reloadwatch.kubernetes.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.concurrent.Executor;

/**
 * fabric8's CRUD dispatcher with two changes: GETs can be {@linkplain GetHold held}, and a watch
 * never makes the server's event loop wait for its events to be written.
 *
 * <p>Why the second. In fabric8 8.0.0 each CRUD watch ({@code WatchEventsListener}) sends its
 * events from a thread of its own, and each send waits (up to 30 s) until the server's event loop
 * has written it. Its {@code onClosed} and {@code onFailure}, which Vert.x calls on that event
 * loop, wait for that thread to finish. A client that closes a watch while an event is on its way
 * (the mock sends the current objects as soon as a watch opens, so an informer stopped right
 * after it started is enough) leaves the event loop waiting for the sender and the sender
 * waiting for the event loop: the whole server, which has one event loop, answers nothing for
 * 30 s, and {@code shutdown()} cannot complete.
 *
 * <p>Here the watch's thread only hands each write to {@code sender}, in order, and returns; the
 * blocking write happens there. So {@code onClosed} waits for nothing, and it still runs on the
 * event loop: the watch leaves the dispatcher's list before any later request is dispatched.
 * (Running {@code onClosed} itself on another thread instead opens a window in which a request
 * sends an event to a watch whose thread is already shut down: the {@code
 * RejectedExecutionException} leaves that request unanswered.)
 */
final class FixedCrudDispatcher extends KubernetesCrudDispatcher {

  private final Executor sender;
  private final GetHold hold;

  FixedCrudDispatcher(Executor sender, GetHold hold) {
    this.sender = sender;
    this.hold = hold;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    hold.await(request);
    return super.dispatch(request);
  }

  @Override
  public MockResponse handleWatch(String path) {
    MockResponse response = super.handleWatch(path);
    return response.withWebSocketUpgrade(
        new QueuedWrites(response.getWebSocketListener(), sender));
  }

  /** Called by the server's {@code shutdown()}: nothing may stay held then. */
  @Override
  public void shutdown() {
    hold.release();
    super.shutdown();
  }

  /** Passes each callback on as it comes, but opens the watch on a {@link QueuedSocket}. */
  private static final class QueuedWrites extends WebSocketListener {
    private final WebSocketListener watch;
    private final Executor sender;

    QueuedWrites(WebSocketListener watch, Executor sender) {
      this.watch = watch;
      this.sender = sender;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      watch.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      watch.onOpen(new QueuedSocket(webSocket, sender), response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      watch.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      watch.onMessage(webSocket, bytes);
    }

    @Override
    public void onPing(WebSocket webSocket, byte[] bytes) {
      watch.onPing(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      watch.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      watch.onClosed(webSocket, code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      watch.onFailure(webSocket, t, response);
    }
  }

  /**
   * The watch's socket, whose writes and close go to {@code sender} in the order they come. The
   * watch never learns whether a write succeeded: fabric8's CRUD watch ignores it anyway.
   */
  private static final class QueuedSocket implements WebSocket {
    private final WebSocket socket;
    private final Executor sender;

    QueuedSocket(WebSocket socket, Executor sender) {
      this.socket = socket;
      this.sender = sender;
    }

    @Override
    public RecordedRequest request() {
      return socket.request();
    }

    @Override
    public boolean send(String text) {
      sender.execute(() -> socket.send(text));
      return true;
    }

    @Override
    public boolean send(byte[] bytes) {
      sender.execute(() -> socket.send(bytes));
      return true;
    }

    @Override
    public boolean close(int code, String reason) {
      sender.execute(() -> socket.close(code, reason));
      return true;
    }
  }
}
