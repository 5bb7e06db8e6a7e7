package org.minespark.core;

import java.io.Serializable;

/**
 * A mergeable accumulator of one bound over held-out pairs: the estimate and its standard error.
 * Fed arbitrary score arrays, so the same trained critic can be evaluated on any pairing (the
 * held-out shuffle, or permuted pairings for a null distribution):
 * <ul>
 * <li>{@link #add(float[], float[], int)} for the pairwise bounds: joint scores
 *     {@code T(x_i, y_i)} and marginal scores {@code T(x_i, y_pi(i))};</li>
 * <li>{@link #addScores(float[], int)} for all-pairs bounds (InfoNCE): one group's row-major
 *     {@code k x k} matrix {@code S_ij = T(x_i, y_j)}, joint scores on the diagonal.</li>
 * </ul>
 * Merging in any order equals one pass up to floating-point reassociation. Not thread-safe.
 */
public abstract class BoundStats implements Serializable {
    private static final long serialVersionUID = 1L;
    static final double Z95 = 1.959963984540054;

    /** Adds {@code rows} pairs: joint scores {@code tJoint[0..rows)}, marginal scores {@code tMarg[0..rows)}. */
    public abstract void add(float[] tJoint, float[] tMarg, int rows);

    private int marginalPairings = 1;

    /**
     * Marginal pairings per held-out row that the evaluation should score ({@code M >= 1}; 1: one
     * shuffled pair per row, {@link #add}); the evaluation then feeds {@link #addPairings}. Set on
     * an empty accumulator before it goes to the workers; returns this.
     */
    public BoundStats withMarginalPairings(int m) {
        if (m < 1) {
            throw new IllegalArgumentException("marginal pairings per held-out row must be >= 1, got " + m);
        }
        if (count() > 0) {
            throw new IllegalStateException("set the marginal pairings before any pair is added");
        }
        if (m > 1 && !supportsPairings()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " takes one marginal pair per row");
        }
        marginalPairings = m;
        return this;
    }

    /** Marginal pairings per held-out row the evaluation scores ({@link #withMarginalPairings}); 1 by default. */
    public int marginalPairings() {
        return marginalPairings;
    }

    /** Adopts the pairings setting of {@code o} when this is an empty merge start value. */
    void adoptPairings(BoundStats o) {
        if (count() == 0) {
            marginalPairings = o.marginalPairings;
        }
    }

    /** Whether {@link #addPairings} is implemented (the pairwise DV-type statistics). */
    boolean supportsPairings() {
        return false;
    }

    /**
     * Adds {@code rows} held-out rows of an evaluation with several marginal pairings per row (all
     * scores clipped by {@link #clipMarginal} first): per row i its joint score {@code a[i]},
     * {@code lnE[i] = ln((B_i + C_i) / 2)} where {@code B_i} is the mean of {@code e^T} over the
     * pairings that take x from row i and {@code C_i} over those that take y from row i, and the
     * row's pair sums for the effective sample size: {@code sum_m e^{t_im - rowMax[i]}} and
     * {@code sum_m e^{2(t_im - rowMax[i])}} over its {@code pairs} pairings (x from row i).
     */
    void addPairings(float[] a, double[] lnE, double[] rowMax, double[] rowSum, double[] rowSum2, int rows,
                     int pairs) {
        throw new IllegalStateException(getClass().getSimpleName() + " takes one marginal pair per row");
    }

    /**
     * Marginal pairs behind {@link #marginalEss()}: {@link #count()} with one pairing per row, the
     * number of scored pairings otherwise.
     */
    public long marginalPairs() {
        return count();
    }

    /**
     * A marginal score as this statistic uses it inside {@code e^b} (SMILE: clipped to
     * {@code [-tau, tau]}; others: unchanged). Lets tensor rows pool their positions' marginal
     * scores into one value per row ({@link PartitionWorker}) before {@link #add}.
     */
    double clipMarginal(double b) {
        return b;
    }

    /** Adds one group's {@code k x k} score matrix (row-major, joint scores on the diagonal). */
    public void addScores(float[] scores, int k) {
        throw new IllegalStateException(getClass().getSimpleName() + " takes joint/marginal score arrays, not a score matrix");
    }

    /** Merges {@code other} (of the same kind) into this; returns this. */
    public abstract BoundStats merge(BoundStats other);

    /** Held-out rows accumulated. */
    public abstract long count();

    /** The bound on the accumulated pairs (nats). */
    public abstract double estimate();

    /** Standard error of {@link #estimate()} (nats). */
    public abstract double stdError();

    /**
     * Effective sample size of the bound's log-partition term ({@code ln mean e^T} over marginal
     * pairs), NaN when the bound has none or does not track it (NWJ, InfoNCE).
     */
    public double marginalEss() {
        return Double.NaN;
    }

    public double ci95Low() {
        return estimate() - Z95 * stdError();
    }

    public double ci95High() {
        return estimate() + Z95 * stdError();
    }

    void requireData() {
        if (count() == 0) {
            throw new IllegalStateException("no held-out pairs were evaluated");
        }
    }

    <T extends BoundStats> T requireSame(BoundStats o, Class<T> c) {
        if (!c.isInstance(o)) {
            throw new IllegalArgumentException("cannot merge " + o.getClass().getSimpleName() + " into " + getClass().getSimpleName());
        }
        return c.cast(o);
    }
}
