package org.minespark.core;

import java.util.Locale;

/**
 * How far a held-out DV-type estimate can be trusted: two checks on the test-row evaluation that
 * mark an estimate as near the estimator's limit.
 *
 * <ol>
 * <li><b>Reach</b>: McAllester and Stratos (2020, "Formal Limitations on the Measurement of Mutual
 *     Information", AISTATS) show that no distribution-free high-confidence lower bound on a KL
 *     divergence computed from {@code n} samples can exceed about {@code ln n}; for the DV family
 *     the partition term {@code ln mean e^T} over {@code n} marginal pairs cannot see the mass of
 *     {@code e^T} that an {@code n}-sample does not reach. An estimate whose CI reaches
 *     {@code ln n_eval} is at the reach of the sample.</li>
 * <li><b>Partition-term ESS</b>: Kish's effective sample size
 *     {@code (sum e^b)^2 / sum e^(2b)} of the marginal scores ({@link BoundStats#marginalEss()}).
 *     When a few marginal pairs dominate {@code ln mean e^b}, the delta-method CI under-covers
 *     because the sample variance of a heavy-tailed {@code e^b} under-estimates the true one.
 *     Measured with the closed-form optimal critic of the 20-d correlated Gaussian task on 15 000
 *     test rows (100-fold Monte Carlo, see docs/accuracy.md): median ESS 555 at 2 nats (CI coverage
 *     0.90-0.93), 93 at 4 nats (coverage 0.60-0.89), 18 at 6 nats (0.73-0.75), 9 at 8 nats
 *     (0.55), 5 at 10 nats (0.40-0.49). Below {@link #MIN_MARGINAL_ESS} the CI is not to be
 *     believed.</li>
 * </ol>
 * Either check sets {@code near_estimator_limit}: the estimate is then a lower bound of
 * unknown tightness (the true MI may be larger) and its CI may be too narrow.
 */
public final class EstimatorReach {
    /** Partition-term effective sample size below which the CI is flagged as unreliable. */
    public static final double MIN_MARGINAL_ESS = 100;
    /** ...and below this share of the test pairs (few pairs dominate the mean). */
    public static final double MAX_ESS_SHARE = 0.1;

    private EstimatorReach() {
    }

    /** {@code ln n}: the largest MI (nats) a DV-type bound can certify from {@code n} held-out pairs. */
    public static double reachNats(long nEval) {
        if (nEval < 1) {
            throw new IllegalArgumentException("nEval must be >= 1, got " + nEval);
        }
        return Math.log(nEval);
    }

    /**
     * Whether the estimate is near the estimator's limit: the upper end of its CI reaches
     * {@code ln nEval}, or the partition-term ESS is below {@link #MIN_MARGINAL_ESS} (a NaN ESS,
     * for bounds without a partition term, does not count).
     */
    public static boolean nearLimit(double ci95High, long nEval, double marginalEss) {
        return nearLimit(ci95High, nEval, marginalEss, nEval);
    }

    /**
     * As {@link #nearLimit(double, long, double)} when the partition term was averaged over
     * {@code marginalPairs} scored pairings of the {@code nEval} rows ({@link BoundStats#marginalPairs()}),
     * {@code marginalEss} being the ESS over those pairs. The rule is applied to the ESS in units of
     * held-out rows, {@code marginalEss * nEval / marginalPairs} (the ESS of one pairing per row,
     * for which the threshold was calibrated: docs/accuracy-diagnosis.md, section 1): more pairings
     * of the same rows make the partition term steadier, but whether a few rows' pairs dominate it,
     * and how far a trained critic falls short at high MI, is still told by the per-row figure. The
     * ln n reach stays that of the rows.
     */
    public static boolean nearLimit(double ci95High, long nEval, double marginalEss, long marginalPairs) {
        return ci95High >= reachNats(nEval) || fewEffectivePairs(nEval, perRowEss(nEval, marginalEss, marginalPairs));
    }

    /** The ESS over {@code marginalPairs} pairs of {@code nEval} rows in units of rows (the ESS itself for one pairing). */
    static double perRowEss(long nEval, double marginalEss, long marginalPairs) {
        return marginalPairs <= nEval ? marginalEss : marginalEss * nEval / marginalPairs;
    }

    /**
     * The partition term rests on few pairs: ESS below {@link #MIN_MARGINAL_ESS} and below
     * {@link #MAX_ESS_SHARE} of the pairs. The second condition keeps a small test sample (under
     * a few hundred rows) whose scores are nearly equal, e.g. a weak critic on independent data,
     * from being flagged just for its size: there no few pairs dominate the mean.
     */
    static boolean fewEffectivePairs(long nEval, double marginalEss) {
        return marginalEss < MIN_MARGINAL_ESS && marginalEss < MAX_ESS_SHARE * nEval;
    }

    /** The warning for a flagged estimate: what was measured and how to read the estimate. */
    public static String warning(String bound, double estimate, double ci95High, long nEval, double marginalEss) {
        return warning(bound, estimate, ci95High, nEval, marginalEss, nEval);
    }

    /** The warning for a flagged estimate whose partition term averaged {@code marginalPairs} pairings. */
    public static String warning(String bound, double estimate, double ci95High, long nEval, double marginalEss,
                                 long marginalPairs) {
        StringBuilder why = new StringBuilder();
        double perRow = perRowEss(nEval, marginalEss, marginalPairs);
        if (fewEffectivePairs(nEval, perRow)) {
            if (marginalPairs > nEval) {
                why.append(String.format(Locale.ROOT, "the partition term ln mean e^T rests on an effective %.0f of %d"
                        + " marginal pairs (%.1f in units of the %d held-out rows, fewer than %.0f), so the CI is likely too narrow",
                        marginalEss, marginalPairs, perRow, nEval, MIN_MARGINAL_ESS));
            } else {
                why.append(String.format(Locale.ROOT, "the partition term ln mean e^T rests on an effective %.0f of %d"
                        + " marginal pairs (fewer than %.0f), so the CI is likely too narrow", marginalEss, nEval,
                        MIN_MARGINAL_ESS));
            }
        }
        if (ci95High >= reachNats(nEval)) {
            if (why.length() > 0) {
                why.append("; ");
            }
            why.append(String.format(Locale.ROOT, "the CI reaches ln %d = %.2f nats, the most a %s-type bound can"
                    + " certify from %d held-out rows (McAllester and Stratos 2020)", nEval, reachNats(nEval), bound,
                    nEval));
        }
        return String.format(Locale.ROOT, "near_estimator_limit: the %s estimate %.4f nats is near what the"
                + " estimator can measure: %s. Read it as a lower bound of unknown tightness (the true MI may be"
                + " larger); more held-out rows (--eval-fraction, more data) raise the limit", bound, estimate, why);
    }
}
