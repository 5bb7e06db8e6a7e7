package org.minespark.job;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;

/**
 * The outputs of {@code pairs} under {@code --out DIR}:
 * <ul>
 * <li>{@code DIR/results/run_date=YYYY-MM-DD/*.parquet}: the results table, partitioned by run
 *     date. A run writes its partition into a hidden sibling {@code .run_date=D.tmp-*} (ignored by
 *     readers) and swaps it in by rename; an existing partition of the same date is moved aside
 *     first and deleted after. Other dates are never touched; a failure before the swap leaves the
 *     table as it was.</li>
 * <li>{@code DIR/reports/run_date=YYYY-MM-DD/}: {@code pairs.csv}, {@code pairs.json},
 *     {@code pairs.png} (heatmap for all pairs, ranked bar chart vs targets) and {@code drift.csv},
 *     written all at once ({@link OutputDir}).</li>
 * </ul>
 */
final class PairsOutput {
    static final String TABLE = "results";
    static final String REPORTS = "reports";
    static final String PARTITION = "run_date=";

    /**
     * The columns of the results table, pairs.csv and pairs.json, in order (docs/cli.md describes
     * them). Estimates and significance values are null (empty in the CSV) when there is none.
     */
    static final StructType SCHEMA = new StructType()
            .add("pair", DataTypes.StringType, false)
            .add("x", DataTypes.StringType, false)
            .add("y", DataTypes.StringType, false)
            .add("segment", DataTypes.StringType, true)
            .add("mi_nats", DataTypes.DoubleType, true)
            .add("mi_bits", DataTypes.DoubleType, true)
            .add("ci95_low_nats", DataTypes.DoubleType, true)
            .add("ci95_high_nats", DataTypes.DoubleType, true)
            .add("rho_i", DataTypes.DoubleType, true)
            .add("mrmr_rank", DataTypes.IntegerType, true)
            .add("mrmr_score", DataTypes.DoubleType, true)
            .add("p_value", DataTypes.DoubleType, true)
            .add("q_value", DataTypes.DoubleType, true)
            .add("dependent", DataTypes.BooleanType, false)
            .add("significance_test", DataTypes.StringType, false)
            .add("null_mean_nats", DataTypes.DoubleType, true)
            .add("null_std_nats", DataTypes.DoubleType, true)
            .add("plugin_nats", DataTypes.DoubleType, true)
            .add("plugin_std_err_nats", DataTypes.DoubleType, true)
            .add("plugin_p_value", DataTypes.DoubleType, true)
            .add("plugin_coding", DataTypes.StringType, false)
            .add("n", DataTypes.LongType, false)
            .add("missing_rate", DataTypes.DoubleType, true)
            .add("n_eval", DataTypes.LongType, false)
            .add("steps", DataTypes.IntegerType, false)
            .add("best_step", DataTypes.IntegerType, false)
            .add("converged", DataTypes.BooleanType, false)
            .add("still_increasing", DataTypes.BooleanType, false)
            .add("diverged", DataTypes.BooleanType, false)
            .add("retried", DataTypes.BooleanType, false)
            .add("seconds", DataTypes.DoubleType, false)
            .add("status", DataTypes.StringType, false)
            .add("message", DataTypes.StringType, false);

    /** One result's values in {@link #SCHEMA} order (doubles: null when not finite). */
    static Object[] values(SegmentPair sp) {
        PairResult r = sp.result();
        MiResult.Significance g = r.significance();
        return new Object[] {r.pair(), r.x(), r.y(), sp.segment(), orNull(r.miNats()), orNull(r.miBits()), orNull(r.ci95Low()),
            orNull(r.ci95High()), orNull(MiResult.linfoot(r.miNats())),
            sp.mrmrRank() > 0 ? sp.mrmrRank() : null, orNull(sp.mrmrScore()), orNull(g.pValue()),
            orNull(r.qValue()), g.dependent(), g.test(), orNull(g.nullMeanNats()),
            orNull(g.nullStdNats()), orNull(r.plugIn().nats()), orNull(r.plugIn().stdErr()),
            orNull(r.plugIn().pValue()), r.plugIn().computed() ? r.plugIn().xCoding() + " ~ " + r.plugIn().yCoding() : "",
            r.n(), orNull(r.missingRate()), r.nEval(), r.steps(), r.bestStep(), r.converged(), r.stillIncreasing(),
            r.diverged(), r.retried(), r.seconds(), r.status(), r.message()};
    }

    private PairsOutput() {
    }

    /**
     * The family of the multiple-testing step, for the summary: how many pairs had a test, of how
     * many (per segment: each segment is a family of its own).
     */
    static String family(List<SegmentPair> results) {
        long tested = results.stream().filter(r -> !Double.isNaN(r.result().qValue())).count();
        long segments = results.stream().map(SegmentPair::segment).distinct().count();
        return tested + " unique pair(s) with a permutation test, of " + results.size()
                + (segments > 1 ? " (each of the " + segments + " segments a family of its own)" : "");
    }

    static Double orNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static Row toRow(SegmentPair r) {
        return RowFactory.create(values(r));
    }

    /**
     * Writes this run's partition and swaps it in: other dates untouched; on failure the table is
     * as before (a leftover hidden temp directory is harmless).
     */
    static void writePartition(SparkSession spark, FileSystem fs, Path table, LocalDate runDate, List<Row> rows) {
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFFFFFL);
        Path target = new Path(table, PARTITION + runDate);
        Path tmp = new Path(table, "." + PARTITION + runDate + ".tmp-" + suffix);
        Path old = new Path(table, "." + PARTITION + runDate + ".old-" + suffix);
        try {
            fs.mkdirs(table);
            spark.createDataFrame(rows, SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(tmp.toString());
            boolean moved = false;
            if (fs.exists(target)) {
                if (!fs.rename(target, old)) {
                    throw new OutputException("cannot move the existing partition " + target + " aside");
                }
                moved = true;
            }
            if (!fs.rename(tmp, target)) {
                if (moved) {
                    fs.rename(old, target);
                }
                throw new OutputException("cannot rename " + tmp + " to " + target);
            }
            if (moved) {
                fs.delete(old, true);
            }
        } catch (IOException e) {
            throw new OutputException("cannot write the results partition " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                fs.delete(tmp, true);
            } catch (IOException e) {
                // best effort
            }
        }
    }

    static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }

    static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String csv(List<SegmentPair> results) {
        StringBuilder sb = new StringBuilder(String.join(",", SCHEMA.fieldNames())).append('\n');
        for (SegmentPair r : results) {
            Object[] v = values(r);
            for (int i = 0; i < v.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                Object o = v[i];
                sb.append(o == null ? "" : o instanceof Double d ? num(d) : o instanceof String t ? csvField(t) : o.toString());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The columns of drift.csv (and of the drift rows of the report). */
    static final List<String> DRIFT_COLUMNS = List.of("segment", "pair", "x", "y", "baseline", "baseline_mi_nats",
            "baseline_low_nats", "baseline_high_nats", "mi_nats", "ci95_low_nats", "ci95_high_nats", "change_nats");

    /** One drift row's values in {@link #DRIFT_COLUMNS} order. */
    static Map<String, Object> driftRow(Baseline.Drift d) {
        PairResult r = d.now();
        Object[] v = {d.segment(), r.pair(), r.x(), r.y(), d.baseline(), orNull(d.ref().mi()), orNull(d.ref().low()),
            orNull(d.ref().high()), orNull(d.mi()), orNull(d.low()), orNull(d.high()), orNull(d.mi() - d.ref().mi())};
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < v.length; i++) {
            m.put(DRIFT_COLUMNS.get(i), v[i]);
        }
        return m;
    }

    static String driftCsv(List<Baseline.Drift> drift) {
        StringBuilder sb = new StringBuilder(String.join(",", DRIFT_COLUMNS)).append('\n');
        for (Baseline.Drift d : drift) {
            sb.append(String.join(",", driftRow(d).values().stream().map(o -> o == null ? ""
                    : o instanceof Double x ? num(x) : csvField(o.toString())).toList())).append('\n');
        }
        return sb.toString();
    }

    /** One result as a map of {@link #SCHEMA}'s names to its values. */
    static Map<String, Object> map(SegmentPair r) {
        Map<String, Object> m = new LinkedHashMap<>();
        String[] names = SCHEMA.fieldNames();
        Object[] v = values(r);
        for (int i = 0; i < v.length; i++) {
            m.put(names[i], v[i]);
        }
        return m;
    }

    static String json(List<SegmentPair> results, String runDate, Map<String, Object> run) {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("run_date", runDate);
        top.putAll(run);
        top.put("pairs", results.stream().map(PairsOutput::map).toList());
        return JsonWriter.toJson(top);
    }

    /**
     * Heatmap over the matrix of units (all-pairs mode): MI in nats above the diagonal (row x, column
     * y as listed), Linfoot's rho_i (the readable 0-to-1 scale) below it, both with 2 decimals.
     */
    static byte[] heatmap(List<PairResult> results, List<String> units) {
        int n = units.size();
        Number[][] z = new Number[n][n];
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < n; i++) {
            at.put(units.get(i), i);
        }
        List<Number[]> cells = new ArrayList<>();
        for (PairResult r : results) {
            Integer i = at.get(r.x());
            Integer j = at.get(r.y());
            if (i == null || j == null || !Double.isFinite(r.miNats())) {
                continue;
            }
            double v = Math.round(r.miNats() * 100) / 100.0; // shown in the cells: 2 decimals
            double rho = Math.round(MiResult.linfoot(r.miNats()) * 100) / 100.0;
            int lo = Math.min(i, j);
            int hi = Math.max(i, j);
            cells.add(new Number[] {lo, hi, v});  // y grows upwards: x index < y index is above the diagonal
            cells.add(new Number[] {hi, lo, rho});
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(640, 80 * n + 320)).height(Math.max(480, 70 * n + 160))
                .title("MI in nats (above the diagonal), rho_i (below)").build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setValueFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setRangeColors(new Color[] {new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107)});
        if (cells.isEmpty()) {
            cells.add(new Number[] {0, 0, 0.0});
        }
        chart.addSeries("MI (nats) / rho_i", units, units, cells);
        return png(chart);
    }

    /** Ranked horizontal-ish bar chart of MI vs the target(s), with the CI as error bars. */
    static byte[] ranked(List<PairResult> results) {
        List<PairResult> ok = results.stream().filter(r -> Double.isFinite(r.miNats()))
                .sorted(Comparator.comparingDouble(PairResult::miNats).reversed()).toList();
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(700, 40 * ok.size() + 200)).height(540)
                .title("Mutual information vs target, ranked (nats, 95% CI)").xAxisTitle("pair").yAxisTitle("MI (nats)").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setErrorBarsColor(Color.DARK_GRAY);
        List<String> names = new ArrayList<>();
        List<Double> mi = new ArrayList<>();
        List<Double> err = new ArrayList<>();
        for (PairResult r : ok) {
            names.add(String.format(Locale.ROOT, "%s (rho_i %.2f)", r.pair(), MiResult.linfoot(r.miNats())));
            mi.add(r.miNats());
            err.add(Math.max(r.ci95High() - r.miNats(), r.miNats() - r.ci95Low()));
        }
        if (names.isEmpty()) {
            names.add("(no estimates)");
            mi.add(0.0);
            err.add(0.0);
        }
        chart.addSeries("MI", names, mi, err);
        return png(chart);
    }

    private static byte[] png(Chart<?, ?> chart) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(64 * 1024);
        try {
            BitmapEncoder.saveBitmap(chart, bos, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }
}
