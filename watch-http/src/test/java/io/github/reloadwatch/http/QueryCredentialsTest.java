package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.LogCapture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14, item 6: a {@code ?token=} in the reload URL is sent, and shown nowhere: not in a log
 * line at any level, an exception (its whole cause chain), or {@code toString()}.
 */
class QueryCredentialsTest {

  private static final String TOKEN = "qs-7e1d-super-secret";

  @TempDir Path tmp;
  private TestServer server;
  private final List<HttpReloadAction> actions = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = TestServer.http();
  }

  @AfterEach
  void stop() {
    actions.forEach(HttpReloadAction::close);
    server.close();
  }

  private HttpReloadAction action(URI uri) {
    HttpReloadAction a = HttpReloadAction.builder().uri(uri).build();
    actions.add(a);
    return a;
  }

  @Test
  void redacted_replacesTheValuesOfSensitiveParameters_andKeepsTheirNames() {
    assertThat(Credentials.redacted(URI.create(
        "http://h:9090/-/reload?token=abc&job=x&access_token=def&apikey=g&api_key=h&key=i")))
        .isEqualTo("http://h:9090/-/reload?token=[redacted]&job=x&access_token=[redacted]"
            + "&apikey=[redacted]&api_key=[redacted]&key=[redacted]");
    assertThat(Credentials.redacted(URI.create("https://h/x?Password=a&passwd=b&client_secret=c"
        + "&sig=d&X-Amz-Signature=e&auth=f&X-Amz-Credential=g&sessionId=h&pass=i")))
        .isEqualTo("https://h/x?Password=[redacted]&passwd=[redacted]&client_secret=[redacted]"
            + "&sig=[redacted]&X-Amz-Signature=[redacted]&auth=[redacted]"
            + "&X-Amz-Credential=[redacted]&sessionId=[redacted]&pass=[redacted]");
    assertThat(Credentials.redacted(URI.create("http://h/x?monkey=1&keys=2&design=3&job=k&flag")))
        .isEqualTo("http://h/x?monkey=1&keys=2&design=3&job=k&flag");
    assertThat(Credentials.redacted(URI.create("http://h/x?api%5Fkey=v&empty=#access_token=t")))
        .isEqualTo("http://h/x?api%5Fkey=[redacted]&empty=#access_token=[redacted]");
    assertThat(Credentials.redacted(URI.create("http://u:pw@h:80/x?token=t&a=b")))
        .isEqualTo("http://h:80/x?token=[redacted]&a=b");
    assertThat(Credentials.redacted(URI.create("http://h/x"))).isEqualTo("http://h/x");
  }

  @Test
  void aQueryToken_isSent_butNeverShown() throws Exception {
    // given: a token in the query, and a server that echoes what it got
    URI withToken = server.uri("/-/reload?token=" + TOKEN + "&job=prometheus");
    int refusedPort = TestServer.freePort();
    URI refused = URI.create("http://127.0.0.1:" + refusedPort + "/-/reload?access_token=" + TOKEN);
    FakeScheduler time = new FakeScheduler();
    server.answer(r -> r.path().equals("/-/ready")
        ? TestServer.Reply.of(503, "starting; you asked " + r.query())
        : TestServer.Reply.of(r.query().contains("job=prometheus") ? 200 : 401,
            "you sent " + r.query()));
    List<Throwable> thrown = new ArrayList<>();
    String text;
    try (LogCapture logs = new LogCapture()) {
      // when: a success, an answered failure, a refused connection, a watcher's failure
      HttpReloadAction ok = action(withToken);
      ok.reload(Events.attempt(1));
      thrown.add(catchThrowable(() -> action(server.uri("/-/reload?apikey=" + TOKEN))
          .reload(Events.attempt(1))));
      thrown.add(catchThrowable(() -> action(refused).reload(Events.attempt(1))));
      thrown.add(catchThrowable(() -> action(refused).reload(Events.attempt(2))));
      thrown.add(catchThrowable(() -> PrometheusReload.at(URI.create("ftp://h/?token=" + TOKEN))));
      thrown.add(catchThrowable(() -> HttpReloadAction.builder()
          .uri(URI.create("http://h/?token=" + TOKEN)).caCertificate(tmp).build()));
      thrown.add(watcherFailure(refused, time));
      text = logs.text() + "\n" + ok + "\n" + actions;
    }

    // then
    assertThat(server.requests.get(0).query()).isEqualTo("token=" + TOKEN + "&job=prometheus");
    assertThat(thrown).hasSize(6).doesNotContainNull();
    for (Throwable t : thrown) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      assertThat(trace.toString()).doesNotContain(TOKEN);
    }
    assertThat(text)
        .contains("DEBUG") // detail lines are covered too
        .contains("?token=[redacted]&job=prometheus -> 200 OK")
        .contains("apikey=[redacted]")
        .contains("access_token=[redacted]")
        .doesNotContain(TOKEN);
  }

  /** What a watcher reports (WARN line, listener) when an action with a query token fails. */
  private Throwable watcherFailure(URI uri, FakeScheduler time) throws Exception {
    Files.writeString(tmp.resolve("app.yml"), "v1");
    List<Throwable> failures = new ArrayList<>();
    HttpReloadAction a = HttpReloadAction.builder().uri(uri).scheduler(time).build();
    try (ReloadWatcher watcher = ReloadWatcher.builder().addPath(tmp.resolve("app.yml"))
        .scheduler(time).reloadOnStart(true).resyncInterval(Duration.ZERO).addAction(a)
        .listener(new ReloadListener() {
          @Override
          public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
            failures.add(error);
          }
        })
        .build()) {
      watcher.start();
      time.runDue();
      assertThat(watcher.status().lastError()).hasValueSatisfying(
          e -> assertThat(e).contains("access_token=[redacted]").doesNotContain(TOKEN));
      assertThat(watcher.status().toString()).doesNotContain(TOKEN);
    }
    assertThat(failures).hasSize(1);
    return failures.get(0);
  }
}
