package io.github.reloadwatch;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The way from scanned files to content the target may see: render the templates in memory (the
 * reload decision is taken over those bytes), then, once a reload is decided, stage the outputs
 * next to their final place, validate, and commit them atomically, or discard them when invalid
 * or in a dry run. Used by {@code start()} (which writes the outputs before the target reads
 * them) and by every reload cycle.
 *
 * <p>Used only from the reload thread.
 */
final class ContentPipeline {

  /** The content one scan leads to: the scanned files plus the rendered outputs in memory. */
  record Prepared(Snapshot snapshot, RenderStep.Rendered rendered) {}

  private final RenderStep renderStep;
  private final List<Validator> validators;
  private final boolean dryRun;

  ContentPipeline(RenderStep renderStep, List<Validator> validators, boolean dryRun) {
    this.renderStep = renderStep;
    this.validators = List.copyOf(validators);
    this.dryRun = dryRun;
  }

  /** Whether there are templates: only then does start() run the pipeline, to write them. */
  boolean renders() {
    return !renderStep.isEmpty();
  }

  /** Whether {@link #publish} has nothing to do, so the actions can run at once. */
  boolean isPassThrough() {
    return renderStep.isEmpty() && validators.isEmpty() && !dryRun;
  }

  boolean dryRun() {
    return dryRun;
  }

  /**
   * Renders the templates in memory.
   *
   * @throws ReloadRejectedException if a reference has no value (strict mode) or is not allowed,
   *     or a template is not UTF-8: the content is invalid until it changes
   * @throws IOException if a template cannot be read
   */
  Prepared prepare(Snapshot scanned) throws ReloadRejectedException, IOException {
    if (renderStep.isEmpty()) {
      return new Prepared(scanned, null);
    }
    try {
      RenderStep.Rendered rendered = renderStep.render(scanned);
      return new Prepared(RenderStep.effective(scanned, rendered), rendered);
    } catch (TemplateRenderer.TemplateException e) {
      throw new ReloadRejectedException("cannot render: " + e.getMessage());
    }
  }

  /**
   * Stages the rendered outputs, runs the validators over them, and puts them in place; in a dry
   * run, discards them instead. Nothing is left staged when this method throws.
   *
   * @throws ReloadRejectedException if a validator refused the content
   * @throws InterruptedException if interrupted (the watcher is closing)
   * @throws Exception if staging, committing or a validator failed in a way that may pass
   */
  void publish(Prepared prepared) throws Exception {
    RenderStep.Staging staging = null;
    try {
      if (prepared.rendered() != null) {
        staging = renderStep.stage(prepared.rendered(), dryRun);
      }
      ValidationContext context = new ValidationContext(
          prepared.snapshot(), staging == null ? Map.of() : staging.staged());
      for (Validator validator : validators) {
        validator.validate(context);
      }
      if (staging != null) {
        if (dryRun) {
          staging.discard();
        } else {
          staging.commit();
        }
      }
    } catch (Exception | Error e) {
      if (staging != null) {
        staging.discard();
      }
      throw e;
    }
  }
}
