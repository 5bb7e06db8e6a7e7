package org.minespark.core;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A permutation test of independence with a fixed, already trained critic T, accumulated over
 * held-out rows (mergeable, one instance per partition).
 *
 * <p>Test statistic: the mean critic score on the observed pairs, {@code S = mean_i T(x_i, y_i)}.
 * Null replicates: the same mean on re-paired rows, {@code S_k = mean_i T(x_i, y_{g_k(i)})}, where
 * within every chunk of randomly ordered held-out rows {@code g_k} is a cyclic shift drawn
 * uniformly from all shifts of the chunk, the identity included (InfoNCE: of each group); see
 * {@link PartitionWorker#evaluateChunk(float[][], float[], float[], int, java.util.SplittableRandom,
 * BoundStats, PermutationStats, java.util.SplittableRandom)}. Under independence the distribution of the held-out rows is invariant under any
 * re-pairing of the y's, the shifts form a group, and the critic was trained on other rows; so
 * {@code S} and the {@code S_k} are exchangeable and the Monte-Carlo p-value
 * {@code p = (1 + #{k : S_k >= S}) / (K + 1)} is valid at every level (Phipson and Smyth 2010;
 * Hemerik and Goeman 2018 for random transformations drawn uniformly from a group; drawing only
 * non-identity shifts would break this for small groups: with two rows every replicate would be
 * the same swap, and p = 1/(K+1) with probability 1/2).
 *
 * <p>Every bound this project reports has the form {@code B = E_P[T] - f(marginal scores)}
 * (DV, NWJ, SMILE) or, for InfoNCE, a joint term minus a log-sum-exp over all y's of a group that
 * no re-pairing changes; so the bound on the k-th re-paired data is reported as
 * {@code B_k = B - (S - S_k)}, and the null mean and spread are those of the {@code B_k}.
 *
 * <p>Not thread-safe. Merging in any order equals one pass up to floating-point reassociation.
 */
public final class PermutationStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private long n;
    private double sumObserved;
    private final double[] sumPermuted;

    /** An empty accumulator for {@code k >= 1} null replicates. */
    public PermutationStats(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("permutations must be >= 1, got " + k);
        }
        this.sumPermuted = new double[k];
    }

    /** Number of null replicates K. */
    public int replicates() {
        return sumPermuted.length;
    }

    /** Adds the observed scores {@code T(x_i, y_i)} of {@code rows} held-out pairs. */
    public void addObserved(float[] t, int rows) {
        double s = 0;
        for (int r = 0; r < rows; r++) {
            s += t[r];
        }
        sumObserved += s;
        n += rows;
    }

    /** Adds the scores of the same {@code rows} rows re-paired by replicate {@code k}. */
    public void addPermuted(int k, float[] t, int rows) {
        double s = 0;
        for (int r = 0; r < rows; r++) {
            s += t[r];
        }
        sumPermuted[k] += s;
    }

    /** Merges {@code other} (same K) into this; returns this. */
    public PermutationStats merge(PermutationStats other) {
        if (other.sumPermuted.length != sumPermuted.length) {
            throw new IllegalArgumentException("cannot merge permutation statistics of " + other.sumPermuted.length
                    + " and " + sumPermuted.length + " replicates");
        }
        n += other.n;
        sumObserved += other.sumObserved;
        for (int k = 0; k < sumPermuted.length; k++) {
            sumPermuted[k] += other.sumPermuted[k];
        }
        return this;
    }

    /** Held-out rows accumulated. */
    public long count() {
        return n;
    }

    /** {@code (1 + #{k : S_k >= S}) / (K + 1)}; in [1/(K+1), 1]. */
    public double pValue() {
        requireData();
        int atLeast = 0;
        for (double s : sumPermuted) {
            if (s >= sumObserved) {
                atLeast++;
            }
        }
        return (1.0 + atLeast) / (sumPermuted.length + 1.0);
    }

    /** The bound on each re-paired replicate, {@code B_k = observedBound - (S - S_k)}. */
    public double[] nullBounds(double observedBound) {
        requireData();
        double[] b = new double[sumPermuted.length];
        for (int k = 0; k < b.length; k++) {
            b[k] = observedBound - (sumObserved - sumPermuted[k]) / n;
        }
        return b;
    }

    /** Mean of {@link #nullBounds}. */
    public double nullMean(double observedBound) {
        return Arrays.stream(nullBounds(observedBound)).average().orElseThrow();
    }

    /** Sample standard deviation of {@link #nullBounds} (0 for one replicate). */
    public double nullStd(double observedBound) {
        double[] b = nullBounds(observedBound);
        if (b.length < 2) {
            return 0.0;
        }
        double m = Arrays.stream(b).average().orElseThrow();
        double ss = 0;
        for (double v : b) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (b.length - 1));
    }

    private void requireData() {
        if (n == 0) {
            throw new IllegalStateException("no held-out pairs were evaluated for the permutation test");
        }
    }
}
