package io.github.reloadwatch;

/**
 * How references are written in templates given to {@link ReloadWatcher.Builder#addRender}.
 *
 * @since 0.1.0
 */
public enum TemplateSyntax {
  /**
   * {@code ${NAME}}, {@code ${file:/path}}, {@code ${NAME:-default}} and <code>$${</code> for a literal:
   * reloadwatch's own. Anything else, such as Prometheus' {@code ${1}}, is left alone.
   */
  DOLLAR_BRACES,
  /**
   * {@code $(NAME)} from the environment only, as prometheus-operator's config reloader writes it
   * ({@code --config-envsubst-file}); {@code ${...}} is left alone.
   */
  DOLLAR_PARENTHESES
}
