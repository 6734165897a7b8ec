package io.github.reloadwatch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Expands references in a template: {@code ${NAME}} from the environment, {@code ${file:/path}}
 * from a file (a mounted Secret; one trailing newline is dropped), {@code ${NAME:-default}} and
 * {@code ${file:/path:-default}} with a default used when the value is unset or empty, and
 * <code>$${</code> for a literal <code>${</code>. Anything else, such as Prometheus' {@code ${1}} in a relabel
 * replacement, is left as it is.
 *
 * <p>What a template may read is decided by the operator, not the template: a {@link RenderAccess}
 * allow-list of variables and of files or directories. A reference outside it is an error, never a
 * silent default, since whoever can edit a template (a ConfigMap) must not be able to read the
 * service account token or another Secret into a config that the target then serves back.
 *
 * <p>Error messages name the template, line and variable, never a value. Stateless and thread-safe.
 */
final class TemplateRenderer {

  /** A template that cannot be rendered; the message names the template and line, no value. */
  static class TemplateException extends Exception {
    private static final long serialVersionUID = 1L;

    TemplateException(String message) {
      super(message);
    }
  }

  /** Raised in strict mode for a reference without a value. */
  static final class UnresolvedReferenceException extends TemplateException {
    private static final long serialVersionUID = 1L;

    UnresolvedReferenceException(String message) {
      super(message);
    }
  }

  /**
   * What a render produced: the output, how many references were substituted, the references
   * left unresolved (tolerant mode), and the substituted values, to redact from output shown to
   * people.
   */
  record Result(byte[] output, int substitutions, List<String> unresolved, Set<String> values) {}

  private final Function<String, String> environment;
  private final RenderAccess access;
  private final boolean strict;
  private final TemplateSyntax syntax;

  TemplateRenderer(Function<String, String> environment, RenderAccess access, boolean strict,
      TemplateSyntax syntax) {
    this.environment = environment;
    this.access = access;
    this.strict = strict;
    this.syntax = syntax;
  }

  /** A renderer of {@code ${...}} that may read every variable of {@code environment} and file. */
  TemplateRenderer(Function<String, String> environment, boolean strict) {
    this(environment, RenderAccess.ALL, strict, TemplateSyntax.DOLLAR_BRACES);
  }

  Result render(String template, String templateName) throws TemplateException {
    StringBuilder out = new StringBuilder(template.length());
    List<String> unresolved = new ArrayList<>();
    Set<String> values = new LinkedHashSet<>();
    int substitutions = 0;
    int line = 1;
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '\n') {
        line++;
      }
      boolean braces = syntax == TemplateSyntax.DOLLAR_BRACES;
      if (braces && c == '$' && template.startsWith("$${", i)) {
        out.append("${");
        i += 3;
        continue;
      }
      if (c == '$' && template.startsWith(braces ? "${" : "$(", i)) {
        int close = template.indexOf(braces ? '}' : ')', i + 2);
        Reference ref = close < 0 ? null : braces
            ? Reference.parse(template.substring(i + 2, close))
            : Reference.variable(template.substring(i + 2, close));
        if (ref != null) {
          String value = resolve(ref, templateName, line);
          if (value == null) {
            if (strict) {
              throw new UnresolvedReferenceException(
                  templateName + ":" + line + ": " + ref.describe() + (ref.parentheses()
                      ? " has no value: set it"
                      : " has no value and no default: set it, give a default with ${"
                          + ref.raw() + ":-default}, or escape a literal with $${"));
            }
            unresolved.add(templateName + ":" + line + " " + ref.describe());
            out.append(template, i, close + 1);
          } else {
            out.append(value);
            values.add(value);
            substitutions++;
          }
          i = close + 1;
          continue;
        }
      }
      out.append(c);
      i++;
    }
    return new Result(out.toString().getBytes(StandardCharsets.UTF_8), substitutions, unresolved,
        values);
  }

  private String resolve(Reference ref, String templateName, int line) throws TemplateException {
    String where = templateName + ":" + line + ": ";
    String value;
    if (ref.file() != null) {
      if (!access.allowsFile(ref.file())) {
        throw new TemplateException(where + ref.describe() + " is outside the files templates may"
            + " read: allow it or its directory with renderAllowFile(...) (sidecar:"
            + " --render-allow-file)");
      }
      try {
        value = Files.readString(ref.file(), StandardCharsets.UTF_8);
        if (value.endsWith("\n")) {
          value = value.substring(0, value.length() - 1);
        }
      } catch (NoSuchFileException e) {
        value = null;
      } catch (IOException e) {
        throw new TemplateException(where + "cannot read " + ref.describe() + " ("
            + e.getClass().getSimpleName() + "): make it readable by this process");
      }
    } else {
      if (!access.allowsVariable(ref.name())) {
        throw new TemplateException(where + ref.describe() + " is not among the variables"
            + " templates may read: allow it with renderAllowEnv(\"" + ref.name() + "\") or a"
            + " prefix such as \"" + prefixOf(ref.name()) + "*\" (sidecar: --render-allow-env)");
      }
      value = environment.apply(ref.name());
    }
    if (value == null || value.isEmpty()) {
      return ref.defaultValue(); // null when there is no default
    }
    return value;
  }

  private static String prefixOf(String name) {
    int underscore = name.indexOf('_');
    return underscore > 0 ? name.substring(0, underscore + 1) : name;
  }

  /** One {@code ${...}} reference. */
  private record Reference(String raw, String name, Path file, String defaultValue,
      boolean parentheses) {

    Reference(String raw, String name, Path file, String defaultValue) {
      this(raw, name, file, defaultValue, false);
    }

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

    /** A bare {@code $(NAME)}: a variable, no default, no file. */
    static Reference variable(String body) {
      return body.matches("[A-Za-z_][A-Za-z0-9_]*")
          ? new Reference(body, body, null, null, true) : null;
    }

    String describe() {
      return file != null ? "file reference [" + file + "]"
          : parentheses ? "variable $(" + name + ")" : "variable ${" + name + "}";
    }
  }

  /**
   * The text of a template: decompressed if its name ends in {@code .gz}, so that recompressing
   * the same text changes nothing.
   *
   * @throws IOException if a {@code .gz} template is not valid gzip
   */
  static byte[] text(byte[] bytes, Path template) throws IOException {
    if (template.getFileName().toString().endsWith(".gz")) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        return in.readAllBytes();
      }
    }
    return bytes;
  }

  /**
   * Reads a template's bytes as text: decompressed ({@link #text}) and decoded ({@link #utf8}).
   *
   * @throws IOException if a {@code .gz} template is not valid gzip
   * @throws TemplateException if the text is not UTF-8
   */
  static String decode(byte[] bytes, Path template) throws IOException, TemplateException {
    return utf8(text(bytes, template), template);
  }

  /**
   * Decodes a template's text as UTF-8, refusing bytes that are not: a replaced character would
   * silently change the config.
   *
   * @throws TemplateException if the text is not UTF-8
   */
  static String utf8(byte[] text, Path template) throws TemplateException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(text))
          .toString();
    } catch (CharacterCodingException e) {
      throw new TemplateException("[" + template + "] is not valid UTF-8: save it as UTF-8");
    }
  }
}
