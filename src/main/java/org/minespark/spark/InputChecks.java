package org.minespark.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.minespark.spec.MineInputException;
import org.minespark.spec.MineSpec;
import org.minespark.core.ColumnStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input checks of a plan (one pair or many) and the standardisation they produce, from one
 * distributed pass over the wide row of every selected column ({@link InputStats}; a second pass only when some dimension must
 * be rescaled):
 * <ul>
 * <li>too few usable rows ({@link MineRunner#MIN_ROWS}) after dropping null/NaN/infinite ones: an
 *     error; dropped rows: a warning naming the offending columns;</li>
 * <li>values whose squares overflow or underflow a double: rescanned at an exact power-of-two
 *     scale per dimension (deviation outside [1e-140, 1e140]);</li>
 * <li>constant dimensions: a warning each for the pairs they belong to; every x or every y
 *     dimension of a pair constant means I(X; Y) = 0 exactly for that pair ({@link #constant},
 *     reported without training);</li>
 * <li>an x and a y dimension of a pair in an exact affine relation ({@code |rho| >= 1 - }
 *     {@link MineRunner#UNBOUNDED_TOLERANCE}): unbounded MI for continuous values ({@link #unbounded}:
 *     an estimate fails with it, {@code pairs} reports it for that pair), a warning when either has
 *     few distinct values.</li>
 * </ul>
 * Problems with all rows are {@link MineInputException}s.
 */
final class InputChecks {
    private static final Logger LOG = LoggerFactory.getLogger(InputChecks.class);

    private final ColumnStats stats;
    private final double[] mean;
    private final double[] invStd;
    private final List<String> warnings;
    private final String[] constant;
    private final String[] unbounded;
    private final List<List<String>> pairWarnings;
    private final InputStats full;

    private InputChecks(ColumnStats stats, double[] mean, double[] invStd, List<String> warnings, String[] constant,
                        String[] unbounded, List<List<String>> pairWarnings, InputStats full) {
        this.full = full;
        this.stats = stats;
        this.mean = mean;
        this.invStd = invStd;
        this.warnings = warnings;
        this.constant = constant;
        this.unbounded = unbounded;
        this.pairWarnings = pairWarnings;
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

    /** The run's warnings (dropped rows; mutable: later stages append theirs). */
    List<String> warnings() {
        return warnings;
    }

    /** Why pair m has I(X; Y) = 0 exactly (a side is constant), or null. */
    String constant(int m) {
        return constant[m];
    }

    /** Why pair m has unbounded mutual information (an exact affine relation), or null. */
    String unbounded(int m) {
        return unbounded[m];
    }

    /** Pair m's warnings (constant dimensions, exact relations of discrete dimensions). */
    List<String> pairWarnings(int m) {
        return pairWarnings.get(m);
    }

    /**
     * Rows where a column of pair m is missing (null, NaN or infinite): 0 unless the layout is
     * {@link RowLayout#pairwise()}, whose rows are kept for the other pairs.
     */
    long pairMissing(int m) {
        return full.pairMissing == null ? 0 : full.pairMissing[m];
    }

    /** Rows where column c (of the layout's names) is missing; 0 unless the layout is pairwise. */
    long columnMissing(int c) {
        return full.columnMissing == null ? 0 : full.columnMissing[c];
    }

    /** Rows with a missing value in at least one column; 0 unless the layout is pairwise. */
    long incompleteRows() {
        return full.incompleteRows;
    }

    /** Pair m's complete rows (both sides present) over the valid rows: 1 when none is missing. */
    double completeShare(int m) {
        long valid = stats.valid();
        return valid == 0 ? 0 : (double) (valid - pairMissing(m)) / valid;
    }

    /**
     * Runs the checks over {@code rows} of the selected columns.
     *
     * @throws MineInputException for too few usable rows or an unrepresentable range
     */
    static InputChecks run(JavaRDD<Row> rows, Plan plan) {
        final RowLayout lay = plan.layout();
        String[] names = lay.names();
        final int dims = lay.width();
        int[][] cross = InputStats.crossPairs(plan.xDims(), plan.yDims());
        // pass 1: counts and moments, plus the statistics of the input checks
        int[][] pairColumns = pairColumns(plan);
        InputStats full = statsPass(rows, lay, cross, null, pairColumns);
        ColumnStats stats = full.base;
        if (stats.rows() == 0) {
            throw new MineInputException("the input has no rows; nothing to estimate (at least " + MineSpec.MIN_ROWS
                    + " rows are needed)");
        }
        if (stats.valid() == 0) {
            throw new MineInputException("all " + stats.rows() + " rows have a null, NaN or infinite value in a selected"
                    + " column (rows per first offending column: " + dropSummary(names, full.badByColumn)
                    + "); nothing to estimate");
        }
        if (stats.valid() < MineSpec.MIN_ROWS) {
            throw new MineInputException("only " + stats.valid() + " usable rows (" + stats.rows() + " read, "
                    + stats.dropped() + " dropped for null/NaN/Inf in the selected columns " + String.join(", ", names)
                    + "); at least " + MineSpec.MIN_ROWS + " are needed to train and evaluate the estimate on held-out rows");
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
                        lay.dimName(i), num(big), num(sd), -Math.getExponent(big));
            }
        }
        if (scale != null) {
            full = statsPass(rows, lay, cross, scale, pairColumns);
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
                    throw new MineInputException("column '" + names[lay.columnOfDim(i)] + "': values from "
                            + num(full.min[i] / scale[i]) + " to " + num(full.max[i] / scale[i])
                            + " span more than a double can hold after centring; expected values whose range is below 1e308");
                }
            }
        }
        LOG.info("input: {} rows, {} dropped (null/NaN/Inf), {} dimensions, {} pair(s)", stats.rows(), stats.dropped(),
                dims, plan.pairs().stream().filter(p -> p.replicate() == 0).count()); // replicates: one pair

        int n = plan.size();
        String[] constant = new String[n];
        String[] unbounded = new String[n];
        List<List<String>> pairWarnings = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            pairWarnings.add(new ArrayList<>());
        }
        // constant dimensions: all of a pair's x or all of its y constant means I(X; Y) = 0 exactly
        for (int m = 0; m < n; m++) {
            Plan.Pair p = plan.pairs().get(m);
            List<String> constX = constants(p.xDims(), full, scale, lay);
            List<String> constY = constants(p.yDims(), full, scale, lay);
            if (constX.size() == p.xDims().length || constY.size() == p.yDims().length) {
                boolean xs = constX.size() == p.xDims().length;
                constant[m] = "every " + (xs ? "x" : "y") + " dimension is constant (" + String.join(", ",
                        xs ? constX : constY) + " in all " + stats.valid() + " usable rows): I(X; Y) = 0 exactly;"
                        + " reported without training";
                continue;
            }
            for (String c : constX) {
                pairWarnings.get(m).add("x dimension " + c + " is constant: it carries no information");
            }
            for (String c : constY) {
                pairWarnings.get(m).add("y dimension " + c + " is constant: it carries no information");
            }
        }

        // an x and a y dimension of a pair in an exact affine relation: unbounded MI for continuous data
        if (!full.hasPairs()) {
            LOG.info("{} x/y dimension pairs: the exact-dependence check is skipped (at most {} pairs)",
                    cross[0].length, InputStats.MAX_PAIRS);
        }
        java.util.Map<Long, Integer> crossIndex = new java.util.HashMap<>();
        for (int k = 0; k < full.crossPairs(); k++) {
            crossIndex.put(((long) full.crossA(k) << 32) | (full.crossB(k) & 0xffffffffL), k);
        }
        for (int m = 0; m < n && full.hasPairs(); m++) {
            if (constant[m] != null) {
                continue;
            }
            Plan.Pair p = plan.pairs().get(m);
            for (int i : p.xDims()) {
                for (int yd : p.yDims()) {
                    double rho = full.correlation(crossIndex.get(((long) i << 32) | (yd & 0xffffffffL)));
                    if (!(Math.abs(rho) >= 1 - MineRunner.UNBOUNDED_TOLERANCE)) {
                        continue;
                    }
                    String what = "y " + lay.dimName(yd) + " is an exact affine function of x " + lay.dimName(i)
                            + " (correlation " + String.format(Locale.ROOT, "%.12f", rho) + " over " + stats.valid()
                            + " rows)";
                    int k = Math.min(full.distinct(i), full.distinct(yd));
                    if (k > InputStats.DISTINCT_CAP) {
                        if (unbounded[m] == null) {
                            unbounded[m] = "mutual information is unbounded: " + what
                                    + "; for continuous values I(X; Y) is infinite and no estimate is meaningful."
                                    + " Remove one of the two columns, or add noise if that is what you meant to measure";
                        }
                    } else {
                        pairWarnings.get(m).add(what + " with only " + k + " distinct values: MI is finite (at most ln "
                                + k + " = " + num(Math.log(k)) + " nats)");
                    }
                }
            }
        }
        for (String w : warnings) {
            LOG.warn(w);
        }
        return new InputChecks(stats, mean, invStd, warnings, constant, unbounded, pairWarnings, full);
    }

    /** Per pair, the columns (indices in the layout's names) of its dimensions; null unless the layout is pairwise. */
    private static int[][] pairColumns(Plan plan) {
        if (!plan.layout().pairwise()) {
            return null;
        }
        int[][] out = new int[plan.size()][];
        for (int m = 0; m < out.length; m++) {
            Plan.Pair p = plan.pairs().get(m);
            out[m] = java.util.stream.IntStream.concat(java.util.Arrays.stream(p.xDims()), java.util.Arrays.stream(p.yDims()))
                    .map(plan.layout()::columnOfDim).distinct().toArray();
        }
        return out;
    }

    /** "name = value" of the constant dimensions among {@code dims}. */
    private static List<String> constants(int[] dims, InputStats full, double[] scale, RowLayout lay) {
        List<String> out = new ArrayList<>();
        for (int i : dims) {
            if (full.min[i] == full.max[i]) {
                out.add(lay.dimName(i) + " = " + num(full.min[i] / (scale == null ? 1.0 : scale[i])));
            }
        }
        return out;
    }

    /** One pass over the rows for counts, moments and the checks' statistics ({@code scale} may be null). */
    static InputStats statsPass(JavaRDD<Row> rows, RowLayout lay, int[][] cross, double[] scale) {
        return statsPass(rows, lay, cross, scale, null);
    }

    /**
     * As {@link #statsPass(JavaRDD, RowLayout, int[][], double[])}, also counting the rows missing
     * each column and each pair ({@code pairColumns[m]}: pair m's columns) when that is not null.
     */
    static InputStats statsPass(JavaRDD<Row> rows, RowLayout lay, int[][] cross, double[] scale, int[][] pairColumns) {
        final int columns = lay.names().length;
        final int dims = lay.width();
        final int[] ca = cross[0];
        final int[] cb = cross[1];
        final int[] firstDim = pairColumns == null ? null : firstDims(lay);
        return Merge.ordered(rows.mapPartitions((Iterator<Row> it) -> {
            InputStats s = empty(columns, dims, ca, cb, scale, firstDim, pairColumns);
            double[] v = new double[dims];
            while (it.hasNext()) {
                int bad = lay.firstInvalid(it.next(), v);
                if (bad < 0) {
                    s.add(v);
                } else {
                    s.addDropped(bad);
                }
            }
            return Collections.singletonList(s).iterator();
        }), empty(columns, dims, ca, cb, scale, firstDim, pairColumns), InputStats::merge, Integer.MAX_VALUE);
    }

    private static InputStats empty(int columns, int dims, int[] ca, int[] cb, double[] scale, int[] firstDim,
                                    int[][] pairColumns) {
        InputStats s = new InputStats(columns, dims, ca, cb, scale);
        return firstDim == null ? s : s.withMissing(firstDim, pairColumns);
    }

    /** Per column of the layout, its first dimension (a missing column has every dimension NaN). */
    private static int[] firstDims(RowLayout lay) {
        int[] first = new int[lay.names().length];
        java.util.Arrays.fill(first, -1);
        for (int k = lay.width() - 1; k >= 0; k--) {
            first[lay.columnOfDim(k)] = k;
        }
        return first;
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
