package org.minespark.job;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.minespark.spark.SparkFixture;

/**
 * Runs {@link Main#run} in-process the way the command line would, capturing stdout and stderr.
 * One instance per test (JUnit makes a new test-class instance per test method, so a field
 * initialised with {@code new CliHarness()} starts empty for every test).
 */
final class CliHarness {
    /** What the commands printed to stdout / stderr since this harness was made or {@link #reset()}. */
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs a command that may start Spark (the shared {@link SparkFixture#local2()} session). */
    int run(String... args) {
        return Main.run(args, context(true));
    }

    /** Runs a command; with {@code spark == false} the test fails if the command tries to start Spark. */
    int run(boolean spark, String... args) {
        return Main.run(args, context(spark));
    }

    /** A context for commands built directly (not through {@link Main}). */
    JobContext context(boolean spark) {
        return new JobContext(cmd -> {
            if (!spark) {
                throw new AssertionError("Spark must not be started for this command");
            }
            return SparkFixture.local2();
        }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    void reset() {
        out.reset();
        err.reset();
    }
}
