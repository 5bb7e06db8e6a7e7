package org.minespark.api;

import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.minespark.core.FeatureTable;
import org.minespark.core.SyntheticTasks;
import org.minespark.spark.SyntheticData;

/**
 * Tables with a known mutual information, for tests, demos and accuracy runs: a
 * {@link SyntheticTasks.Task} generated lazily on Spark. Row {@code i} depends only on
 * {@code (task, seed, i)}, so the same seed gives the same table for any number of partitions.
 */
public final class Datasets {
    private Datasets() {
    }

    /**
     * A lazily generated table of {@code rows} rows of {@code task}.
     *
     * @param partitions number of partitions, or 0 for the session's default parallelism
     */
    public static Dataset<Row> synthetic(SparkSession spark, SyntheticTasks.Task task, long rows, long seed,
                                         int partitions) {
        return SyntheticData.generate(spark, task, rows, seed, partitions);
    }

    /**
     * A lazily generated feature table with planted dependencies ({@code generate --task feature-table}).
     *
     * @param partitions number of partitions, or 0 for the session's default parallelism
     */
    public static Dataset<Row> featureTable(SparkSession spark, FeatureTable table, long rows, int partitions) {
        return SyntheticData.generate(spark, table, rows, partitions);
    }

    /** The x column names of the task's table: {@code x} for array columns, else {@code x0..x(dx-1)}. */
    public static List<String> xColumns(SyntheticTasks.Task task) {
        return SyntheticData.xColumns(task);
    }

    /** The y column names of the task's table: {@code y} for array columns, else {@code y0..y(dy-1)}. */
    public static List<String> yColumns(SyntheticTasks.Task task) {
        return SyntheticData.yColumns(task);
    }
}
