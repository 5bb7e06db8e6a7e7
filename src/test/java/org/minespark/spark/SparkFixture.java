package org.minespark.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session shared by the Spark tests of a JVM (created on first use, stopped at exit). */
public final class SparkFixture {
    private static SparkSession session;

    private SparkFixture() {
    }

    /**
     * The shared session; a new one when the previous one was stopped (a test class that builds its
     * own session with {@code getOrCreate()} gets this one back and may stop it in its teardown).
     */
    public static synchronized SparkSession local2() {
        boolean first = session == null;
        if (first || session.sparkContext().isStopped()) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("mine-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    // catalog tables of the tests (--results-table) stay under target/, never in the source tree
                    .config("spark.sql.warehouse.dir", new java.io.File("target/spark-warehouse").getAbsolutePath())
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
            if (first) {
                Runtime.getRuntime().addShutdownHook(new Thread(SparkFixture::stopAtExit));
            }
        }
        return session;
    }

    private static synchronized void stopAtExit() {
        session.stop();
    }
}
