package io.github.reloadwatch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * watch-bom lists every published module at the reactor's version: a module of the root pom is
 * published unless it sets {@code maven.deploy.skip} or is an application (watch-sidecar, shipped
 * as an image), and the BOM has no parent, so importing it pins nothing but reloadwatch.
 */
class BomTest {

  /** Applications: built and shipped, never a dependency. */
  private static final Set<String> APPLICATIONS = Set.of("watch-sidecar");

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  @Test
  void bom_listsEveryPublishedModule_atTheReactorVersion() throws Exception {
    // given
    Document root = parse(ROOT.resolve("pom.xml"));
    Document bom = parse(ROOT.resolve("watch-bom/pom.xml"));
    String version = text(root.getDocumentElement(), "version");

    // when
    Set<String> published = new TreeSet<>();
    for (String module : children(child(root.getDocumentElement(), "modules"), "module")) {
      Document pom = parse(ROOT.resolve(module).resolve("pom.xml"));
      Element project = pom.getDocumentElement();
      String packaging = text(project, "packaging");
      Element properties = child(project, "properties");
      boolean skipped = properties != null
          && "true".equals(text(properties, "maven.deploy.skip"));
      if (!skipped && !"pom".equals(packaging)
          && !APPLICATIONS.contains(text(project, "artifactId"))) {
        published.add(text(project, "artifactId"));
      }
    }
    Set<String> listed = new TreeSet<>();
    Element managed = child(child(bom.getDocumentElement(), "dependencyManagement"),
        "dependencies");
    for (Element dependency : elements(managed, "dependency")) {
      listed.add(text(dependency, "artifactId"));
      assertThat(text(dependency, "groupId")).isEqualTo("io.github.reloadwatch");
      assertThat(text(dependency, "version")).isEqualTo("${project.version}");
    }

    // then
    assertThat(published).contains("watch-core", "watch-prometheus", "watch-micrometer");
    assertThat(listed).containsAll(published).doesNotContainAnyElementsOf(APPLICATIONS)
        .doesNotContain("watch-examples", "watch-benchmarks", "watch-bom");
    for (String artifact : listed) {
      assertThat(ROOT.resolve(artifact).resolve("pom.xml")).as("module of %s", artifact)
          .exists();
    }
    assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(version);
    assertThat(child(bom.getDocumentElement(), "parent")).as("the BOM's parent").isNull();
    assertThat(text(bom.getDocumentElement(), "packaging")).isEqualTo("pom");
  }

  private static Document parse(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try (var in = Files.newInputStream(pom)) {
      return factory.newDocumentBuilder().parse(in);
    }
  }

  private static List<Element> elements(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    if (parent != null) {
      NodeList nodes = parent.getChildNodes();
      for (int i = 0; i < nodes.getLength(); i++) {
        if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE
            && nodes.item(i).getNodeName().equals(name)) {
          found.add((Element) nodes.item(i));
        }
      }
    }
    return found;
  }

  private static Element child(Element parent, String name) {
    List<Element> found = elements(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<String> children(Element parent, String name) {
    return elements(parent, name).stream().map(e -> e.getTextContent().strip()).toList();
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().strip();
  }
}
