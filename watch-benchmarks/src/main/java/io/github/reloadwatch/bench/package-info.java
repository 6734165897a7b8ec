/**
 * The end-to-end timing harness and soak mode of reloadwatch; see {@link
 * io.github.reloadwatch.bench.Main} and {@code watch-benchmarks/README.md}.
 */
package io.github.reloadwatch.bench;
