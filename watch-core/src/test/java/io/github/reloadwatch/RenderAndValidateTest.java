package io.github.reloadwatch;

import io.github.reloadwatch.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.RecordingAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendering templates with credentials, validating, and dry runs (issue #5). */
class RenderAndValidateTest {

  private static final Duration DEBOUNCE = Duration.ofMillis(100);
  private static final String SECRET = "hunter2-very-secret";

  @TempDir Path tmp;
  private Path config;
  private Path secrets;
  private Path out;
  private Path template;
  private Path output;
  private final FakeScheduler scheduler = new FakeScheduler();
  private final FakeBackend backend = new FakeBackend();
  private final RecordingAction action = new RecordingAction();
  private final List<String> dryRuns = new ArrayList<>();
  private ReloadWatcher watcher;

  @BeforeEach
  void setUp() throws IOException {
    config = Files.createDirectory(tmp.resolve("config"));
    secrets = Files.createDirectory(tmp.resolve("secrets"));
    out = Files.createDirectory(tmp.resolve("out"));
    template = config.resolve("prometheus.yml");
    output = out.resolve("prometheus.yml");
    Files.writeString(secrets.resolve("password"), SECRET + "\n");
  }

  @AfterEach
  void tearDown() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private ReloadWatcher.Builder builder() {
    return FakeWatchers.builder(scheduler, backend)
        .addPath(config)
        .addPath(secrets)
        .addRender(template, output)
        .renderEnvironment(Map.of("CLUSTER", "eu-1"))
        .renderAllowFile(secrets)
        .addAction(action)
        .debounce(DEBOUNCE)
        .retry(RetryPolicy.never())
        .listener(new ReloadListener() {
          @Override
          public void onDryRun(ReloadEvent event) {
            dryRuns.add(event.snapshot().shortDigest());
          }
        });
  }

  private void start(ReloadWatcher.Builder builder) throws IOException {
    watcher = builder.build();
    watcher.start();
    scheduler.runDue();
  }

  private void writeTemplate(String content) throws IOException {
    Files.writeString(template, content);
    backend.event(template);
    scheduler.advance(DEBOUNCE);
  }

  private static final String GOOD = "cluster: ${CLUSTER}\npassword: ${file:%s}\n";

  private String good() {
    return GOOD.formatted(secrets.resolve("password"));
  }

  @Test
  void render_writesTheOutputAtomicallyReadableByOwnerAndGroupOnly() throws IOException {
    Files.writeString(template, "initial");
    start(builder().reloadOnStart(true));
    writeTemplate(good());

    assertThat(Files.readString(output))
        .isEqualTo("cluster: eu-1\npassword: " + SECRET + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(output)))
        .as("by default a target running as another user of the group can read it (#16)")
        .isEqualTo("rw-r-----");
    assertThat(action.lastContent()).containsEntry(output, Files.readString(output));
    try (var files = Files.list(out)) {
      assertThat(files).containsExactly(output); // no staging file left behind
    }
  }

  @Test
  void outputsAreWrittenAtStart_withoutReloading() throws IOException {
    Files.writeString(template, good());
    start(builder());
    assertThat(Files.readString(output)).contains("cluster: eu-1");
    assertThat(action.count()).isZero();
    writeTemplate(good()); // touched, same content: the outputs are already applied
    assertThat(action.count()).isZero();
    assertThat(watcher.status().skippedUnchanged()).isEqualTo(1);
  }

  @Test
  void invalidTemplateAtStart_writesNothingAndWaitsForAFix() throws IOException {
    Files.writeString(template, "token: ${API_TOKEN}\n");
    start(builder());
    assertThat(output).doesNotExist();
    assertThat(watcher.status().failing()).isTrue();
    assertThat(watcher.status().lastError()).hasValueSatisfying(e -> assertThat(e)
        .contains("variable ${API_TOKEN} has no value"));
    writeTemplate(good());
    assertThat(Files.readString(output)).contains("cluster: eu-1");
    assertThat(action.count()).isEqualTo(1);
    assertThat(watcher.status().failing()).isFalse();
  }

  @Test
  void rotatedSecret_reloadsWithAnUnchangedTemplate() throws IOException {
    Files.writeString(template, good());
    start(builder().reloadOnStart(true));
    assertThat(action.count()).isEqualTo(1);

    Files.writeString(secrets.resolve("password"), "rotated");
    backend.event(secrets.resolve("password"));
    scheduler.advance(DEBOUNCE);

    assertThat(action.count()).isEqualTo(2);
    assertThat(Files.readString(output)).contains("password: rotated");
    assertThat(action.events().get(1).changes()).extracting(FileChange::path)
        .contains(output, secrets.resolve("password"));
  }

  @Test
  void strictRender_failureWritesNothingAndDoesNotReload() throws IOException {
    Files.writeString(template, good());
    start(builder().reloadOnStart(true));
    String before = Files.readString(output);
    try (LogCapture logs = new LogCapture()) {
      writeTemplate("password: ${file:" + secrets.resolve("password") + "}\ntoken: ${API_TOKEN}\n");

      assertThat(action.count()).isEqualTo(1);
      assertThat(Files.readString(output)).isEqualTo(before);
      assertThat(watcher.status().failing()).isTrue();
      assertThat(watcher.status().lastError()).hasValueSatisfying(e -> assertThat(e)
          .contains(template + ":2: variable ${API_TOKEN} has no value"));
      assertThat(logs.text()).contains("${API_TOKEN}").doesNotContain(SECRET);
    }
    writeTemplate(good().replace("eu-1", "${CLUSTER}-b"));
    assertThat(action.count()).isEqualTo(2);
    assertThat(watcher.status().failing()).isFalse();
  }

  @Test
  void tolerantRender_leavesTheReferenceInPlace() throws IOException {
    Files.writeString(template, "x: 1");
    start(builder().renderStrict(false));
    writeTemplate("token: ${API_TOKEN}\n");
    assertThat(Files.readString(output)).isEqualTo("token: ${API_TOKEN}\n");
    assertThat(action.count()).isEqualTo(1);
  }

  @Test
  void outputOfARemovedTemplate_isRemoved() throws IOException {
    Files.writeString(template, good());
    start(builder().reloadOnStart(true));
    assertThat(output).exists();
    Files.writeString(config.resolve("other.yml"), "keep the directory non-empty");
    Files.delete(template);
    backend.event(template);
    scheduler.advance(DEBOUNCE);
    assertThat(output).doesNotExist();
    assertThat(action.count()).isEqualTo(2);
  }

  @Test
  void outputInsideAWatchedPath_isRefusedAtBuildTime() {
    assertThatThrownBy(() -> ReloadWatcher.builder()
            .addPath(config)
            .addRender(template, config.resolve("rendered.yml"))
            .addAction(action)
            .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is inside the watched path [" + config + "]")
        .hasMessageContaining("write it elsewhere");
  }

  @Test
  void dryRun_callsNoActionAndWritesNothing() throws IOException {
    Files.writeString(template, "x: 1");
    try (LogCapture logs = new LogCapture()) {
      start(builder().dryRun(true));
      writeTemplate(good());
      assertThat(logs.text()).contains("dry run: would reload (change: ").doesNotContain(SECRET);
    }
    assertThat(action.count()).isZero();
    assertThat(output).doesNotExist();
    assertThat(dryRuns).hasSize(1);
    writeTemplate(good()); // the same content again: already "applied" in the dry run
    assertThat(dryRuns).hasSize(1);
  }

  @Test
  void validatorRejection_keepsTheLastGoodOutput() throws IOException {
    Validator noTodo = context -> {
      String text = Files.readString(context.locate(output));
      if (text.contains("TODO")) {
        throw new ReloadRejectedException("contains TODO");
      }
    };
    Files.writeString(template, "v: 1\n");
    start(builder().addValidator(noTodo).reloadOnStart(true));
    writeTemplate("v: TODO\n");
    assertThat(Files.readString(output)).isEqualTo("v: 1\n");
    assertThat(action.count()).isEqualTo(1);
    assertThat(watcher.status().reloadsRejected()).isEqualTo(1);
    writeTemplate("v: 2\n");
    assertThat(Files.readString(output)).isEqualTo("v: 2\n");
    assertThat(action.count()).isEqualTo(2);
  }

  @Test
  void readersNeverSeeAPartialOutput() throws Exception {
    String big = "line of a large config file\n".repeat(20_000);
    Files.writeString(template, "v0\n" + big);
    start(builder().reloadOnStart(true));
    AtomicBoolean stop = new AtomicBoolean();
    Set<String> torn = ConcurrentHashMap.newKeySet();
    Thread reader = new Thread(() -> {
      while (!stop.get()) {
        try {
          String text = Files.readString(output);
          if (!text.endsWith(big)) {
            torn.add(text.length() + " chars");
          }
        } catch (IOException e) {
          torn.add(e.toString());
        }
      }
    }, "test-reader");
    reader.start();
    try {
      for (int i = 1; i <= 30; i++) {
        writeTemplate("v" + i + "\n" + big);
      }
    } finally {
      stop.set(true);
      reader.join();
    }
    assertThat(torn).isEmpty();
    assertThat(action.count()).isEqualTo(31);
  }

  /** Uses the real promtool from Debian's prometheus package. */
  @Test
  void promtool_rejectsAnInvalidConfigThenAcceptsTheFix() throws IOException {
    Path promtool = findPromtool();
    Files.writeString(template, "global:\n  scrape_interval: 15s\n");
    Validator check = CommandValidator.builder()
        .command(promtool.toString(), "check", "config", "{file}")
        .file(output)
        .build();
    start(builder().addValidator(check).reloadOnStart(true));
    assertThat(action.count()).isEqualTo(1);

    writeTemplate("global:\n  scrape_interval: not-a-duration\n");
    assertThat(action.count()).isEqualTo(1);
    assertThat(Files.readString(output)).contains("15s");
    assertThat(watcher.status().lastError()).hasValueSatisfying(e -> assertThat(e)
        .contains("promtool rejected [" + output + "]").contains("not-a-duration"));

    writeTemplate("global:\n  scrape_interval: 30s\n");
    assertThat(action.count()).isEqualTo(2);
    assertThat(Files.readString(output)).contains("30s");
  }

  static Path findPromtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message = "promtool not found on PATH: apt-get install prometheus";
    if (System.getenv("CI") != null) {
      fail(message + " (CI is set, so this test may not be skipped)");
    }
    assumeTrue(false, message);
    return null;
  }

  @Test
  void commandValidator_usingFileWithoutFile_isRefused() {
    assertThatThrownBy(() -> CommandValidator.builder().command("promtool", "{file}").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("call file(...)");
  }

  @Test
  void outputModeAndGroup_areConfigurable() throws IOException {
    String group = Files.readAttributes(tmp, PosixFileAttributes.class)
        .group().getName();
    Files.writeString(template, good());
    start(builder().renderOutputMode(0604).renderOutputGroup(group));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(output)))
        .isEqualTo("rw----r--");
    assertThatThrownBy(() -> ReloadWatcher.builder().renderOutputMode(0044))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("let the owner read");
  }
}
