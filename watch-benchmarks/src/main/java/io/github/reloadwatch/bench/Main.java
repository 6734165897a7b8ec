package io.github.reloadwatch.bench;

import java.util.Arrays;

/**
 * The one entry point of {@code benchmarks.jar}:
 *
 * <pre>
 * java -jar benchmarks.jar harness [--scenarios 1,2,3,4,5,6,7] [--reps 50] [--idle-seconds 20] ...
 * java -jar benchmarks.jar soak [--minutes 5] [--rate 10]
 * java -jar benchmarks.jar kubernetes [--updates 100] [--debounce-ms 100] [--poll-ms 100]
 * java -jar benchmarks.jar sidecar [--runs 5] [--changes 10] [--configs http,signal,api]
 * java -jar benchmarks.jar jmh [JMH options, e.g. HashingBenchmark -f 1]
 * </pre>
 *
 * <p>See {@code watch-benchmarks/README.md} for every option and the method.
 */
public final class Main {

  private Main() {}

  /**
   * Runs a subcommand.
   *
   * @param args the subcommand ({@code harness}, {@code soak}, {@code kubernetes}, {@code sidecar}
   *     or {@code jmh})
   *     and its options
   * @throws Exception if a scenario fails to run
   */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // the library logs every reload at INFO: keep the harness output to WARN and above
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    if (args.length == 0) {
      usage();
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "harness" -> new Harness(Harness.Options.parse(rest), System.out).run();
      case "soak" -> Soak.run(rest, System.out);
      case "kubernetes" -> KubernetesBench.run(rest, System.out);
      case "sidecar" -> SidecarBench.run(rest, System.out);
      case "jmh" -> org.openjdk.jmh.Main.main(rest);
      case "child" -> Child.main(rest);
      default -> usage();
    }
  }

  private static void usage() {
    System.out.println("usage: java -jar benchmarks.jar harness|soak|kubernetes|sidecar|jmh [options]"
        + " (see watch-benchmarks/README.md)");
  }
}
