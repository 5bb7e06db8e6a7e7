package org.minespark.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.minespark.api.MineInputException;
import org.minespark.core.ColumnStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input checks of an estimate and the standardisation they produce, from one distributed
 * pass over the selected columns ({@link InputStats}; a second pass only when some dimension must
 * be rescaled):
 * <ul>
 * <li>too few usable rows ({@link MineRunner#MIN_ROWS}) after dropping null/NaN/infinite ones: an
 *     error; dropped rows: a warning naming the offending columns;</li>
 * <li>values whose squares overflow or underflow a double: rescanned at an exact power-of-two
 *     scale per dimension (deviation outside [1e-140, 1e140]);</li>
 * <li>constant dimensions: a warning each; every x or every y dimension constant means
 *     I(X; Y) = 0 exactly ({@link #allConstant()}, reported without training);</li>
 * <li>an x and a y dimension in an exact affine relation ({@code |rho| >= 1 - }
 *     {@link MineRunner#UNBOUNDED_TOLERANCE}): unbounded MI for continuous values (an error), a
 *     warning when either has few distinct values.</li>
 * </ul>
 * Data problems are {@link MineInputException}s.
 */
final class InputChecks {
    private static final Logger LOG = LoggerFactory.getLogger(MineRunner.class);

    private final ColumnStats stats;
    private final double[] mean;
    private final double[] invStd;
    private final List<String> warnings;
    private final boolean allConstant;

    private InputChecks(ColumnStats stats, double[] mean, double[] invStd, List<String> warnings, boolean allConstant) {
        this.stats = stats;
        this.mean = mean;
        this.invStd = invStd;
        this.warnings = warnings;
        this.allConstant = allConstant;
    }

    /** Row counts and per-dimension moments (after any rescaling). */
    ColumnStats stats() {
        return stats;
    }

    /** Per-dimension mean in the input's units: standardised value = (v - mean) * invStd. */
    double[] mean() {
        return mean;
    }

    /** Per-dimension 1 / deviation (1 for a constant dimension). */
    double[] invStd() {
        return invStd;
    }

    /** The warnings so far (mutable: later stages append theirs). */
    List<String> warnings() {
        return warnings;
    }

    /** Every x or every y dimension is constant: I(X; Y) = 0 exactly. */
    boolean allConstant() {
        return allConstant;
    }

    /**
     * Runs the checks over {@code rows} of the selected columns.
     *
     * @throws MineInputException for too few usable rows, an unrepresentable range or unbounded MI
     */
    static InputChecks run(JavaRDD<Row> rows, ColumnLayout layout) {
        final ColumnLayout lay = layout;
        String[] names = layout.names();
        final int dims = layout.dx() + layout.dy();
        // pass 1: counts and moments, plus the statistics of the input checks
        InputStats full = statsPass(rows, lay, names.length, null);
        ColumnStats stats = full.base;
        if (stats.rows() == 0) {
            throw new MineInputException("the input has no rows; nothing to estimate (at least " + MineRunner.MIN_ROWS
                    + " rows are needed)");
        }
        if (stats.valid() == 0) {
            throw new MineInputException("all " + stats.rows() + " rows have a null, NaN or infinite value in a selected"
                    + " column (rows per first offending column: " + dropSummary(names, full.badByColumn)
                    + "); nothing to estimate");
        }
        if (stats.valid() < MineRunner.MIN_ROWS) {
            throw new MineInputException("only " + stats.valid() + " usable rows (" + stats.rows() + " read, "
                    + stats.dropped() + " dropped for null/NaN/Inf); at least " + MineRunner.MIN_ROWS
                    + " are needed to train and evaluate the estimate on held-out rows");
        }
        List<String> warnings = new ArrayList<>();
        if (stats.dropped() > 0) {
            warnings.add("dropped " + stats.dropped() + " of " + stats.rows() + " rows with a null, NaN or infinite value"
                    + " (rows per first offending column: " + dropSummary(names, full.badByColumn) + ")");
        }

        // values whose squares overflow or underflow a double: rescan at an exact power-of-two scale
        double[] scale = null;
        for (int i = 0; i < dims; i++) {
            double sd = stats.std(i);
            if (full.max[i] > full.min[i] && !(sd >= 1 / MineRunner.SCALE_LIMIT && sd <= MineRunner.SCALE_LIMIT)) {
                if (scale == null) {
                    scale = new double[dims];
                    java.util.Arrays.fill(scale, 1.0);
                }
                double big = Math.max(Math.abs(full.max[i]), Math.abs(full.min[i]));
                scale[i] = Math.scalb(1.0, -Math.getExponent(big));
                LOG.info("dimension {} has values up to {} in magnitude (deviation {}): rescanning it scaled by 2^{}",
                        layout.dimName(i), num(big), num(sd), -Math.getExponent(big));
            }
        }
        if (scale != null) {
            full = statsPass(rows, lay, names.length, scale);
            stats = full.base;
        }
        double[] mean = new double[dims];
        double[] invStd = new double[dims];
        for (int i = 0; i < dims; i++) {
            if (scale == null) {
                mean[i] = stats.mean(i);
                double sd = stats.std(i);
                invStd[i] = sd > 0 ? 1.0 / sd : 1.0;
            } else {
                mean[i] = stats.mean(i) / scale[i];
                double sd = stats.std(i);
                invStd[i] = sd > 0 ? scale[i] / sd : 1.0;
                double lo = (full.min[i] / scale[i] - mean[i]) * invStd[i];
                double hi = (full.max[i] / scale[i] - mean[i]) * invStd[i];
                if (!(Double.isFinite(mean[i]) && Double.isFinite(invStd[i]) && Double.isFinite(lo) && Double.isFinite(hi))) {
                    throw new MineInputException("column '" + names[layout.columnOfDim(i)] + "': values from "
                            + num(full.min[i] / scale[i]) + " to " + num(full.max[i] / scale[i])
                            + " span more than a double can hold after centring; expected values whose range is below 1e308");
                }
            }
        }
        LOG.info("input: {} rows, {} dropped (null/NaN/Inf), x has {} dims, y has {} dims",
                stats.rows(), stats.dropped(), layout.dx(), layout.dy());

        // constant dimensions: all of x or all of y constant means I(X; Y) = 0 exactly
        List<String> constX = new ArrayList<>();
        List<String> constY = new ArrayList<>();
        for (int i = 0; i < dims; i++) {
            if (full.min[i] == full.max[i]) {
                String d = layout.dimName(i) + " = " + num(full.min[i] / (scale == null ? 1.0 : scale[i]));
                (i < layout.dx() ? constX : constY).add(d);
            }
        }
        if (constX.size() == layout.dx() || constY.size() == layout.dy()) {
            boolean xs = constX.size() == layout.dx();
            warnings.add("every " + (xs ? "x" : "y") + " dimension is constant (" + String.join(", ", xs ? constX : constY)
                    + " in all " + stats.valid() + " usable rows): I(X; Y) = 0 exactly; reported without training");
            LOG.warn(warnings.get(warnings.size() - 1));
            return new InputChecks(stats, mean, invStd, warnings, true);
        }
        for (String c : constX) {
            warnings.add("x dimension " + c + " is constant: it carries no information");
        }
        for (String c : constY) {
            warnings.add("y dimension " + c + " is constant: it carries no information");
        }

        // an x and a y dimension in an exact affine relation: unbounded MI for continuous data
        if (!full.hasPairs()) {
            LOG.info("{} x {} dimension pairs: the exact-dependence check is skipped (at most {} pairs)",
                    layout.dx(), layout.dy(), InputStats.MAX_PAIRS);
        }
        for (int i = 0; i < layout.dx(); i++) {
            for (int j = 0; j < layout.dy(); j++) {
                double rho = full.correlation(i, j);
                if (!(Math.abs(rho) >= 1 - MineRunner.UNBOUNDED_TOLERANCE)) {
                    continue;
                }
                int yd = layout.dx() + j;
                String what = "y " + layout.dimName(yd) + " is an exact affine function of x " + layout.dimName(i)
                        + " (correlation " + String.format(Locale.ROOT, "%.12f", rho) + " over " + stats.valid() + " rows)";
                int k = Math.min(full.distinct(i), full.distinct(yd));
                if (k > InputStats.DISTINCT_CAP) {
                    throw new MineInputException("mutual information is unbounded: " + what
                            + "; for continuous values I(X; Y) is infinite and no estimate is meaningful."
                            + " Remove one of the two columns, or add noise if that is what you meant to measure");
                }
                warnings.add(what + " with only " + k + " distinct values: MI is finite (at most ln " + k + " = "
                        + num(Math.log(k)) + " nats)");
            }
        }
        for (String w : warnings) {
            LOG.warn(w);
        }
        return new InputChecks(stats, mean, invStd, warnings, false);
    }

    /** One pass over the rows for counts, moments and the checks' statistics ({@code scale} may be null). */
    static InputStats statsPass(JavaRDD<Row> rows, ColumnLayout lay, int columns, double[] scale) {
        final int dx = lay.dx();
        final int dy = lay.dy();
        return Merge.ordered(rows.mapPartitions((Iterator<Row> it) -> {
            InputStats s = new InputStats(columns, dx, dy, scale);
            double[] v = new double[dx + dy];
            while (it.hasNext()) {
                int bad = lay.firstInvalid(it.next(), v);
                if (bad < 0) {
                    s.add(v);
                } else {
                    s.addDropped(bad);
                }
            }
            return Collections.singletonList(s).iterator();
        }), new InputStats(columns, dx, dy, scale), InputStats::merge, Integer.MAX_VALUE);
    }

    /** "a: 3, b: 2" for the columns with dropped rows. */
    private static String dropSummary(String[] names, long[] bad) {
        List<String> parts = new ArrayList<>();
        for (int c = 0; c < names.length; c++) {
            if (bad[c] > 0) {
                parts.add("'" + names[c] + "': " + bad[c]);
            }
        }
        return String.join(", ", parts);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
