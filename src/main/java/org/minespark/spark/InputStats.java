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
 * <li>for every pair (x dimension i, y dimension j), when there are at most {@link #MAX_PAIRS}
 *     pairs: the co-moment {@code C_ij = Σ (x_i − mean x_i)(y_j − mean y_j)} with Welford's
 *     bivariate update and Chan et al.'s pairwise merge, giving the Pearson correlation.</li>
 * </ul>
 * An optional per-dimension scale (exact powers of two) is applied to every value first; it is used
 * for a second pass when values are so large (or small) that their squares overflow (underflow) a
 * double. Mergeable; not thread-safe.
 */
final class InputStats implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Distinct values tracked per dimension; more means "continuous". */
    static final int DISTINCT_CAP = 64;
    /** Largest dx * dy for which pairwise co-moments are kept. */
    static final int MAX_PAIRS = 4096;

    final ColumnStats base;
    final long[] badByColumn;
    final double[] min;
    final double[] max;
    private final int dx;
    private final int dy;
    private final double[] scale;
    private final boolean pairs;
    private long n;
    private final double[] mean;
    private final double[] m2;
    private final double[] co; // dx * dy, row-major in x
    private final double[][] distinct;
    private final int[] nDistinct; // DISTINCT_CAP + 1 means "more than the cap"
    private transient double[] delta;

    InputStats(int columns, int dx, int dy, double[] scale) {
        int dims = dx + dy;
        this.base = new ColumnStats(dims);
        this.badByColumn = new long[columns];
        this.dx = dx;
        this.dy = dy;
        this.scale = scale;
        this.min = new double[dims];
        this.max = new double[dims];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        this.pairs = (long) dx * dy <= MAX_PAIRS;
        this.mean = new double[dims];
        this.m2 = new double[dims];
        this.co = new double[pairs ? dx * dy : 0];
        this.distinct = new double[dims][]; // allocated on first use, dropped once past the cap
        this.nDistinct = new int[dims];
    }

    boolean hasPairs() {
        return pairs;
    }

    /** Counts a row dropped because selected column {@code column} was null, NaN or infinite. */
    void addDropped(int column) {
        base.addDropped();
        badByColumn[column]++;
    }

    /** Adds a valid row (finite values, x dimensions first). {@code v} is scaled in place. */
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
        for (int i = 0; i < v.length; i++) {
            double d = v[i] - mean[i];
            delta[i] = d;
            mean[i] += d / n;
            m2[i] += d * (v[i] - mean[i]);
            if (v[i] < min[i]) {
                min[i] = v[i];
            }
            if (v[i] > max[i]) {
                max[i] = v[i];
            }
            trackDistinct(i, v[i]);
        }
        if (pairs) {
            for (int i = 0; i < dx; i++) {
                double di = delta[i];
                int o = i * dy;
                for (int j = 0; j < dy; j++) {
                    co[o + j] += di * (v[dx + j] - mean[dx + j]);
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
        if (o.n == 0) {
            return this;
        }
        long total = n + o.n;
        double w = (double) n * o.n / total;
        if (pairs) {
            for (int i = 0; i < dx; i++) {
                double di = o.mean[i] - mean[i];
                for (int j = 0; j < dy; j++) {
                    double dj = o.mean[dx + j] - mean[dx + j];
                    co[i * dy + j] += o.co[i * dy + j] + di * dj * w;
                }
            }
        }
        for (int i = 0; i < mean.length; i++) {
            double d = o.mean[i] - mean[i];
            mean[i] += d * o.n / total;
            m2[i] += o.m2[i] + d * d * w;
        }
        n = total;
        return this;
    }

    /** Distinct values of dimension i, or {@code DISTINCT_CAP + 1} for "more than the cap". */
    int distinct(int i) {
        return nDistinct[i];
    }

    /** Pearson correlation of x dimension i and y dimension j (NaN if undefined or not kept). */
    double correlation(int i, int j) {
        if (!pairs) {
            return Double.NaN;
        }
        double den = Math.sqrt(m2[i]) * Math.sqrt(m2[dx + j]);
        return den > 0 ? co[i * dy + j] / den : Double.NaN;
    }
}
