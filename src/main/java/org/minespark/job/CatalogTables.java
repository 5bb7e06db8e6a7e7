package org.minespark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Tables of the session's catalog: {@code --table NAME} as the input and {@code --results-table NAME}
 * for the results. The results table is partitioned by {@code run_date}; a run replaces only its own
 * date's partition (dynamic partition overwrite), so re-running a night is idempotent. Whatever
 * catalog the session is configured with (Spark's built-in one, Hive, Delta, Iceberg: see
 * docs/deployment.md) resolves the names.
 */
final class CatalogTables {
    static final String RUN_DATE = "run_date";

    private CatalogTables() {
    }

    private static boolean exists(SparkSession spark, String name, String flag) {
        try {
            return spark.catalog().tableExists(name);
        } catch (RuntimeException e) { // a name that does not parse
            throw new IllegalArgumentException(flag + " " + name + ": not a table name: " + Jobs.rootMessage(e), e);
        }
    }

    /** The input table {@code name}; a table the catalog does not know is an input error naming it. */
    static Dataset<Row> read(SparkSession spark, String name) {
        if (!exists(spark, name, "--table")) {
            throw new InputDataException("--table " + name + ": no such table in the session's catalog (current "
                    + "database '" + spark.catalog().currentDatabase() + "'; tables there: " + tables(spark) + ")");
        }
        return spark.table(name);
    }

    private static String tables(SparkSession spark) {
        List<String> names = spark.catalog().listTables().select("name").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /** The results table's schema: the results columns and {@code run_date} (a date, the partition column). */
    static StructType schema() {
        return PairsOutput.SCHEMA.add(RUN_DATE, DataTypes.DateType, false);
    }

    /**
     * Before any work: an existing results table must have every results column with the same type,
     * else the error names the first column that differs.
     */
    static void checkResults(SparkSession spark, String name) {
        if (name == null || !exists(spark, name, "--results-table")) {
            return;
        }
        StructType have = spark.table(name).schema();
        for (StructField f : schema().fields()) {
            int i = Arrays.asList(have.fieldNames()).indexOf(f.name());
            if (i < 0 || !have.fields()[i].dataType().sameType(f.dataType())) {
                throw new OutputException("--results-table " + name + ": " + (i < 0 ? "has no column " + f.name()
                        : "column " + f.name() + " is " + have.fields()[i].dataType().simpleString() + ", expected "
                        + f.dataType().simpleString()) + "; write to a new table or migrate this one");
            }
        }
    }

    /** Appends this run's rows as the {@code run_date} partition, replacing only an earlier write of the same date. */
    static void write(SparkSession spark, String name, LocalDate runDate, List<Row> rows) {
        Dataset<Row> df = spark.createDataFrame(rows, PairsOutput.SCHEMA)
                .withColumn(RUN_DATE, lit(java.sql.Date.valueOf(runDate)));
        try {
            if (!exists(spark, name, "--results-table")) {
                df.write().format("parquet").partitionBy(RUN_DATE).saveAsTable(name);
                return;
            }
            List<Column> order = new ArrayList<>();
            for (String c : spark.table(name).columns()) {
                order.add(Arrays.asList(df.columns()).contains(c) ? col(c) : lit(null).as(c));
            }
            // the writer option alone does not reach a v1 table's insert: the session setting does, for this write only
            String key = "spark.sql.sources.partitionOverwriteMode";
            String before = spark.conf().get(key, "static");
            spark.conf().set(key, "dynamic");
            try {
                df.select(order.toArray(new Column[0])).write().mode(SaveMode.Overwrite)
                        .option("partitionOverwriteMode", "dynamic").insertInto(name);
            } finally {
                spark.conf().set(key, before);
            }
        } catch (RuntimeException e) {
            throw new OutputException("--results-table " + name + ": cannot write the run of " + runDate + ": "
                    + Jobs.rootMessage(e), e);
        }
    }
}
