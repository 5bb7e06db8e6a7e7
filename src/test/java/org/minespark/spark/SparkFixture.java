package org.minespark.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session shared by the Spark tests of a JVM (created on first use, stopped at exit). */
public final class SparkFixture {
    private static SparkSession session;

    private SparkFixture() {
    }

    public static synchronized SparkSession local2() {
        // another test class may have stopped it (getOrCreate hands out the active session)
        if (session == null || session.sparkContext().isStopped()) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("mine-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
            SparkSession created = session;
            Runtime.getRuntime().addShutdownHook(new Thread(created::stop));
        }
        return session;
    }
}
