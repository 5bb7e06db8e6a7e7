package org.minespark.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.minespark.core.FeatureTable;
import org.minespark.core.CodeTasks;
import org.minespark.core.SyntheticTasks;
import scala.collection.immutable.ArraySeq;

/**
 * Builds a synthetic table from a {@link SyntheticTasks.Task}: columns {@code x0..x(d-1)},
 * {@code y0..y(d-1)}, all non-nullable {@code double} (or, for a task with
 * {@link SyntheticTasks.Task#arrayColumns() array columns}, two non-nullable {@code array<double>}
 * columns {@code x} and {@code y}; for a task of {@link SyntheticTasks.Task#stringLevels() string levels},
 * non-nullable strings), generated on the executors (nothing is
 * collected to the driver). Row {@code i} depends only on {@code (task, seed, i)} (see
 * {@link SyntheticTasks#rowRandom(long, long)}), so the same seed gives the same table for any
 * number of partitions.
 */
public final class SyntheticData {
    private SyntheticData() {
    }

    /** The x column names of the task's table: {@code x} for array columns, else {@code x0..x(dx-1)}. */
    public static List<String> xColumns(SyntheticTasks.Task task) {
        return columns("x", task.dimX(), task.arrayColumns());
    }

    /** The y column names of the task's table: {@code y} for array columns, else {@code y0..y(dy-1)}. */
    public static List<String> yColumns(SyntheticTasks.Task task) {
        return columns("y", task.dimY(), task.arrayColumns());
    }

    private static List<String> columns(String prefix, int d, boolean array) {
        if (array) {
            return List.of(prefix);
        }
        List<String> c = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            c.add(prefix + j);
        }
        return List.copyOf(c);
    }

    /**
     * The schema: {@code x0..x(dx-1)} then {@code y0..y(dy-1)}, non-nullable doubles; or
     * {@code x, y} non-nullable {@code array<double>} without null elements.
     */
    public static StructType schema(SyntheticTasks.Task task) {
        if (task.arrayColumns()) {
            DataType a = DataTypes.createArrayType(DataTypes.DoubleType, false);
            return DataTypes.createStructType(new StructField[] {
                DataTypes.createStructField("x", a, false), DataTypes.createStructField("y", a, false)});
        }
        StructField[] f = new StructField[task.dimX() + task.dimY()];
        DataType t = task.stringLevels() > 0 ? DataTypes.StringType : DataTypes.DoubleType;
        for (int j = 0; j < task.dimX(); j++) {
            f[j] = DataTypes.createStructField("x" + j, t, false);
        }
        for (int j = 0; j < task.dimY(); j++) {
            f[task.dimX() + j] = DataTypes.createStructField("y" + j, t, false);
        }
        return DataTypes.createStructType(f);
    }

    /**
     * A lazily generated table of {@code rows} rows.
     *
     * @param partitions number of partitions, or 0 for the session's default parallelism
     */
    public static Dataset<Row> generate(SparkSession spark, SyntheticTasks.Task task, long rows, long seed,
                                        int partitions) {
        StructType schema = schema(task);
        return ids(spark, rows, partitions).mapPartitions(new RowGenerator(task, seed), Encoders.row(schema));
    }

    /** The row indices {@code 0..rows−1} in {@code partitions} partitions (0 = default parallelism). */
    private static Dataset<Long> ids(SparkSession spark, long rows, int partitions) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must be >= 0 (0 = default parallelism), got " + partitions);
        }
        int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        p = (int) Math.max(1, Math.min(p, rows));
        return spark.range(0, rows, 1, p);
    }

    /**
     * The schema of a {@link FeatureTable}: its columns in order as {@code bigint}, {@code int},
     * {@code double} or {@code string}; the feature columns nullable, the ID and constant columns not.
     */
    public static StructType schema(FeatureTable table) {
        List<FeatureTable.Column> cols = table.columns();
        StructField[] f = new StructField[cols.size()];
        for (int j = 0; j < f.length; j++) {
            FeatureTable.Column c = cols.get(j);
            DataType t = switch (c.type()) {
                case DOUBLE -> DataTypes.DoubleType;
                case INTEGER -> DataTypes.IntegerType;
                case LONG -> DataTypes.LongType;
                case STRING -> DataTypes.StringType;
            };
            f[j] = DataTypes.createStructField(c.name(), t, c.role() == FeatureTable.Role.FEATURE);
        }
        return DataTypes.createStructType(f);
    }

    /**
     * A lazily generated {@link FeatureTable} of {@code rows} rows; row {@code i} depends only on
     * the table and {@code i}, so any number of partitions gives the same table.
     */
    public static Dataset<Row> generate(SparkSession spark, FeatureTable table, long rows, int partitions) {
        int width = table.columns().size();
        return ids(spark, rows, partitions).mapPartitions((MapPartitionsFunction<Long, Row>) it -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Row next() {
                Object[] values = new Object[width];
                table.fillRow(it.next(), values);
                return RowFactory.create(values);
            }
        }, Encoders.row(schema(table)));
    }

    /** Serialisable generator; holds only the task and the seed. */
    private static final class RowGenerator implements MapPartitionsFunction<Long, Row> {
        private static final long serialVersionUID = 1L;
        private final SyntheticTasks.Task task;
        private final long seed;

        RowGenerator(SyntheticTasks.Task task, long seed) {
            this.task = task;
            this.seed = seed;
        }

        @Override
        public Iterator<Row> call(Iterator<Long> ids) {
            final double[] x = new double[task.dimX()];
            final double[] y = new double[task.dimY()];
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return ids.hasNext();
                }

                @Override
                public Row next() {
                    if (!ids.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    long id = ids.next();
                    task.fillRow(SyntheticTasks.rowRandom(seed, id), x, y);
                    if (task.arrayColumns()) {
                        // a Scala Seq, the external type of array columns in a Row: Spark may pass these
                        // rows on without re-encoding them (serialise/deserialise pairs are eliminated)
                        return RowFactory.create(ArraySeq.unsafeWrapArray(x.clone()), ArraySeq.unsafeWrapArray(y.clone()));
                    }
                    Object[] values = new Object[x.length + y.length];
                    int k = task.stringLevels();
                    for (int j = 0; j < x.length; j++) {
                        values[j] = k > 0 ? CodeTasks.level((int) x[j], k) : (Object) x[j];
                    }
                    for (int j = 0; j < y.length; j++) {
                        values[x.length + j] = k > 0 ? CodeTasks.level((int) y[j], k) : (Object) y[j];
                    }
                    return RowFactory.create(values);
                }
            };
        }
    }
}
