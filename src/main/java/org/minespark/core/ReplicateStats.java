package org.minespark.core;

import java.util.Arrays;

/**
 * The interval of an estimate that includes training variability: R critics of one pair
 * ("replicates"), each trained with its own initial weights and minibatch streams and evaluated on
 * the same test rows, give estimates {@code e_1..e_R} with held-out standard errors
 * {@code h_1..h_R}. The estimate is their mean; its standard error combines
 * <ul>
 * <li>the training part {@code s^2 / R} ({@code s} the sample standard deviation of the e_r: how
 *     much the result depends on the initial weights and the minibatches drawn), with R - 1
 *     degrees of freedom, and</li>
 * <li>the held-out part {@code h^2} ({@code h} the mean of the h_r: the replicates share their test
 *     rows and pairings, so this noise does not average out over them and is not in {@code s}),
 *     from tens of thousands of rows, i.e. with infinite degrees of freedom,</li>
 * </ul>
 * as {@code SE^2 = s^2 / R + h^2}, and the interval uses Student's t with the Welch-Satterthwaite
 * degrees of freedom {@code nu = SE^4 / ((s^2 / R)^2 / (R - 1))} (rounded down, so conservative).
 * Two-sided: {@code mean +- t(nu, 0.975) SE}; one-sided (an estimate near the estimator's limit,
 * read as a lower bound): {@code [mean - t(nu, 0.95) SE, +inf)}.
 *
 * <p>Centred on the replicates' ensemble ({@link #centredOn}, the mean critic of
 * {@link CriticEnsemble}), the upper end also reaches what more critics would still add. To second
 * order around the optimal critic, a critic error {@code e} costs about half its variance
 * ({@code E_Q e^T} penalises it), and the error of a mean of R critics is the shared part {@code b}
 * plus the independent parts averaged, of variance {@code s_e^2 / R}: the bound is about
 * {@code J* - (b^2 + s_e^2 / R) / 2}, linear in 1/R. With the mean single-critic estimate
 * {@code m} (R = 1) and the ensemble's {@code E} (R critics), the line through them reaches, at
 * 1/R = 0, {@code E + (E - m) / (R - 1)} (a Richardson extrapolation in the number of critics, as
 * subsample-and-extrapolate does in the sample size: Abdelaleem, Martini and Nemenman 2025). The
 * upper end is {@code E + max(0, E - m) / (R - 1) + t SE}; the estimate stays {@code E}, a lower
 * bound in expectation like any critic's.
 *
 * <p>What it does not include: a bias shared by every replicate (a critic family or a training
 * budget that cannot reach the truth, the bound's own gap). The accuracy tables measure how often
 * the interval covers the truth ({@code accuracy --seeds}).
 */
public final class ReplicateStats {
    /** The normal quantiles 0.975 and 0.95 (infinite degrees of freedom; the held-out CI's). */
    static final double Z975 = 1.959963984540054;
    static final double Z95 = 1.6448536269514722;
    /** Student's t quantiles 0.975 for 1..30 degrees of freedom (standard tables); the normal one beyond. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
            2.056, 2.052, 2.048, 2.045, 2.042};
    /** Student's t quantiles 0.95 for 1..30 degrees of freedom (standard tables); the normal one beyond. */
    private static final double[] T95 = {6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812,
            1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708,
            1.706, 1.703, 1.701, 1.699, 1.697};

    private final double[] estimates;
    private final double mean;
    private final double spread;
    private final double heldOutSe;
    private final double se;
    private final int df;
    private final double extra;

    /**
     * @param estimates  each replicate's estimate (nats), at least one, all finite
     * @param heldOutSes each replicate's held-out standard error (nats), same length
     */
    public ReplicateStats(double[] estimates, double[] heldOutSes) {
        this(checked(estimates, heldOutSes), mean(estimates), sd(estimates), mean(heldOutSes), 0.0);
    }

    private ReplicateStats(double[] estimates, double centre, double spread, double heldOutSe, double extra) {
        this.estimates = estimates;
        this.extra = extra;
        this.mean = centre;
        this.spread = spread;
        this.heldOutSe = heldOutSe;
        int r = estimates.length;
        double train = r > 1 ? spread * spread / r : 0.0;
        double var = train + heldOutSe * heldOutSe;
        this.se = Math.sqrt(var);
        this.df = r < 2 || train == 0 ? Integer.MAX_VALUE
                : (int) Math.min(Integer.MAX_VALUE, Math.floor(var * var / (train * train / (r - 1))));
    }

    private static double[] checked(double[] estimates, double[] heldOutSes) {
        if (estimates.length == 0 || heldOutSes.length != estimates.length) {
            throw new IllegalArgumentException("need one held-out standard error per estimate, at least one, got "
                    + estimates.length + " estimates and " + heldOutSes.length + " standard errors");
        }
        return estimates.clone();
    }

    private static double mean(double[] v) {
        double m = 0;
        for (double e : v) {
            m += e;
        }
        return m / v.length;
    }

    private static double sd(double[] v) {
        if (v.length < 2) {
            return 0.0;
        }
        double m = mean(v);
        double ss = 0;
        for (double e : v) {
            ss += (e - m) * (e - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    /**
     * The same replicates with the estimate {@code centre} and its held-out standard error
     * {@code heldOutSe} (the ensemble critic's), the training part still their spread over R.
     */
    public ReplicateStats centredOn(double centre, double heldOutSe) {
        int r = estimates.length;
        double extra = r < 2 ? 0.0 : Math.max(0.0, centre - mean(estimates)) / (r - 1);
        return new ReplicateStats(estimates, centre, spread, heldOutSe, extra);
    }

    /**
     * The ensemble's extrapolation to infinitely many critics, {@code E + max(0, E - m) / (R - 1)}
     * (see the class); {@link #mean()} when not centred on an ensemble.
     */
    public double extrapolated() {
        return mean + extra;
    }

    /** Student's t quantile 0.975 ({@code twoSided}) or 0.95 at {@code df} degrees of freedom (table, see the class). */
    static double tQuantile(int df, boolean twoSided) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
        }
        double[] t = twoSided ? T975 : T95;
        return df <= t.length ? t[df - 1] : (twoSided ? Z975 : Z95);
    }

    public double[] estimates() {
        return estimates.clone();
    }

    public int replicates() {
        return estimates.length;
    }

    /** The mean of the replicates' estimates. */
    public double mean() {
        return mean;
    }

    /** The sample standard deviation of the replicates' estimates (0 for one replicate). */
    public double spread() {
        return spread;
    }

    /** The mean held-out standard error. */
    public double heldOutSe() {
        return heldOutSe;
    }

    /** The standard error of {@link #mean()}: training and held-out parts (see the class). */
    public double stdError() {
        return se;
    }

    /** Welch-Satterthwaite degrees of freedom, rounded down ({@link Integer#MAX_VALUE}: infinite). */
    public int degreesOfFreedom() {
        return df;
    }

    /** The lower end: two-sided 95 % ({@code oneSided} false) or the one-sided 95 % lower bound. */
    public double low(boolean oneSided) {
        return mean - tQuantile(df, !oneSided) * se;
    }

    /** The upper end of the two-sided 95 % interval, from {@link #extrapolated()}; {@code +inf} when {@code oneSided}. */
    public double high(boolean oneSided) {
        return oneSided ? Double.POSITIVE_INFINITY : extrapolated() + tQuantile(df, true) * se;
    }

    @Override
    public String toString() {
        return "ReplicateStats" + Arrays.toString(estimates) + " mean " + mean + " +- " + se + " (df " + df + ")";
    }
}
