package org.minespark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;

/**
 * The earlier runs of a results table ({@code DIR/results/run_date=D/}): one {@link Row} per
 * (run date, segment, pair), read in one Spark job over every partition but this run's date.
 * Partitions written before segments existed read with a null segment.
 */
final class ResultsHistory {
    private ResultsHistory() {
    }

    /**
     * One pair of one earlier run; {@code mi}, {@code low} and {@code high} are the estimate and
     * interval it is compared by ({@link Baseline#estimate}: MINE's, or the screen's plug-in
     * estimate for a pair that was not trained), NaN when it has none.
     *
     * @param tested the run had a verdict on the pair: a significance test, a screen that found no
     *               evidence, or a constant side (then {@code dependent} is that verdict)
     */
    record Row(LocalDate date, String segment, String pair, String x, String y, double mi, double low, double high,
               double rhoI, boolean dependent, boolean tested, String status) {
    }

    /** The run dates of the table's partitions (hidden temp partitions and foreign directories ignored). */
    static List<LocalDate> dates(FileSystem fs, Path table) {
        List<LocalDate> out = new ArrayList<>();
        try {
            if (!fs.exists(table)) {
                return out;
            }
            for (FileStatus st : fs.listStatus(table)) {
                String n = st.getPath().getName();
                if (st.isDirectory() && n.startsWith(PairsOutput.PARTITION)) {
                    try {
                        out.add(LocalDate.parse(n.substring(PairsOutput.PARTITION.length())));
                    } catch (DateTimeParseException e) {
                        // not one of ours
                    }
                }
            }
        } catch (IOException e) {
            throw new OutputException("cannot list " + table + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** Every pair of every run of {@code table} except {@code runDate}, oldest first; empty without earlier runs. */
    static List<Row> read(SparkSession spark, FileSystem fs, Path table, LocalDate runDate) {
        List<String> paths = new ArrayList<>();
        for (LocalDate d : dates(fs, table)) {
            if (!d.equals(runDate)) {
                paths.add(new Path(table, PairsOutput.PARTITION + d).toString());
            }
        }
        List<Row> out = new ArrayList<>();
        if (paths.isEmpty()) {
            return out;
        }
        Dataset<org.apache.spark.sql.Row> df = spark.read().option("mergeSchema", "true")
                .option("basePath", table.toString()).parquet(paths.toArray(new String[0]));
        List<String> names = Arrays.asList(df.columns());
        Column segment = names.contains("segment") ? col("segment") : lit(null).cast("string");
        Column rho = names.contains("rho_i") ? col("rho_i") : lit(null).cast("double");
        Column plugin = names.contains("plugin_nats") ? col("plugin_nats") : lit(null).cast("double");
        Column pluginSe = names.contains("plugin_std_err_nats") ? col("plugin_std_err_nats") : lit(null).cast("double");
        for (org.apache.spark.sql.Row r : df.select(col("run_date").cast("string"), segment, col("pair"), col("x"),
                col("y"), col("mi_nats"), col("ci95_low_nats"), col("ci95_high_nats"), rho, col("dependent"),
                col("significance_test"), col("status"), plugin, pluginSe).collectAsList()) {
            String status = r.getString(11);
            boolean tested = PairResult.SCREENED.equals(status) || PairResult.CONSTANT.equals(status)
                    || PairResult.OK.equals(status) && !MiResult.Significance.TEST_NONE.equals(r.getString(10));
            double[] e = Baseline.estimate(status, num(r, 5), num(r, 6), num(r, 7), num(r, 12), num(r, 13));
            out.add(new Row(LocalDate.parse(r.getString(0)), r.getString(1), r.getString(2), r.getString(3),
                    r.getString(4), e == null ? Double.NaN : e[0], e == null ? Double.NaN : e[1],
                    e == null ? Double.NaN : e[2], num(r, 8), r.getBoolean(9), tested, status));
        }
        out.sort((a, b) -> a.date().compareTo(b.date()));
        return out;
    }

    private static double num(org.apache.spark.sql.Row r, int i) {
        return r.isNullAt(i) ? Double.NaN : r.getDouble(i);
    }
}
