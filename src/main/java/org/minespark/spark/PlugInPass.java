package org.minespark.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.spark.api.java.JavaRDD;
import org.minespark.core.FloatBlock;
import org.minespark.core.PlugInMi;
import org.minespark.core.SpecialFunctions;
import org.minespark.spec.PlugIn;

/**
 * The plug-in estimate beside MINE ({@link PlugIn}) for every pair of a plan whose x and y are one
 * dimension each, from two passes over the cached training rows (the transformed values):
 * <ol>
 * <li>the distinct values of each such dimension, up to {@link #MAX_LEVELS};</li>
 * <li>one contingency table per pair ({@link PlugInMi}), merged on the driver.</li>
 * </ol>
 * A dimension is coded per distinct value when it has at most {@link #MAX_LEVELS} of them and at
 * least {@link #ROWS_PER_CELL} rows per value (a category code, a boolean, a string level; the
 * transform maps distinct inputs to distinct values, so the levels are the input's); else in B
 * equal-frequency bins, {@code floor(Phi(z) B)} of its normal score z (the default transform makes
 * the bins equal-frequency; under {@code standardize} they are Gaussian-quantile bins), with B the
 * largest number in [2, {@link #MAX_BINS}] that keeps {@link #ROWS_PER_CELL} rows per cell of the
 * table. Memory: the distinct values of the dimensions and the occupied cells of the tables,
 * never the rows. A row where a side of the pair is missing (NaN: a pairwise run's rows) is left
 * out of that pair's table, so each table is over the pair's complete rows; the level and bin
 * counts use the pair's share of complete rows.
 */
final class PlugInPass {
    /** The most distinct values a dimension coded per value may have. */
    static final int MAX_LEVELS = 4096;
    /** The fewest rows per level, and per cell of a table with a binned side. */
    static final int ROWS_PER_CELL = 10;
    /** The most bins of a continuous side. */
    static final int MAX_BINS = 40;

    private PlugInPass() {
    }

    /** How one side of a pair is coded: one scalar dimension (per value or binned), or a one-hot column's dimensions. */
    private record Side(int[] dims, boolean oneHot) implements java.io.Serializable {
    }

    /** The side of {@code dims}: one scalar dimension, or every dimension of one one-hot column; else null. */
    private static Side side(int[] dims, RowLayout lay) {
        int c0 = lay.columnOfDim(dims[0]);
        if (lay.encoded(c0) && Arrays.stream(dims).allMatch(d -> lay.columnOfDim(d) == c0)) {
            // a per-value encoded column: its first dimension (the value, or the string's level index) codes it
            return new Side(new int[] {Arrays.stream(dims).min().getAsInt()}, false);
        }
        if (dims.length == 1 && !lay.oneHot(lay.columnOfDim(dims[0]))) {
            return new Side(dims, false);
        }
        int c = lay.columnOfDim(dims[0]);
        for (int d : dims) {
            if (lay.columnOfDim(d) != c) {
                return null;
            }
        }
        return lay.oneHot(c) ? new Side(dims, true) : null;
    }

    /** The plug-in estimate of each pair of {@code plan} ({@link PlugIn#NONE} where a side has several dimensions). */
    static PlugIn[] run(JavaRDD<FloatBlock> blocks, Plan plan, long rows) {
        return run(blocks, plan, rows, null);
    }

    /**
     * As {@link #run(JavaRDD, Plan, long)}, with {@code completeShare[m]} the share of the rows
     * where pair m's columns are all present (null: every row).
     */
    static PlugIn[] run(JavaRDD<FloatBlock> blocks, Plan plan, long allRows, double[] completeShare) {
        int total = plan.pairs().size();
        PlugIn[] out = new PlugIn[total];
        Arrays.fill(out, PlugIn.NONE);
        List<Integer> eligible = new ArrayList<>();
        List<Side[]> sides = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        for (int m = 0; m < total; m++) {
            Plan.Pair p = plan.pairs().get(m);
            Side xs = plan.positions() == 1 ? side(p.xDims(), plan.layout()) : null;
            Side ys = plan.positions() == 1 ? side(p.yDims(), plan.layout()) : null;
            if (xs != null && ys != null) {
                eligible.add(m);
                sides.add(new Side[] {xs, ys});
                for (int d : xs.dims()) {
                    used.add(d);
                }
                for (int d : ys.dims()) {
                    used.add(d);
                }
            }
        }
        if (eligible.isEmpty() || allRows < 2) {
            return out;
        }
        final int[] dims = used.stream().mapToInt(Integer::intValue).sorted().toArray();
        float[][] levels = levels(blocks, dims);
        int n = eligible.size();
        final Coding[] xc = new Coding[n];
        final Coding[] yc = new Coding[n];
        for (int e = 0; e < n; e++) {
            long rows = completeShare == null ? allRows : Math.round(allRows * completeShare[eligible.get(e)]);
            xc[e] = Coding.of(sides.get(e)[0], dims, levels, rows);
            yc[e] = Coding.of(sides.get(e)[1], dims, levels, rows);
            int kx = xc[e].levelCount();
            int ky = yc[e].levelCount();
            xc[e] = kx > 0 ? xc[e] : xc[e].withBins(bins(rows, ky));
            yc[e] = ky > 0 ? yc[e] : yc[e].withBins(bins(rows, kx > 0 ? kx : xc[e].bins()));
        }
        PlugInMi[] tables = new PlugInMi[n];
        for (int[] chunk : chunks(xc, yc, allRows)) {
            // one pass per chunk over the cached blocks: a task holds the tables (and codes) of one chunk only
            Coding[] cx = Arrays.copyOfRange(xc, chunk[0], chunk[1]);
            Coding[] cy = Arrays.copyOfRange(yc, chunk[0], chunk[1]);
            PlugInMi[] part = blocks.map(b -> {
                PlugInMi[] t = new PlugInMi[cx.length];
                int w = b.dx();
                float[] x = b.x();
                for (int e = 0; e < t.length; e++) {
                    t[e] = new PlugInMi();
                    for (int r = 0; r < b.rows(); r++) {
                        if (cx[e].missing(x, r * w) || cy[e].missing(x, r * w)) {
                            continue; // not a complete row of this pair
                        }
                        t[e].add(cx[e].code(x, r * w), cy[e].code(x, r * w));
                    }
                }
                return t;
            }).reduce((a, c) -> {
                for (int e = 0; e < a.length; e++) {
                    a[e].merge(c[e]);
                }
                return a;
            });
            System.arraycopy(part, 0, tables, chunk[0], part.length);
        }
        for (int e = 0; e < n; e++) {
            PlugInMi.Estimate est = tables[e].estimate();
            String note = est.n() < (long) ROWS_PER_CELL * est.xLevels() * est.yLevels() / 4
                    ? String.format(Locale.ROOT, "%d occupied cells of %d x %d for %d rows: the Miller-Madow correction"
                    + " is first order and leaves an upward bias at this sparsity", tables[e].cells(), est.xLevels(),
                    est.yLevels(), est.n()) : "";
            out[eligible.get(e)] = new PlugIn(est.nats(), est.stdErr(), est.pValue(), xc[e].describe(),
                    yc[e].describe(), tables[e].cells(), est.n(), note);
        }
        return out;
    }

    /** Bytes of tables and codes one task may hold per chunk of pairs ({@link #chunks}). */
    static final long CHUNK_BYTES = 64L << 20;

    /**
     * Consecutive ranges {@code [from, to)} of the pairs whose contingency tables and codes fit
     * {@link #CHUNK_BYTES} together: a table of at most {@code min(kx * ky, rows)} cells takes
     * about 32 bytes per slot at up to twice that many slots (two {@code long} arrays, half full);
     * a side's codes take 4 bytes per level. At 200 columns (20 000 pairs) all tables at once took
     * several GiB and failed a 4 GiB driver; in chunks the pass costs one scan of the cached blocks
     * per chunk instead.
     */
    static List<int[]> chunks(Coding[] xc, Coding[] yc, long rows) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int e = 0; e < xc.length; e++) {
            long kx = Math.max(1, xc[e].levelCount() > 0 ? xc[e].levelCount() : xc[e].bins());
            long ky = Math.max(1, yc[e].levelCount() > 0 ? yc[e].levelCount() : yc[e].bins());
            long cells = Math.min(kx * ky, Math.max(1, rows));
            long b = 64L * Long.highestOneBit(Math.max(32, cells)) + 4L * (kx + ky) + 256;
            if (e > from && bytes + b > CHUNK_BYTES) {
                out.add(new int[] {from, e});
                from = e;
                bytes = 0;
            }
            bytes += b;
        }
        if (from < xc.length) {
            out.add(new int[] {from, xc.length});
        }
        return out;
    }

    /**
     * A side's codes: per distinct value ({@code levels}), in bins of the normal score ({@code bins}),
     * or, for a one-hot column, the index of its hot dimension ({@code hot} thresholds: the midpoint
     * of each dimension's two transformed values; the number of dimensions when none is hot).
     */
    private record Coding(int[] dims, float[] levels, int bins, float[] hot) implements java.io.Serializable {
        static Coding of(Side s, int[] all, float[][] levels, long rows) {
            if (s.oneHot()) {
                float[] hot = new float[s.dims().length];
                for (int i = 0; i < hot.length; i++) {
                    float[] l = levels[Arrays.binarySearch(all, s.dims()[i])];
                    // a one-hot dimension takes two values (after the transform: two distinct scores)
                    hot[i] = l == null || l.length < 2 ? Float.POSITIVE_INFINITY : (l[0] + l[l.length - 1]) / 2;
                }
                return new Coding(s.dims(), null, 0, hot);
            }
            return new Coding(s.dims(), discrete(levels[Arrays.binarySearch(all, s.dims()[0])], rows), 0, null);
        }

        Coding withBins(int b) {
            return new Coding(dims, null, b, null);
        }

        /** Whether the side is missing in the row (its column's dimensions are NaN). */
        boolean missing(float[] x, int row) {
            return Float.isNaN(x[row + dims[0]]);
        }

        /** Codes per value: the levels or the one-hot's dimensions (+1 for none hot); 0 for a binned side. */
        int levelCount() {
            return hot != null ? dims.length + 1 : levels != null ? levels.length : 0;
        }

        int code(float[] x, int row) {
            if (hot != null) {
                for (int i = 0; i < dims.length; i++) {
                    if (x[row + dims[i]] > hot[i]) {
                        return i;
                    }
                }
                return dims.length;
            }
            return PlugInPass.code(x[row + dims[0]], levels, bins);
        }

        String describe() {
            return hot != null ? "one-hot:" + dims.length : levels != null ? "levels:" + levels.length : "bins:" + bins;
        }
    }

    /** The sorted distinct values of each of {@code dims}, or null past {@link #MAX_LEVELS}. */
    private static float[][] levels(JavaRDD<FloatBlock> blocks, int[] dims) {
        List<float[][]> parts = blocks.map(b -> {
            float[][] out = new float[dims.length][];
            for (int i = 0; i < dims.length; i++) {
                out[i] = distinct(b.x(), b.dx(), b.rows(), dims[i], MAX_LEVELS);
            }
            return out;
        }).collect();
        float[][] merged = new float[dims.length][];
        for (int i = 0; i < dims.length; i++) {
            Set<Float> all = new HashSet<>();
            boolean over = false;
            for (float[][] p : parts) {
                if (p[i] == null) {
                    over = true;
                    break;
                }
                for (float v : p[i]) {
                    all.add(v);
                }
                if (all.size() > MAX_LEVELS) {
                    over = true;
                    break;
                }
            }
            if (!over) {
                merged[i] = new float[all.size()];
                int k = 0;
                for (float v : all) {
                    merged[i][k++] = v;
                }
                Arrays.sort(merged[i]);
            }
        }
        return merged;
    }

    /** The distinct values of column {@code d} of a row-major block of width {@code w}, or null past {@code cap}. */
    static float[] distinct(float[] x, int w, int rows, int d, int cap) {
        Set<Float> s = new HashSet<>();
        for (int r = 0; r < rows; r++) {
            float v = x[r * w + d];
            if (!Float.isNaN(v) && s.add(v) && s.size() > cap) { // NaN: missing in this row, not a value
                return null;
            }
        }
        float[] out = new float[s.size()];
        int k = 0;
        for (float v : s) {
            out[k++] = v;
        }
        return out;
    }

    /** The levels when a dimension is coded per value (few enough, and enough rows each), else null. */
    static float[] discrete(float[] levels, long rows) {
        return levels != null && levels.length >= 2 && (long) levels.length * ROWS_PER_CELL <= rows ? levels : null;
    }

    /** Bins of a continuous side against {@code other} levels or bins (0: the other side is continuous too). */
    static int bins(long rows, int other) {
        long b = other > 0 ? rows / ((long) ROWS_PER_CELL * other) : (long) Math.floor(Math.sqrt(rows / (double) ROWS_PER_CELL));
        return (int) Math.max(2, Math.min(MAX_BINS, b));
    }

    /** A value's code: its level's index, or its bin {@code floor(Phi(v) B)}. */
    static int code(float v, float[] levels, int bins) {
        if (levels != null) {
            int i = Arrays.binarySearch(levels, v);
            return i >= 0 ? i : -i - 1; // every value is a level (the levels are all values seen)
        }
        return Math.min(bins - 1, (int) Math.floor(SpecialFunctions.normalCdf(v) * bins));
    }

}
