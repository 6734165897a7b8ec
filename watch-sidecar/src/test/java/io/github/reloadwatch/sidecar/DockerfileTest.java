package io.github.reloadwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/Dockerfile, read as text (no Docker engine here): the JVM flags of its ENTRYPOINT are the
 * ones the jar tests run with, the training run that makes the AppCDS archive uses the same ones
 * (an archive dumped with other flags may not map), and what issue #16 asks of the image holds.
 */
class DockerfileTest {

  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final Path DOCKERFILE = ROOT.resolve("deploy/Dockerfile");
  static final String ARCHIVE = "/opt/reloadwatch/reloadwatch-sidecar.jsa";
  static final String JAR = "/opt/reloadwatch/reloadwatch-sidecar.jar";

  /** The words of the exec-form ENTRYPOINT. */
  static List<String> entrypoint() throws Exception {
    String line = Files.readAllLines(DOCKERFILE).stream()
        .filter(l -> l.startsWith("ENTRYPOINT [")).findFirst().orElseThrow();
    List<String> words = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(line);
    while (m.find()) {
      words.add(m.group(1));
    }
    return words;
  }

  /** The Dockerfile with its line continuations joined. */
  private static String joined() throws Exception {
    return Files.readString(DOCKERFILE).replaceAll("\\\\\\n\\s*", " ");
  }

  @Test
  void entrypoint_runsTheJarUnderTini_withTheTestedFlagsAndTheArchive() throws Exception {
    List<String> expected = new ArrayList<>(List.of("/sbin/tini", "--", "/opt/java/bin/java"));
    expected.addAll(SidecarProcess.DOCKERFILE_FLAGS);
    expected.addAll(List.of("-XX:SharedArchiveFile=" + ARCHIVE, "-Xshare:auto", "-jar", JAR));
    assertThat(entrypoint()).containsExactlyElementsOf(expected);
  }

  @Test
  void trainingRun_usesTheEntrypointsJavaJarAndFlags() throws Exception {
    Matcher run = Pattern.compile(
        "RUN /opt/reloadwatch/cds-training.sh\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+([^&]*)&&")
        .matcher(joined());
    assertThat(run.find()).as("the RUN of cds-training.sh").isTrue();
    assertThat(run.group(1)).isEqualTo("/opt/java/bin/java");
    assertThat(run.group(2)).isEqualTo(JAR);
    assertThat(run.group(3)).isEqualTo(ARCHIVE);
    assertThat(List.of(run.group(4).trim().split("\\s+")))
        .containsExactlyElementsOf(SidecarProcess.DOCKERFILE_FLAGS);
    assertThat(joined()).contains("COPY watch-sidecar/cds-training.sh /opt/reloadwatch/cds-training.sh");
  }

  /** Issue #16: the first line on stderr is the sidecar's, not "Picked up JAVA_TOOL_OPTIONS". */
  @Test
  void noJavaToolOptions_nonRootUser_tiniAndCurl() throws Exception {
    String dockerfile = joined();
    assertThat(dockerfile).doesNotContainPattern("(?m)^ENV .*JAVA_TOOL_OPTIONS")
        .doesNotContainPattern("(?m)^ENV .*JDK_JAVA_OPTIONS")
        .containsPattern("(?m)^USER 65532:65532$")
        .containsPattern("apk add --no-cache tini curl")
        .containsPattern("jlink --add-modules \\S*jdk\\.httpserver");
  }

  /** The modules given to jlink, as the Dockerfile lists them. */
  static List<String> jlinkModules() throws Exception {
    Matcher m = Pattern.compile("jlink --add-modules (\\S+)").matcher(joined());
    assertThat(m.find()).isTrue();
    return List.of(m.group(1).split(","));
  }
}
