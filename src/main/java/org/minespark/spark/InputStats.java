package org.minespark.spark;

import java.io.Serializable;
import java.util.Arrays;

import org.minespark.core.ColumnStats;

/**
 * The statistics pass over the selected columns: the {@link ColumnStats} the standardisation uses
 * (updated exactly as before, so valid input gives bit-identical means and deviations) plus what
 * the input checks need:
 * <ul>
 * <li>per dimension: minimum and maximum (a dimension is constant iff they are equal) and up to
 *     {@link #DISTINCT_CAP} distinct values (to tell discrete from continuous data);</li>
 * <li>per selected column: rows dropped because that column was the first null/NaN/infinite one;</li>
 * <li>for every cross pair k of dimensions (a_k, b_k) the plan asks for (an x and a y dimension of
 *     one of its pairs), when there are at most {@link #MAX_PAIRS} of them: the co-moment
 *     {@code C_k = Σ (v_a − mean v_a)(v_b − mean v_b)} with Welford's bivariate update and Chan et
 *     al.'s pairwise merge, giving the Pearson correlation.</li>
 * </ul>
 * An optional per-dimension scale (exact powers of two) is applied to every value first; it is used
 * for a second pass when values are so large (or small) that their squares overflow (underflow) a
 * double. Mergeable; not thread-safe.
 * <p>
 * Rows of a pairwise layout ({@link RowLayout#pairwise()}) may hold NaN: the dimensions of a
 * column missing in that row. Then each dimension's moments, range and distinct values are over
 * the rows where it is present; a cross pair with a dimension missing in some row gets a NaN
 * co-moment (no exact-dependence verdict: the pair's own run on its complete rows decides it);
 * and, with {@link #withMissing}, the pass counts the rows missing each column and each pair.
 * Rows without NaN are added with the arithmetic of a table without missing values.
 */
final class InputStats implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Distinct values tracked per dimension; more means "continuous". */
    static final int DISTINCT_CAP = 64;
    /** Largest number of cross pairs for which co-moments are kept. */
    static final int MAX_PAIRS = 4096;

    final ColumnStats base;
    final long[] badByColumn;
    final double[] min;
    final double[] max;
    private final int[] ca;
    private final int[] cb;
    private final double[] scale;
    private final boolean pairs;
    private long n;
    private final double[] mean;
    private final double[] m2;
    private final double[] co; // one per cross pair
    private final double[][] distinct;
    private final int[] nDistinct; // DISTINCT_CAP + 1 means "more than the cap"
    private final long[] nd; // per dimension: rows where it is present (not NaN)
    private int[] columnFirstDim; // per column: its first dimension (null: no missing-value counts)
    private int[][] pairColumns; // per pair: the columns of its two sides
    /** Per column: rows where it is missing (pairwise layouts only). */
    long[] columnMissing;
    /** Per pair: rows where one of its columns is missing (pairwise layouts only). */
    long[] pairMissing;
    /** Rows with a missing value in at least one column (pairwise layouts only). */
    long incompleteRows;
    private transient double[] delta;
    private transient boolean[] missingScratch;

    /**
     * @param columns selected columns (for the drop counts)
     * @param dims    dimensions of a row
     * @param ca      first dimension of every cross pair (same length as {@code cb})
     * @param cb      second dimension of every cross pair
     * @param scale   per-dimension scale applied first, or null
     */
    InputStats(int columns, int dims, int[] ca, int[] cb, double[] scale) {
        this.base = new ColumnStats(dims);
        this.badByColumn = new long[columns];
        this.scale = scale;
        this.min = new double[dims];
        this.max = new double[dims];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        this.pairs = ca.length <= MAX_PAIRS;
        this.ca = pairs ? ca : new int[0];
        this.cb = pairs ? cb : new int[0];
        this.mean = new double[dims];
        this.m2 = new double[dims];
        this.co = new double[this.ca.length];
        this.distinct = new double[dims][]; // allocated on first use, dropped once past the cap
        this.nDistinct = new int[dims];
        this.nd = new long[dims];
    }

    /**
     * Counts missing values too: a column is missing in a row when its first dimension is NaN
     * ({@code columnFirstDim[c]}), a pair when one of its columns is ({@code pairColumns[m]}).
     */
    InputStats withMissing(int[] columnFirstDim, int[][] pairColumns) {
        this.columnFirstDim = columnFirstDim;
        this.pairColumns = pairColumns;
        this.columnMissing = new long[columnFirstDim.length];
        this.pairMissing = new long[pairColumns.length];
        return this;
    }

    /** Statistics with the cross pairs of x dimensions {@code [0, dx)} and y dimensions {@code [dx, dx + dy)}, x major. */
    static InputStats ofXY(int columns, int dx, int dy, double[] scale) {
        int[][] c = crossPairs(new int[][] {range(0, dx)}, new int[][] {range(dx, dx + dy)});
        return new InputStats(columns, dx + dy, c[0], c[1], scale);
    }

    static int[] range(int from, int to) {
        int[] r = new int[Math.max(0, to - from)];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /**
     * The cross pairs (x dimension, y dimension) of every pair m, x major, in pair order, each
     * distinct pair once ({@code {a, b}} arrays).
     */
    static int[][] crossPairs(int[][] xDims, int[][] yDims) {
        java.util.LinkedHashSet<Long> seen = new java.util.LinkedHashSet<>();
        for (int m = 0; m < xDims.length; m++) {
            for (int a : xDims[m]) {
                for (int b : yDims[m]) {
                    seen.add(((long) a << 32) | (b & 0xffffffffL));
                }
            }
        }
        int[] ca = new int[seen.size()];
        int[] cb = new int[seen.size()];
        int k = 0;
        for (long v : seen) {
            ca[k] = (int) (v >>> 32);
            cb[k++] = (int) v;
        }
        return new int[][] {ca, cb};
    }

    boolean hasPairs() {
        return pairs;
    }

    /** Counts a row dropped because selected column {@code column} was null, NaN or infinite. */
    void addDropped(int column) {
        base.addDropped();
        badByColumn[column]++;
    }

    /** Adds a valid row (finite values, or NaN for a missing dimension; x dimensions first). {@code v} is scaled in place. */
    void add(double[] v) {
        if (scale != null) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= scale[i];
            }
        }
        base.add(v);
        n++;
        if (delta == null) {
            delta = new double[v.length];
        }
        boolean anyMissing = false;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                anyMissing = true;
                continue;
            }
            long k = ++nd[i];
            double d = v[i] - mean[i];
            delta[i] = d;
            mean[i] += d / k;
            m2[i] += d * (v[i] - mean[i]);
            if (v[i] < min[i]) {
                min[i] = v[i];
            }
            if (v[i] > max[i]) {
                max[i] = v[i];
            }
            trackDistinct(i, v[i]);
        }
        for (int k = 0; k < co.length; k++) {
            // a NaN operand (a dimension missing in this row) makes the co-moment NaN for good
            co[k] += (Double.isNaN(v[ca[k]]) ? Double.NaN : delta[ca[k]]) * (v[cb[k]] - mean[cb[k]]);
        }
        if (anyMissing && columnFirstDim != null) {
            countMissing(v);
        }
    }

    private void countMissing(double[] v) {
        if (missingScratch == null) {
            missingScratch = new boolean[columnFirstDim.length];
        }
        boolean[] miss = missingScratch;
        boolean any = false;
        for (int c = 0; c < miss.length; c++) {
            miss[c] = columnFirstDim[c] >= 0 && Double.isNaN(v[columnFirstDim[c]]);
            if (miss[c]) {
                columnMissing[c]++;
                any = true;
            }
        }
        if (!any) {
            return;
        }
        incompleteRows++;
        for (int m = 0; m < pairColumns.length; m++) {
            for (int c : pairColumns[m]) {
                if (miss[c]) {
                    pairMissing[m]++;
                    break;
                }
            }
        }
    }

    private void trackDistinct(int i, double v) {
        int k = nDistinct[i];
        if (k > DISTINCT_CAP) {
            return;
        }
        double[] seen = distinct[i];
        if (seen == null) {
            seen = new double[DISTINCT_CAP];
            distinct[i] = seen;
        }
        for (int t = 0; t < k; t++) {
            if (seen[t] == v) {
                return;
            }
        }
        if (k == DISTINCT_CAP) {
            nDistinct[i] = DISTINCT_CAP + 1;
            distinct[i] = null;
        } else {
            seen[k] = v;
            nDistinct[i] = k + 1;
        }
    }

    InputStats merge(InputStats o) {
        base.merge(o.base);
        for (int c = 0; c < badByColumn.length; c++) {
            badByColumn[c] += o.badByColumn[c];
        }
        for (int i = 0; i < min.length; i++) {
            min[i] = Math.min(min[i], o.min[i]);
            max[i] = Math.max(max[i], o.max[i]);
            for (int t = 0; t < Math.min(o.nDistinct[i], DISTINCT_CAP) && o.distinct[i] != null; t++) {
                trackDistinct(i, o.distinct[i][t]);
            }
            if (o.nDistinct[i] > DISTINCT_CAP) {
                nDistinct[i] = DISTINCT_CAP + 1;
                distinct[i] = null;
            }
        }
        if (columnMissing != null) {
            for (int c = 0; c < columnMissing.length; c++) {
                columnMissing[c] += o.columnMissing[c];
            }
            for (int m = 0; m < pairMissing.length; m++) {
                pairMissing[m] += o.pairMissing[m];
            }
            incompleteRows += o.incompleteRows;
        }
        if (o.n == 0) {
            return this;
        }
        long total = n + o.n;
        double w = (double) n * o.n / total;
        // (a co-moment with a dimension missing somewhere is NaN on one side, so NaN after the merge;
        // otherwise both dimensions are present in every row and their counts are n and o.n)
        for (int k = 0; k < co.length; k++) {
            co[k] += o.co[k] + (o.mean[ca[k]] - mean[ca[k]]) * (o.mean[cb[k]] - mean[cb[k]]) * w;
        }
        for (int i = 0; i < mean.length; i++) {
            long a = nd[i];
            long b = o.nd[i];
            if (b == 0) {
                continue;
            }
            long t = a + b;
            double d = o.mean[i] - mean[i];
            mean[i] += d * b / t;
            m2[i] += o.m2[i] + d * d * (a == n && b == o.n ? w : (double) a * b / t);
            nd[i] = t;
        }
        n = total;
        return this;
    }

    /** Distinct values of dimension i, or {@code DISTINCT_CAP + 1} for "more than the cap". */
    int distinct(int i) {
        return nDistinct[i];
    }

    /** Cross pairs kept (0 when there were more than {@link #MAX_PAIRS}). */
    int crossPairs() {
        return co.length;
    }

    /** First dimension of cross pair k. */
    int crossA(int k) {
        return ca[k];
    }

    /** Second dimension of cross pair k. */
    int crossB(int k) {
        return cb[k];
    }

    /** Pearson correlation of cross pair k (NaN if undefined). */
    double correlation(int k) {
        double den = Math.sqrt(m2[ca[k]]) * Math.sqrt(m2[cb[k]]);
        return den > 0 ? co[k] / den : Double.NaN;
    }
}
