package org.minespark.core;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The normal-scores (Gaussian copula) marginal transform of each input dimension:
 * {@code z = Phi^-1(F(v))} with F the dimension's distribution function, estimated from a sample.
 * Mutual information is invariant under a strictly increasing map of each dimension of X and of
 * Y: such a map is a bijection of each variable, and I(f(X); g(Y)) = I(X; Y) for bijections f, g
 * (the data-processing inequality applied in both directions; Kraskov, Stoegbauer and Grassberger
 * 2004 use the same invariance under reparametrisation). So the estimate's target does not change,
 * while the critic sees Gaussian marginals instead of, say, the heavy tails of a cubed variable.
 *
 * <p>Fitted map: {@code K} knots per dimension at the sample quantiles {@code q_k} of the levels
 * {@code p_k = (k + 1/2) / K}, with scores {@code z_k = Phi^-1(p_k)}; runs of equal quantiles
 * (a discrete value) become one knot whose score is the mean of the run's scores (a mid-rank).
 * Between knots the map is linear, and beyond the outer knots it continues with the slope of the
 * outer segment, so it is strictly increasing on the whole line when a dimension has two or more
 * distinct sample values, whatever values the data outside the sample takes: the MI between the
 * transformed variables equals the MI between the raw ones exactly, not just for the sample. A
 * dimension with one distinct sample value maps everything to 0 (a constant carries no
 * information; the input checks warn about it). Immutable and thread-safe after construction.
 */
public final class NormalScores implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default number of knots per dimension. */
    public static final int DEFAULT_KNOTS = 1024;

    private final double[][] q; // distinct knot values per dimension, increasing
    private final double[][] z; // their scores, increasing

    private NormalScores(double[][] q, double[][] z) {
        this.q = q;
        this.z = z;
    }

    /**
     * Fits the map of each dimension from {@code samples[d]}, the sample values of dimension d (any
     * order, finite; at least one per dimension), with at most {@code knots} knots per dimension.
     * The arrays are sorted in place.
     */
    public static NormalScores fit(double[][] samples, int knots) {
        if (knots < 2) {
            throw new IllegalArgumentException("knots must be >= 2, got " + knots);
        }
        double[][] q = new double[samples.length][];
        double[][] z = new double[samples.length][];
        for (int d = 0; d < samples.length; d++) {
            double[] s = samples[d];
            if (s.length == 0) {
                throw new IllegalArgumentException("no sample values for dimension " + d);
            }
            Arrays.sort(s);
            int k = Math.min(knots, s.length);
            double[] qk = new double[k];
            double[] zk = new double[k];
            int m = 0;
            int i = 0;
            while (i < k) {
                double v = quantile(s, (i + 0.5) / k);
                double sum = 0;
                int j = i;
                // a run of equal quantiles (a discrete value): one knot with the run's mean score
                while (j < k && quantile(s, (j + 0.5) / k) == v) {
                    sum += inverseNormalCdf((j + 0.5) / k);
                    j++;
                }
                qk[m] = v;
                zk[m] = sum / (j - i);
                m++;
                i = j;
            }
            q[d] = Arrays.copyOf(qk, m);
            z[d] = Arrays.copyOf(zk, m);
        }
        return new NormalScores(q, z);
    }

    /**
     * Fits one map per group of dimensions and gives each dimension its group's map:
     * {@code group[d]} in {@code [0, groups)} names dimension d's group, and the group's map is fitted
     * on the pooled sample values of all its dimensions. Tensor rows use it so that feature j has the
     * same map at every position (the position-shared critic treats the positions as samples of one
     * distribution, as their pooled standardisation does). The arrays of {@code samples} are not changed.
     */
    public static NormalScores fitPooled(double[][] samples, int[] group, int groups, int knots) {
        if (group.length != samples.length) {
            throw new IllegalArgumentException(group.length + " group indices for " + samples.length + " dimensions");
        }
        int[] size = new int[groups];
        for (int d = 0; d < samples.length; d++) {
            size[group[d]] += samples[d].length;
        }
        double[][] pooled = new double[groups][];
        int[] fill = new int[groups];
        for (int g = 0; g < groups; g++) {
            pooled[g] = new double[size[g]];
        }
        for (int d = 0; d < samples.length; d++) {
            int g = group[d];
            System.arraycopy(samples[d], 0, pooled[g], fill[g], samples[d].length);
            fill[g] += samples[d].length;
        }
        NormalScores perGroup = fit(pooled, knots);
        double[][] q = new double[samples.length][];
        double[][] z = new double[samples.length][];
        for (int d = 0; d < samples.length; d++) {
            q[d] = perGroup.q[group[d]];
            z[d] = perGroup.z[group[d]];
        }
        return new NormalScores(q, z);
    }

    /** The p-quantile of sorted values, linear between order statistics (type 7 of Hyndman and Fan 1996). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double v = sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
        // never outside the two order statistics (rounding), so equal neighbours give equal quantiles
        return Math.min(Math.max(v, sorted[lo]), sorted[hi]);
    }

    public int dims() {
        return q.length;
    }

    /** Knots of dimension d (distinct sample quantiles). */
    public int knots(int d) {
        return q[d].length;
    }

    /** The score of value {@code v} of dimension {@code d}. */
    public double apply(int d, double v) {
        double[] qd = q[d];
        double[] zd = z[d];
        int m = qd.length;
        if (m == 1) {
            return 0.0;
        }
        if (v <= qd[0]) {
            return zd[0] + (v - qd[0]) * (zd[1] - zd[0]) / (qd[1] - qd[0]);
        }
        if (v >= qd[m - 1]) {
            return zd[m - 1] + (v - qd[m - 1]) * (zd[m - 1] - zd[m - 2]) / (qd[m - 1] - qd[m - 2]);
        }
        int i = Arrays.binarySearch(qd, v);
        if (i >= 0) {
            return zd[i];
        }
        int hi = -i - 1; // qd[hi - 1] < v < qd[hi]
        int lo = hi - 1;
        return zd[lo] + (v - qd[lo]) * (zd[hi] - zd[lo]) / (qd[hi] - qd[lo]);
    }

    /**
     * {@code Phi^-1(p)} for p in (0, 1): Acklam's rational approximations in the central region
     * {@code [0.02425, 0.97575]} and the two tails (relative error below 1.2e-9, far below what a
     * sample quantile resolves).
     */
    public static double inverseNormalCdf(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p must be in (0, 1), got " + p);
        }
        final double plow = 0.02425;
        if (p < plow) {
            return tail(Math.sqrt(-2 * Math.log(p)));
        }
        if (p > 1 - plow) {
            return -tail(Math.sqrt(-2 * Math.log1p(-p)));
        }
        double t = p - 0.5;
        double r = t * t;
        return (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
                + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * t
                / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
                + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1);
    }

    private static double tail(double t) {
        return (((((-7.784894002430293e-03 * t - 3.223964580411365e-01) * t - 2.400758277161838e+00) * t
                - 2.549732539343734e+00) * t + 4.374664141464968e+00) * t + 2.938163982698783e+00)
                / ((((7.784695709041462e-03 * t + 3.224671290700398e-01) * t + 2.445134137142996e+00) * t
                + 3.754408661907416e+00) * t + 1);
    }
}
