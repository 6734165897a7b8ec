package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets: written with mode 0600 (or the configured mode), values never in a log line, a {@code
 * toString()} or an exception, and a WARN when the directory is not memory-backed.
 */
@Tag("filesystem")
class SecretTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Values no log line may contain, as the API has them (base64) and as written (plain). */
  private static final List<String> VALUES =
      List.of("hunter2-plaintext-7f3a", "s3cond-value-c81e", "refused-value-90bd");

  @TempDir Path tmp;

  @Test
  void files_areWritten0600ByDefault_orWithTheConfiguredModes() throws Exception {
    try (CrudApi api = new CrudApi()) {
      api.putSecret("db", Map.of("password", "p", "user", "u"));
      Path byDefault = tmp.resolve("default");
      Path configured = tmp.resolve("configured");
      try (KubernetesMaterializer a = KubernetesMaterializer.builder().client(api.client())
              .secret("db").directory(byDefault).build();
          KubernetesMaterializer b = KubernetesMaterializer.builder().client(api.client())
              .secret("db").directory(configured).defaultMode(0440)
              .addItem("password", "password", 0400).addItem("user", "user").build()) {
        a.start();
        b.start();
      }
      assertThat(Volumes.perms(byDefault.resolve("..data/password"))).isEqualTo("rw-------");
      assertThat(Volumes.perms(byDefault.resolve("..data/user"))).isEqualTo("rw-------");
      assertThat(Volumes.read(byDefault.resolve("password"))).isEqualTo("p");
      assertThat(Volumes.perms(configured.resolve("..data/password"))).isEqualTo("r--------");
      assertThat(Volumes.perms(configured.resolve("..data/user"))).isEqualTo("r--r-----");
    }
  }

  @Test
  void values_neverInLogsToStringsOrExceptions() throws Exception {
    Path dir = tmp.resolve("db");
    FakeScheduler time = new FakeScheduler();
    List<String> texts = new ArrayList<>();
    try (CrudApi api = new CrudApi(); LogCapture log = new LogCapture()) {
      api.putSecret("db", Map.of("password", VALUES.get(0)));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .secret("db").directory(dir).scheduler(time).build()) {
        m.start();
        api.putSecret("db", Map.of("password", VALUES.get(1)));
        await().atMost(WAIT).until(() -> VALUES.get(1).equals(Volumes.readOrNull(dir.resolve("password"))));
        // a version kubelet refuses, with a value next to the bad key
        api.putSecret("db", Map.of("..bad", VALUES.get(2), "password", VALUES.get(2)));
        await().atMost(WAIT).until(() -> m.status().degradedReason().isPresent());
        // a value that is not base64
        Secret broken = new SecretBuilder().withNewMetadata().withName("db").endMetadata()
            .withData(Map.of("password", VALUES.get(2) + "!")).build();
        broken.getMetadata().setResourceVersion(
            api.admin.secrets().withName("db").get().getMetadata().getResourceVersion());
        api.admin.secrets().resource(broken).update();
        await().atMost(WAIT).until(() -> m.status().degradedReason().orElse("").contains("base64"));
        time.advance(KubernetesMaterializer.DEFAULT_ANTI_ENTROPY_INTERVAL);
        await().atMost(WAIT).until(() -> m.status().checks() == 1);
        api.deleteSecret("db");
        await().atMost(WAIT).until(() -> m.status().degradedReason().orElse("").contains("does not exist"));
        texts.add(m.status().toString());
        texts.add(m.toString());
      }
      // exceptions: a refused version and a missing object, through syncOnce()
      api.putSecret("db", Map.of("..bad", VALUES.get(0)));
      texts.add(thrown(KubernetesMaterializer.builder().client(api.client()).secret("db")
          .directory(tmp.resolve("once")).build()));
      api.deleteSecret("db");
      texts.add(thrown(KubernetesMaterializer.builder().client(api.client()).secret("db")
          .directory(tmp.resolve("once")).build()));
      texts.add(log.text());
      assertThat(log.text()).contains("wrote secret test/db", "refused secret test/db",
          "not valid base64", "secret test/db does not exist"); // it did log, and said much
    }
    for (String text : texts) {
      for (String value : VALUES) {
        assertThat(text).doesNotContain(value).doesNotContain(CrudApi.base64(value));
      }
    }
  }

  private static String thrown(KubernetesMaterializer once) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(once::syncOnce).satisfies(e -> caught[0] = e);
    StringBuilder text = new StringBuilder();
    for (Throwable t = caught[0]; t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }

  @Test
  void diskBackedDirectory_warns() throws Exception {
    String type = Files.getFileStore(tmp).type();
    assumeThat(type).isNotIn("tmpfs", "ramfs");
    try (CrudApi api = new CrudApi(); LogCapture log = new LogCapture()) {
      api.putSecret("db", Map.of("password", "p"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .secret("db").directory(tmp.resolve("db")).build()) {
        m.start();
      }
      assertThat(log.text()).contains("WARN", "secret test/db is written into [" + tmp.resolve("db")
          + "] on a " + type + " file system, so its values reach a disk");
    }
  }

  @Test
  void memoryBackedDirectory_doesNotWarn() throws Exception {
    Path shm = Path.of("/dev/shm");
    assumeThat(Files.isDirectory(shm) && Files.isWritable(shm)
        && Files.getFileStore(shm).type().equals("tmpfs")).isTrue();
    Path dir = Files.createTempDirectory(shm, "reloadwatch-test-");
    try (CrudApi api = new CrudApi(); LogCapture log = new LogCapture()) {
      api.putSecret("db", Map.of("password", "p"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .secret("db").directory(dir).build()) {
        m.start();
      }
      assertThat(log.text()).contains("wrote secret test/db").doesNotContain("reach a disk");
    } finally {
      ConfigMapFixture.deleteTree(dir);
    }
  }
}
