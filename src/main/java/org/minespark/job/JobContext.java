package org.minespark.job;

import java.io.PrintStream;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * What a subcommand needs from its caller: where to print, and a SparkSession started only when a
 * command actually needs one ({@code --help} and usage errors never start Spark). Not thread-safe.
 */
final class JobContext {
    private final Function<String, SparkSession> factory;
    private SparkSession spark;
    final PrintStream out;
    final PrintStream err;

    /**
     * @param factory builds the session; its argument is the subcommand name (for the app name)
     */
    JobContext(Function<String, SparkSession> factory, PrintStream out, PrintStream err) {
        this.factory = factory;
        this.out = out;
        this.err = err;
    }

    SparkSession spark(String command) {
        if (spark == null) {
            spark = factory.apply(command);
        }
        return spark;
    }

    /** The session if one was started, else null. */
    SparkSession started() {
        return spark;
    }
}
