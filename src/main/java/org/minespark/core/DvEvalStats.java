package org.minespark.core;

import java.io.Serializable;

/**
 * Mergeable sums for the Donsker-Varadhan bound over held-out pairs and its delta-method standard
 * error. Each pair i contributes a joint value {@code a_i = T(x_i, y_i)} and a marginal value
 * {@code b_i = T(x_i, y_pi(i))} (y shuffled). Kept: n, sum a, sum a^2, the running max m of b, and the
 * shifted sums {@code sum e^(b-m)}, {@code sum e^(2(b-m))}, {@code sum a e^(b-m)}.
 *
 * <p>Estimate: {@code DV = mean(a) - ln mean(e^b)}. With {@code E = e^b}, {@code mu = mean E},
 * the delta method gives {@code Var(DV) ~ Var(a - E/mu)/n = (s_a^2 + s_E^2/mu^2 - 2 cov(a,E)/mu)/n};
 * every ratio there is invariant to the shift m, so the shifted sums suffice (the covariance term
 * accounts for a_i and b_i sharing x_i). Not thread-safe.
 */
public final class DvEvalStats implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double Z95 = 1.959963984540054;

    private long n;
    private double sumA;
    private double sumA2;
    private double max = Double.NEGATIVE_INFINITY;
    private double sumE;
    private double sumE2;
    private double sumAE;

    /** Adds {@code count} pairs: joint values {@code a[0..count)}, marginal values {@code b[0..count)}. */
    public void add(float[] a, float[] b, int count) {
        if (count <= 0) {
            return;
        }
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            m = Math.max(m, b[i]);
        }
        rescaleTo(m);
        for (int i = 0; i < count; i++) {
            double ai = a[i];
            double e = Math.exp(b[i] - max);
            sumA += ai;
            sumA2 += ai * ai;
            sumE += e;
            sumE2 += e * e;
            sumAE += ai * e;
        }
        n += count;
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
    public DvEvalStats merge(DvEvalStats o) {
        if (o.n == 0) {
            return this;
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

    public long count() {
        return n;
    }

    /** {@code mean(a) - ln mean(e^b)} in nats. */
    public double estimate() {
        requireData();
        return sumA / n - (max + Math.log(sumE / n));
    }

    /** Delta-method standard error of {@link #estimate()} in nats (0 for a single pair). */
    public double stdError() {
        requireData();
        if (n < 2) {
            return 0.0;
        }
        double meanA = sumA / n;
        double mu = sumE / n;
        double varA = Math.max(0, sumA2 / n - meanA * meanA);
        double varE = Math.max(0, sumE2 / n - mu * mu);
        double cov = sumAE / n - meanA * mu;
        double v = varA + varE / (mu * mu) - 2 * cov / mu;
        // unbiased scaling n/(n-1) of the sample moments, then the variance of the mean
        return Math.sqrt(Math.max(0, v) / (n - 1));
    }

    public double ci95Low() {
        return estimate() - Z95 * stdError();
    }

    public double ci95High() {
        return estimate() + Z95 * stdError();
    }

    private void requireData() {
        if (n == 0) {
            throw new IllegalStateException("no held-out pairs were evaluated");
        }
    }
}
