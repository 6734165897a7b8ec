package io.github.reloadwatch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Expands references in a template: {@code ${NAME}} from the environment, {@code ${file:/path}}
 * from a file (a mounted Secret; one trailing newline is dropped), {@code ${NAME:-default}} and
 * {@code ${file:/path:-default}} with a default used when the value is unset or empty, and
 * <code>$${</code> for a literal <code>${</code>. Anything else, such as Prometheus' {@code ${1}} in a relabel
 * replacement, is left as it is.
 *
 * <p>Error messages name the template, line and variable, never a value. Stateless and thread-safe.
 */
final class TemplateRenderer {

  /** Raised in strict mode for a reference without a value. */
  static final class UnresolvedReferenceException extends Exception {
    private static final long serialVersionUID = 1L;

    UnresolvedReferenceException(String message) {
      super(message);
    }
  }

  /** What a render produced. */
  record Result(byte[] output, int substitutions, List<String> unresolved) {}

  private final Function<String, String> environment;
  private final boolean strict;

  TemplateRenderer(Function<String, String> environment, boolean strict) {
    this.environment = environment;
    this.strict = strict;
  }

  Result render(String template, String templateName) throws UnresolvedReferenceException {
    StringBuilder out = new StringBuilder(template.length());
    List<String> unresolved = new ArrayList<>();
    int substitutions = 0;
    int line = 1;
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '\n') {
        line++;
      }
      if (c == '$' && template.startsWith("$${", i)) {
        out.append("${");
        i += 3;
        continue;
      }
      if (c == '$' && template.startsWith("${", i)) {
        int close = template.indexOf('}', i + 2);
        Reference ref = close < 0 ? null : Reference.parse(template.substring(i + 2, close));
        if (ref != null) {
          String value = resolve(ref, templateName, line);
          if (value == null) {
            if (strict) {
              throw new UnresolvedReferenceException(
                  templateName + ":" + line + ": " + ref.describe()
                      + " has no value and no default: set it, give a default with ${"
                      + ref.raw() + ":-default}, or escape a literal with $${");
            }
            unresolved.add(templateName + ":" + line + " " + ref.describe());
            out.append(template, i, close + 1);
          } else {
            out.append(value);
            substitutions++;
          }
          i = close + 1;
          continue;
        }
      }
      out.append(c);
      i++;
    }
    return new Result(out.toString().getBytes(StandardCharsets.UTF_8), substitutions, unresolved);
  }

  private String resolve(Reference ref, String templateName, int line)
      throws UnresolvedReferenceException {
    String value;
    if (ref.file() != null) {
      try {
        value = Files.readString(ref.file(), StandardCharsets.UTF_8);
        if (value.endsWith("\n")) {
          value = value.substring(0, value.length() - 1);
        }
      } catch (NoSuchFileException e) {
        value = null;
      } catch (IOException e) {
        throw new UnresolvedReferenceException(
            templateName + ":" + line + ": cannot read " + ref.describe() + " (" + e.getClass()
                .getSimpleName() + "): make it readable by this process");
      }
    } else {
      value = environment.apply(ref.name());
    }
    if (value == null || value.isEmpty()) {
      return ref.defaultValue(); // null when there is no default
    }
    return value;
  }

  /** One {@code ${...}} reference. */
  private record Reference(String raw, String name, Path file, String defaultValue) {

    static Reference parse(String body) {
      String target = body;
      String defaultValue = null;
      int dash = body.indexOf(":-", body.startsWith("file:") ? 5 : 0);
      if (dash >= 0) {
        target = body.substring(0, dash);
        defaultValue = body.substring(dash + 2);
      }
      if (target.startsWith("file:")) {
        String path = target.substring(5);
        if (path.isEmpty() || !path.startsWith("/")) {
          return null;
        }
        try {
          return new Reference(target, null, Path.of(path), defaultValue);
        } catch (RuntimeException e) {
          return null;
        }
      }
      if (!target.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        return null; // ${1}, ${ x }: not ours
      }
      return new Reference(target, target, null, defaultValue);
    }

    String describe() {
      return file != null ? "file reference [" + file + "]" : "variable ${" + name + "}";
    }
  }

  /** Reads template bytes, decompressing {@code .gz} templates. */
  static String decode(byte[] bytes, Path template) throws IOException {
    if (template.getFileName().toString().endsWith(".gz")) {
      try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes));
          ByteArrayOutputStream out = new ByteArrayOutputStream()) {
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
      }
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
