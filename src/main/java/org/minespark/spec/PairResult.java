package org.minespark.spec;

import java.util.List;
import java.util.Objects;

/**
 * The estimate of one pair of a pairs run ({@link org.minespark.api.MutualInformation#pairs}).
 *
 * @param pair            {@code x ~ y}
 * @param x               the x column or group name
 * @param y               the y column or group name
 * @param miNats          held-out (test-row) bound value of the kept critic, clipped at 0; NaN when
 *                        there is no estimate ({@link #DIVERGED}, {@link #FAILED})
 * @param ci95Low         lower end of the delta-method 95% CI, clipped at 0 (NaN without estimate)
 * @param ci95High        upper end (NaN without estimate)
 * @param significance    the permutation test of independence of the kept critic on the test rows
 *                        (as {@link MiResult#significance()}: p-value, {@code dependent} iff
 *                        {@code p <= alpha}, null mean and spread; with 0 permutations the CI rule;
 *                        {@link MiResult.Significance#NONE} for constant, diverged and failed pairs)
 * @param n               the pair's usable rows: rows where both of its sides are set (pairwise
 *                        complete; nulls in other columns do not count), the rows its estimate,
 *                        screen and checks use
 * @param nEval           test rows the estimate was evaluated on
 * @param steps           training steps this pair ran (fewer than planned after an early stop)
 * @param bestStep        steps of the kept weights (the best validation value; the last step without validation)
 * @param converged       the validation estimate stopped improving (early stop or plateau; see
 *                        {@link org.minespark.core.ConvergenceMonitor})
 * @param stillIncreasing the validation estimate was still rising when the steps ran out: the estimate may be low
 * @param diverged        training diverged (also on the one retry at a tenth of the learning rate):
 *                        no estimate, status {@link #DIVERGED}
 * @param retried         the estimate comes from the retry at {@code lr / 10} after a first divergence
 * @param seconds         wall seconds of its pass divided by the pairs in the pass (amortised)
 * @param status          {@link #OK}, {@link #CONSTANT} (a side is constant: MI = 0 exactly, no
 *                        training), {@link #DIVERGED}, {@link #FAILED} or {@link #UNBOUNDED} (an
 *                        exact affine relation: the message is the error an estimate gives)
 * @param message         why there is no estimate, or a warning (still increasing, retried), or empty
 * @param plugIn          the bias-corrected plug-in estimate beside MINE ({@link PlugIn#NONE} when not computed)
 * @param qValue          the adjusted p-value over the run's family of pairs ({@code PairsSpec.correction}); NaN without a test
 * @param missingRate     the share of the run's rows left out for this pair because one of its
 *                        columns is null, NaN or infinite there ({@code 1 - n / rows}); NaN when
 *                        not measured (a pair with a column skipped by the column hygiene)
 */
public record PairResult(String pair, String x, String y, double miNats, double ci95Low, double ci95High,
                         MiResult.Significance significance, long n, long nEval, int steps, int bestStep,
                         boolean converged, boolean stillIncreasing, boolean diverged, boolean retried,
                         double seconds, String status, String message, PlugIn plugIn, double qValue,
                         double missingRate) {
    public static final String OK = "ok";
    public static final String CONSTANT = "constant";
    public static final String DIVERGED = "diverged";
    public static final String FAILED = "failed";
    /** An x and a y dimension are in an exact affine relation: for continuous values I(X; Y) is infinite. */
    public static final String UNBOUNDED = "unbounded";
    /** Not trained: the screen found no evidence of dependence, or the pair is outside --train-top. */
    public static final String SCREENED = "screened";
    /** Not estimated: a column of the pair was skipped by the column hygiene (constant, ID-like, mostly null, ...). */
    public static final String SKIPPED = "skipped";

    public PairResult {
        Objects.requireNonNull(significance, "significance");
        Objects.requireNonNull(plugIn, "plugIn");
        if (!List.of(OK, CONSTANT, DIVERGED, FAILED, UNBOUNDED, SCREENED, SKIPPED).contains(status)) {
            throw new IllegalArgumentException("status must be ok, constant, diverged, failed, unbounded, screened or"
                    + " skipped, got " + status);
        }
    }

    /** A row without a missing-value share (0: no row left out). */
    public PairResult(String pair, String x, String y, double miNats, double ci95Low, double ci95High,
                      MiResult.Significance significance, long n, long nEval, int steps, int bestStep,
                      boolean converged, boolean stillIncreasing, boolean diverged, boolean retried,
                      double seconds, String status, String message, PlugIn plugIn, double qValue) {
        this(pair, x, y, miNats, ci95Low, ci95High, significance, n, nEval, steps, bestStep, converged,
                stillIncreasing, diverged, retried, seconds, status, message, plugIn, qValue, 0.0);
    }

    /** A row without a plug-in estimate ({@link PlugIn#NONE}) and without missing values. */
    public PairResult(String pair, String x, String y, double miNats, double ci95Low, double ci95High,
                      MiResult.Significance significance, long n, long nEval, int steps, int bestStep,
                      boolean converged, boolean stillIncreasing, boolean diverged, boolean retried,
                      double seconds, String status, String message) {
        this(pair, x, y, miNats, ci95Low, ci95High, significance, n, nEval, steps, bestStep, converged,
                stillIncreasing, diverged, retried, seconds, status, message, PlugIn.NONE, Double.NaN);
    }

    /**
     * This row with its adjusted p-value {@code q} over the run's family and the verdict that uses
     * it ({@code significance} with {@code dependent} decided by {@code q}).
     */
    public PairResult withFamily(double q, MiResult.Significance decided) {
        return new PairResult(pair, x, y, miNats, ci95Low, ci95High, decided, n, nEval, steps, bestStep, converged,
                stillIncreasing, diverged, retried, seconds, status, message, plugIn, q, missingRate);
    }

    /** This row with {@code p} as its plug-in estimate. */
    public PairResult withPlugIn(PlugIn p) {
        return new PairResult(pair, x, y, miNats, ci95Low, ci95High, significance, n, nEval, steps, bestStep, converged,
                stillIncreasing, diverged, retried, seconds, status, message, p, qValue, missingRate);
    }

    /** This row with {@code rate} as its missing-value share ({@link #missingRate()}). */
    public PairResult withMissingRate(double rate) {
        return new PairResult(pair, x, y, miNats, ci95Low, ci95High, significance, n, nEval, steps, bestStep, converged,
                stillIncreasing, diverged, retried, seconds, status, message, plugIn, qValue, rate);
    }

    /** The estimate in bits. */
    public double miBits() {
        return miNats / Math.log(2);
    }

    /** The permutation test's p-value (NaN without one). */
    public double pValue() {
        return significance.pValue();
    }

    /** Evidence of dependence (see {@link MiResult.Significance#dependent()}). */
    public boolean dependent() {
        return significance.dependent();
    }

    /** Whether there is an estimate: {@link #OK} or {@link #CONSTANT}. */
    public boolean hasEstimate() {
        return OK.equals(status) || CONSTANT.equals(status);
    }
}
