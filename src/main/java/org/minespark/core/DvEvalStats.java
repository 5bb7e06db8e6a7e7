package org.minespark.core;


/**
 * Mergeable sums for the Donsker-Varadhan bound (and, with the same sums, the SMILE and NWJ forms)
 * over held-out pairs and its delta-method standard error. Each pair i contributes a joint value {@code a_i = T(x_i, y_i)} and a marginal value
 * {@code b_i = T(x_i, y_pi(i))} (y shuffled). Kept: n, sum a, sum a^2, the running max m of b, and the
 * shifted sums {@code sum e^(b-m)}, {@code sum e^(2(b-m))}, {@code sum a e^(b-m)}.
 *
 * <p>Estimate: {@code DV = mean(a) - ln mean(e^b)}. With {@code E = e^b}, {@code mu = mean E},
 * the delta method gives {@code Var(DV) ~ Var(a - E/mu)/n = (s_a^2 + s_E^2/mu^2 - 2 cov(a,E)/mu)/n};
 * every ratio there is invariant to the shift m, so the shifted sums suffice (the covariance term
 * accounts for a_i and b_i sharing x_i).
 *
 * <p>SMILE (Song and Ermon 2020) is the DV form with the marginal scores clipped to
 * {@code [-tau, tau]} (i.e. {@code clip(e^b, e^-tau, e^tau)}). NWJ (Nguyen, Wainwright and Jordan 2010)
 * is {@code mean(a) - mean(e^{b-1})}, linear in the pairs: {@code Var = Var(a - e^{b-1})/n}, from the
 * same shifted sums with the factor {@code e^{m-1}}.
 *
 * <p><b>Several pairings per row</b> ({@link #addPairings}, from
 * {@code PartitionWorker.evaluatePairings}): row i contributes {@code E_i = (B_i + C_i) / 2}, the
 * mean of the row's {@code e^b} over the M pairings that take x from it ({@code B_i}) and the M that
 * take y from it ({@code C_i}); {@code mean E} is the mean over all scored pairings, and the
 * influence of row i on it is {@code 2 (E_i - mu)}, so the delta method above runs with
 * {@code 4 Var(E)} and {@code 2 cov(a, E)} (conservative by the pairings' own within-row noise,
 * which this counts on both sides). Kish's ESS is then taken over the individual pairs, from
 * separately kept shifted sums. Not thread-safe.
 */
public final class DvEvalStats extends BoundStats {
    private static final long serialVersionUID = 3L;

    private final float clip;
    private final boolean nwj;

    private long n;
    private double sumA;
    private double sumA2;
    private double max = Double.NEGATIVE_INFINITY;
    private double sumE;
    private double sumE2;
    private double sumAE;
    // several marginal pairings per row (addPairings): E is (B + C) / 2 and the pair-level sums
    // for the effective sample size run over every scored pairing
    private long pairs;
    private double pairMax = Double.NEGATIVE_INFINITY;
    private double pairSum;
    private double pairSum2;

    /** The DV form without clipping ({@code dv}, {@code dv-biased}). */
    public DvEvalStats() {
        this(Float.POSITIVE_INFINITY, false);
    }

    /** Marginal scores clipped to {@code [-clip, clip]} (+inf: none); {@code nwj} selects the NWJ form. */
    DvEvalStats(float clip, boolean nwj) {
        this.clip = clip;
        this.nwj = nwj;
    }

    /** Adds {@code count} pairs: joint values {@code a[0..count)}, marginal values {@code b[0..count)}. */
    @Override
    public void add(float[] a, float[] b, int count) {
        if (count <= 0) {
            return;
        }
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            m = Math.max(m, clipped(b[i]));
        }
        rescaleTo(m);
        for (int i = 0; i < count; i++) {
            double ai = a[i];
            double e = Math.exp(clipped(b[i]) - max);
            sumA += ai;
            sumA2 += ai * ai;
            sumE += e;
            sumE2 += e * e;
            sumAE += ai * e;
        }
        n += count;
    }

    @Override
    boolean supportsPairings() {
        return true;
    }

    @Override
    void addPairings(float[] a, double[] lnE, double[] rowMax, double[] rowSum, double[] rowSum2, int count,
                     int pairsPerRow) {
        if (count <= 0) {
            return;
        }
        if (n > 0 && !twoSided()) {
            throw new IllegalStateException("cannot mix one-pairing and several-pairing rows in one statistic");
        }
        double m = Double.NEGATIVE_INFINITY;
        double pm = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            m = Math.max(m, lnE[i]);
            pm = Math.max(pm, rowMax[i]);
        }
        rescaleTo(m);
        rescalePairsTo(pm);
        for (int i = 0; i < count; i++) {
            double ai = a[i];
            double e = Math.exp(lnE[i] - max);
            sumA += ai;
            sumA2 += ai * ai;
            sumE += e;
            sumE2 += e * e;
            sumAE += ai * e;
            double f = Math.exp(rowMax[i] - pairMax);
            pairSum += rowSum[i] * f;
            pairSum2 += rowSum2[i] * f * f;
        }
        n += count;
        pairs += (long) count * pairsPerRow;
    }

    private void rescalePairsTo(double m) {
        if (m > pairMax) {
            if (pairs > 0) {
                double f = Math.exp(pairMax - m);
                pairSum *= f;
                pairSum2 *= f * f;
            }
            pairMax = m;
        }
    }

    /** Whether the rows came with several pairings each ({@link #addPairings}): then pairs counts them. */
    private boolean twoSided() {
        return pairs > 0;
    }

    @Override
    public long marginalPairs() {
        return twoSided() ? pairs : n;
    }

    private double clipped(float b) {
        return clip == Float.POSITIVE_INFINITY ? b : Math.min(Math.max(b, -clip), clip);
    }

    @Override
    double clipMarginal(double b) {
        return clip == Float.POSITIVE_INFINITY ? b : Math.min(Math.max(b, -clip), clip);
    }

    private void rescaleTo(double m) {
        if (m > max) {
            if (n > 0) {
                double s = Math.exp(max - m);
                sumE *= s;
                sumE2 *= s * s;
                sumAE *= s;
            }
            max = m;
        }
    }

    /** Merges {@code o} into this (associative, commutative); returns this. */
    @Override
    public DvEvalStats merge(BoundStats other) {
        DvEvalStats o = requireSame(other, DvEvalStats.class);
        if (o.clip != clip || o.nwj != nwj) {
            throw new IllegalArgumentException("cannot merge statistics of different bounds");
        }
        if (o.n == 0) {
            return this;
        }
        if (n == 0) {
            adoptPairings(o);
        } else if (twoSided() != o.twoSided()) {
            throw new IllegalArgumentException("cannot merge one-pairing and several-pairing statistics");
        }
        if (o.twoSided()) {
            rescalePairsTo(o.pairMax);
            double f = Math.exp(o.pairMax - pairMax);
            pairSum += o.pairSum * f;
            pairSum2 += o.pairSum2 * f * f;
            pairs += o.pairs;
        }
        rescaleTo(o.max);
        double s = Math.exp(o.max - max);
        sumA += o.sumA;
        sumA2 += o.sumA2;
        sumE += o.sumE * s;
        sumE2 += o.sumE2 * s * s;
        sumAE += o.sumAE * s;
        n += o.n;
        return this;
    }

    @Override
    public long count() {
        return n;
    }

    /** {@code mean(a) - ln mean(e^b)} in nats ({@code mean(a) - mean(e^{b-1})} for NWJ). */
    @Override
    public double estimate() {
        requireData();
        if (nwj) {
            return sumA / n - Math.exp(max - 1) * (sumE / n);
        }
        return sumA / n - (max + Math.log(sumE / n));
    }

    /**
     * Kish's effective sample size of the partition term, {@code (sum e^b)^2 / sum e^(2b)} (clipped
     * scores for SMILE): the number of equally weighted marginal pairs that would carry the same
     * information as the weighted ones. It is {@code n} when every marginal score is equal and
     * falls towards 1 when a few pairs dominate {@code ln mean e^b}; then the delta-method CI is
     * unreliable (the sample variance of a heavy-tailed {@code e^b} under-estimates its variance).
     * NaN for NWJ (linear in {@code e^b}, no log-partition term) and before any pair.
     */
    @Override
    public double marginalEss() {
        if (nwj || n == 0) {
            return Double.NaN;
        }
        if (twoSided()) {
            return pairSum2 > 0 ? pairSum * pairSum / pairSum2 : Double.NaN;
        }
        if (!(sumE2 > 0)) {
            return Double.NaN;
        }
        return sumE * sumE / sumE2;
    }

    /**
     * The Donsker-Varadhan form {@code mean(a) - ln mean(e^b)} of the same pairs, whichever form
     * this statistic reports: equal to {@link #estimate()} for dv and dv-biased, the DV bound of
     * the same critic for NWJ (from the same sums; at least the NWJ value, since ln u &lt;= u / e).
     * NaN when the marginal scores are clipped (SMILE keeps only the clipped sums).
     */
    public double dvEstimate() {
        requireData();
        return clip != Float.POSITIVE_INFINITY ? Double.NaN : sumA / n - (max + Math.log(sumE / n));
    }

    /** Delta-method standard error of {@link #dvEstimate()} (NaN when that is NaN). */
    public double dvStdError() {
        requireData();
        return clip != Float.POSITIVE_INFINITY ? Double.NaN : stdError(false);
    }

    /** Delta-method standard error of {@link #estimate()} in nats (0 for a single pair). */
    @Override
    public double stdError() {
        requireData();
        return stdError(nwj);
    }

    private double stdError(boolean nwjForm) {
        if (n < 2) {
            return 0.0;
        }
        double meanA = sumA / n;
        double mu = sumE / n;
        double varA = Math.max(0, sumA2 / n - meanA * meanA);
        double varE = Math.max(0, sumE2 / n - mu * mu);
        double cov = sumAE / n - meanA * mu;
        if (twoSided()) {
            // a row's influence on the partition mean is (B_i - mu) + (C_i - mu) = 2 (E_i - mu)
            varE *= 4;
            cov *= 2;
        }
        double v;
        if (nwjForm) {
            double c = Math.exp(max - 1);
            v = varA + c * c * varE - 2 * c * cov;
        } else {
            v = varA + varE / (mu * mu) - 2 * cov / mu;
        }
        // unbiased scaling n/(n-1) of the sample moments, then the variance of the mean
        return Math.sqrt(Math.max(0, v) / (n - 1));
    }
}
