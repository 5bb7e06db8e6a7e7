package org.minespark.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one MINE estimate: the chosen lower bound ({@code bound}) evaluated on held-out
 * rows, its 95% confidence interval, the row counts and the training history.
 * Immutable; {@code curve} is defensively copied.
 *
 * @param miNats         the bound's estimate on held-out rows, nats
 * @param ci95LowNats    lower end of the 95% CI, nats
 * @param ci95HighNats   upper end of the 95% CI, nats
 * @param stdErrNats     standard error (delta method; for infonce over groups of rows), nats
 * @param nRows          rows read from the input (before dropping)
 * @param nDropped       rows dropped for null/NaN/Inf in a selected column
 * @param nTrain         rows in the cached training sample
 * @param nEval          held-out test rows the final bound was evaluated on (not those used
 *                       for early stopping)
 * @param steps          synchronous training steps actually run (fewer than planned after an
 *                       early stop)
 * @param bound          the bound trained and reported: {@code dv}, {@code dv-biased}, {@code nwj},
 *                       {@code infonce} (capped at ln K: the warnings say so) or {@code smile}
 * @param kernels        the kernel backend used ({@code --kernels auto}: the one its trial chose)
 * @param seconds        wall time of the whole estimate
 * @param trainSeconds   wall time of the training loop
 * @param trainSamplesPerS joint training samples per second in the training loop
 * @param curve          per-step training-minibatch value of the bound (nats), one per step
 * @param status         {@link #STATUS_OK} (trained and evaluated) or {@link #STATUS_CONSTANT}
 *                       (every x or every y dimension has zero variance: MI is exactly 0, no
 *                       training was run, the CI is [0, 0] and {@code steps} is 0)
 * @param warnings       what the user should know about the input (dropped rows, constant
 *                       dimensions, ...) and the training (still increasing, retried), one
 *                       sentence each; empty if none
 * @param convergence    early stopping and the convergence flags ({@link Convergence#NONE} for a
 *                       result without validation, e.g. {@link #STATUS_CONSTANT})
 * @param significance   the permutation test of independence and the {@code dependent} verdict
 *                       ({@link Significance#NONE} for {@link #STATUS_CONSTANT}: no test, not dependent)
 * @param reliability    how far the estimate can be trusted: the partition term's effective sample
 *                       size and whether the estimate is near the estimator's limit
 *                       ({@link Reliability#NONE} when not evaluated)
 * @param positions      position vectors per row of tensor inputs ({@code MineSpec.withXShape}); 1 for
 *                       plain rows. With {@code positions > 1} the fields above are per position
 *                       vector: the bound pooled over all (row, position) pairs with one critic
 *                       shared by the positions, the CI over rows (a row's positions are not
 *                       independent); {@link #miTotalNats()} is {@code positions} times it
 * @param retrainedNull  the optional retrained permutation null ({@link RetrainedNull#NONE} unless
 *                       {@code null-retrain} R &gt; 0)
 * @param plugIn         the bias-corrected plug-in estimate beside MINE ({@link PlugIn#NONE} when not
 *                       computed: a side of more than one dimension)
 * @param dv             the DV (MINE) bound of the trained critic on the test rows, whatever bound was
 *                       trained ({@link DvBound#NONE} without an evaluation)
 * @param interval       how the 95 % interval was made (replicate critics or held-out only), whether it
 *                       is one-sided, and the held-out interval beside it ({@link TrainingInterval#NONE}
 *                       for a constant column group)
 */
public record MiResult(double miNats, double ci95LowNats, double ci95HighNats, double stdErrNats,
                       long nRows, long nDropped, long nTrain, long nEval, int steps, String bound,
                       String kernels, double seconds, double trainSeconds, double trainSamplesPerS,
                       double[] curve, String status, List<String> warnings, Convergence convergence,
                       Significance significance, Reliability reliability, int positions,
                       RetrainedNull retrainedNull, PlugIn plugIn, DvBound dv, TrainingInterval interval) {

    /** Nats to bits: divide by ln 2. */
    public static final double LN2 = Math.log(2.0);
    /** Trained and evaluated on held-out rows. */
    public static final String STATUS_OK = "ok";
    /** Every x or every y dimension is constant: MI is exactly 0, reported without training. */
    public static final String STATUS_CONSTANT = "constant";

    public MiResult {
        if (positions < 1) {
            throw new IllegalArgumentException("positions must be >= 1, got " + positions);
        }
        curve = curve.clone();
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(convergence, "convergence");
        Objects.requireNonNull(significance, "significance");
        Objects.requireNonNull(reliability, "reliability");
        Objects.requireNonNull(retrainedNull, "retrainedNull");
        Objects.requireNonNull(plugIn, "plugIn");
        Objects.requireNonNull(dv, "dv");
        Objects.requireNonNull(interval, "interval");
        warnings = List.copyOf(warnings);
    }

    /** A result of plain rows ({@code positions} 1) without a retrained null ({@link RetrainedNull#NONE}). */
    public MiResult(double miNats, double ci95LowNats, double ci95HighNats, double stdErrNats,
                    long nRows, long nDropped, long nTrain, long nEval, int steps, String bound,
                    String kernels, double seconds, double trainSeconds, double trainSamplesPerS,
                    double[] curve, String status, List<String> warnings, Convergence convergence,
                    Significance significance, Reliability reliability) {
        this(miNats, ci95LowNats, ci95HighNats, stdErrNats, nRows, nDropped, nTrain, nEval, steps, bound,
                kernels, seconds, trainSeconds, trainSamplesPerS, curve, status, warnings, convergence,
                significance, reliability, 1, RetrainedNull.NONE, PlugIn.NONE, DvBound.NONE,
                TrainingInterval.NONE);
    }

    /** This result with {@code positions} position vectors per row (see {@link #miTotalNats()}). */
    public MiResult withPositions(int positions) {
        return new MiResult(miNats, ci95LowNats, ci95HighNats, stdErrNats, nRows, nDropped, nTrain, nEval, steps,
                bound, kernels, seconds, trainSeconds, trainSamplesPerS, curve, status, warnings, convergence,
                significance, reliability, positions, retrainedNull, plugIn, dv, interval);
    }

    /**
     * {@code positions x} {@link #miNats()}: for tensor inputs whose positions are independent and
     * identically distributed (as in seed 000, and as the position-shared critic assumes) this is
     * the MI of the whole x and y tensors {@code I(X_1..X_P; Y_1..Y_P) = sum_p I(X_p; Y_p)}.
     * Otherwise it is only P times the pooled per-position MI, a different quantity (not an
     * estimate of the tensors' MI: dependence across positions is not seen by the critic). Equals
     * {@link #miNats()} for plain rows.
     */
    public double miTotalNats() {
        return positions * miNats;
    }

    public double miTotalBits() {
        return miTotalNats() / LN2;
    }

    /** The 95% CI of {@link #miTotalNats()}: the per-position CI times {@code positions}. */
    public double ci95TotalLowNats() {
        return positions * ci95LowNats;
    }

    public double ci95TotalHighNats() {
        return positions * ci95HighNats;
    }

    /** This result with {@code n} as its retrained null (everything else unchanged). */
    public MiResult withRetrainedNull(RetrainedNull n) {
        return new MiResult(miNats, ci95LowNats, ci95HighNats, stdErrNats, nRows, nDropped, nTrain, nEval, steps,
                bound, kernels, seconds, trainSeconds, trainSamplesPerS, curve, status, warnings, convergence,
                significance, reliability, positions, n, plugIn, dv, interval);
    }

    /** This result with {@code d} as the DV bound of its critic (everything else unchanged). */
    public MiResult withDv(DvBound d) {
        return new MiResult(miNats, ci95LowNats, ci95HighNats, stdErrNats, nRows, nDropped, nTrain, nEval, steps,
                bound, kernels, seconds, trainSeconds, trainSamplesPerS, curve, status, warnings, convergence,
                significance, reliability, positions, retrainedNull, plugIn, d, interval);
    }

    /**
     * This result with the estimate {@code mi}, the 95 % interval [{@code low}, {@code high}], its
     * standard error {@code se} and how they were made ({@code t}); everything else unchanged.
     */
    public MiResult withInterval(double mi, double low, double high, double se, TrainingInterval t) {
        return new MiResult(mi, low, high, se, nRows, nDropped, nTrain, nEval, steps,
                bound, kernels, seconds, trainSeconds, trainSamplesPerS, curve, status, warnings, convergence,
                significance, reliability, positions, retrainedNull, plugIn, dv, t);
    }

    /** This result with the reliability {@code r} and the warning {@code warning} added (everything else unchanged). */
    public MiResult withReliability(Reliability r, String warning) {
        List<String> w = new ArrayList<>(warnings);
        w.add(warning);
        return new MiResult(miNats, ci95LowNats, ci95HighNats, stdErrNats, nRows, nDropped, nTrain, nEval, steps,
                bound, kernels, seconds, trainSeconds, trainSamplesPerS, curve, status, w, convergence,
                significance, r, positions, retrainedNull, plugIn, dv, interval);
    }

    /** This result with {@code p} as the plug-in estimate beside it (everything else unchanged). */
    public MiResult withPlugIn(PlugIn p) {
        return new MiResult(miNats, ci95LowNats, ci95HighNats, stdErrNats, nRows, nDropped, nTrain, nEval, steps,
                bound, kernels, seconds, trainSeconds, trainSamplesPerS, curve, status, warnings, convergence,
                significance, reliability, positions, retrainedNull, p, dv, interval);
    }

    /** A result with a significance test and no reliability information ({@link Reliability#NONE}). */
    public MiResult(double miNats, double ci95LowNats, double ci95HighNats, double stdErrNats,
                    long nRows, long nDropped, long nTrain, long nEval, int steps, String bound,
                    String kernels, double seconds, double trainSeconds, double trainSamplesPerS,
                    double[] curve, String status, List<String> warnings, Convergence convergence,
                    Significance significance) {
        this(miNats, ci95LowNats, ci95HighNats, stdErrNats, nRows, nDropped, nTrain, nEval, steps, bound,
                kernels, seconds, trainSeconds, trainSamplesPerS, curve, status, warnings, convergence,
                significance, Reliability.NONE);
    }

    /** A result with convergence information and no significance test ({@link Significance#NONE}). */
    public MiResult(double miNats, double ci95LowNats, double ci95HighNats, double stdErrNats,
                    long nRows, long nDropped, long nTrain, long nEval, int steps, String bound,
                    String kernels, double seconds, double trainSeconds, double trainSamplesPerS,
                    double[] curve, String status, List<String> warnings, Convergence convergence) {
        this(miNats, ci95LowNats, ci95HighNats, stdErrNats, nRows, nDropped, nTrain, nEval, steps, bound,
                kernels, seconds, trainSeconds, trainSamplesPerS, curve, status, warnings, convergence,
                Significance.NONE);
    }

    /**
     * Is there evidence that X and Y are dependent? The trained critic's permutation test on the
     * test rows ({@code org.minespark.core.PermutationStats}): statistic {@code S = mean T(x_i, y_i)},
     * K null replicates {@code S_k} on re-paired rows (cyclic shifts within chunks of randomly
     * ordered rows), {@code p = (1 + #{S_k >= S}) / (K + 1)}, exact under independence whatever
     * the critic. With K = 0 there is no p-value and {@code dependent} means that the 95% CI's lower
     * end (before clamping at 0) is above 0: every bound is at most I(X;Y) = 0 in expectation under
     * independence, so this is a one-sided test at about 2.5% (the level is not used).
     *
     * @param test              how {@code dependent} was decided: {@link #TEST_PERMUTATION},
     *                          {@link #TEST_CI} (K = 0) or {@link #TEST_NONE} (constant column group:
     *                          exactly independent, nothing to test)
     * @param permutations      replicates K (0: no permutation test)
     * @param significanceLevel alpha: {@code dependent} when {@code pValue <= alpha} (NaN: none)
     * @param pValue            the Monte-Carlo p-value, in [1/(K+1), 1]; NaN without a test
     * @param dependent         the verdict (see above); false for a constant column group
     * @param nullMeanNats      mean of the bound over the K re-paired replicates
     *                          ({@code B_k = B - (S - S_k)}, the raw, unclamped bound B); NaN without a test
     * @param nullStdNats       their sample standard deviation; NaN without a test
     */
    public record Significance(String test, int permutations, double significanceLevel, double pValue,
                               boolean dependent, double nullMeanNats, double nullStdNats) {
        /** The trained critic's permutation test decided. */
        public static final String TEST_PERMUTATION = "permutation";
        /** No permutation test (K = 0): the 95% CI's lower end decided. */
        public static final String TEST_CI = "ci95";
        /** No test at all (a constant column group, or a result built without one). */
        public static final String TEST_NONE = "none";
        /** No test and not dependent. */
        public static final Significance NONE = new Significance(TEST_NONE, 0, Double.NaN, Double.NaN, false,
                Double.NaN, Double.NaN);

        public Significance {
            if (!List.of(TEST_PERMUTATION, TEST_CI, TEST_NONE).contains(test)) {
                throw new IllegalArgumentException("test must be permutation, ci95 or none, got " + test);
            }
            if (permutations < 0) {
                throw new IllegalArgumentException("permutations must be >= 0, got " + permutations);
            }
            if (!Double.isNaN(pValue) && !(pValue > 0 && pValue <= 1)) {
                throw new IllegalArgumentException("pValue must be in (0, 1] or NaN, got " + pValue);
            }
        }

        /** {@code "dependent (p = 0.01)"}, {@code "no evidence of dependence (p = 0.43)"} (CI form without a test). */
        public String describe() {
            String p = Double.isNaN(pValue) ? "95% CI lower end " + (dependent ? "> 0" : "<= 0")
                    : "p = " + new java.math.BigDecimal(pValue).round(new java.math.MathContext(2)).stripTrailingZeros()
                            .toPlainString();
            return (dependent ? "dependent (" : "no evidence of dependence (") + p + ")";
        }
    }

    /**
     * The retrained permutation null (issue 4): R fresh critics, each trained with the run's settings
     * on the training rows with y permuted across rows (so X and Y are independent) and evaluated on
     * the test rows with y permuted the same way. Under independence the observed estimate and the R
     * null estimates are exchangeable (each is a critic trained and evaluated on rows from the same
     * product distribution), so {@code p = (1 + #{null_r >= observed}) / (R + 1)} is a valid
     * Monte-Carlo p-value (Phipson and Smyth 2010), at least {@code 1/(R + 1)}. Unlike the
     * fixed-critic test ({@link Significance}) it also says what training alone makes of
     * independent data: {@code meanNats} is the bias of the whole procedure at MI 0.
     *
     * @param critics  R, the null critics trained (0: none)
     * @param meanNats mean of their held-out estimates (raw bound, not clamped at 0); NaN when R = 0
     * @param stdNats  their sample standard deviation; NaN when R &lt; 2
     * @param pValue   {@code (1 + #{null_r >= observed raw estimate}) / (R + 1)}; NaN when R = 0
     */
    public record RetrainedNull(int critics, double meanNats, double stdNats, double pValue) {
        /** No retrained null. */
        public static final RetrainedNull NONE = new RetrainedNull(0, Double.NaN, Double.NaN, Double.NaN);

        public RetrainedNull {
            if (critics < 0) {
                throw new IllegalArgumentException("critics must be >= 0, got " + critics);
            }
            if (!Double.isNaN(pValue) && !(pValue > 0 && pValue <= 1)) {
                throw new IllegalArgumentException("pValue must be in (0, 1] or NaN, got " + pValue);
            }
        }

        /**
         * From the observed raw estimate and the null critics' raw estimates:
         * mean, sample standard deviation and {@code (1 + #{null_r >= observed}) / (R + 1)}.
         */
        public static RetrainedNull of(double observed, double[] nulls) {
            int r = nulls.length;
            if (r == 0) {
                return NONE;
            }
            double sum = 0;
            int atLeast = 0;
            for (double v : nulls) {
                sum += v;
                if (v >= observed) {
                    atLeast++;
                }
            }
            double mean = sum / r;
            double ss = 0;
            for (double v : nulls) {
                ss += (v - mean) * (v - mean);
            }
            double sd = r > 1 ? Math.sqrt(ss / (r - 1)) : Double.NaN;
            return new RetrainedNull(r, mean, sd, (1.0 + atLeast) / (r + 1.0));
        }
    }

    /**
     * How far the held-out estimate can be trusted (see {@code org.minespark.core.EstimatorReach}).
     *
     * @param marginalEss         Kish's effective sample size {@code (sum e^b)^2 / sum e^(2b)} of the
     *                            marginal scores b in the bound's {@code ln mean e^b} term on the test
     *                            rows; NaN for bounds without that term (nwj, infonce)
     * @param reachNats           {@code ln n_eval}: the most a DV-type bound can certify from the
     *                            test rows (McAllester and Stratos 2020)
     * @param nearEstimatorLimit  the CI reaches {@code reachNats} or {@code marginalEss} is below
     *                            100 and below a tenth of the test rows: the estimate is a lower bound of unknown tightness and the CI
     *                            may be too narrow
     */
    public record Reliability(double marginalEss, double reachNats, boolean nearEstimatorLimit) {
        /** Not evaluated (e.g. a constant input). */
        public static final Reliability NONE = new Reliability(Double.NaN, Double.NaN, false);
    }

    /**
     * How training ended. {@code steps} of the result is the number of steps actually run.
     *
     * @param bestStep            steps done when the kept weights were validated (the weights the
     *                            estimate uses; the last step when there is no validation)
     * @param converged           stopped early, or the validation estimate plateaued (no rise by
     *                            more than min-delta over the last evaluations)
     * @param stillIncreasing     the validation estimate was still rising when the steps ran out:
     *                            train longer
     * @param diverged            the first attempt diverged (non-finite or exploding values); the
     *                            reported estimate comes from the retry at a lower learning rate
     * @param learningRate        the learning rate of the run that produced the estimate
     * @param retriedLearningRate the lower learning rate of the retry after a divergence, NaN if
     *                            there was no retry
     * @param nValidation         held-out rows used to decide when to stop (0 without validation)
     * @param validationSteps     step counts of the validation evaluations
     * @param validationNats      the validation DV estimates at those steps (nats)
     * @param finalBatchSize      the global batch of the last training step (adaptive batch growth;
     *                            0 when not trained)
     * @param batchGrowthSteps    the steps after which the batch doubled (empty without growth)
     */
    public record Convergence(int bestStep, boolean converged, boolean stillIncreasing, boolean diverged,
                              double learningRate, double retriedLearningRate, long nValidation,
                              int[] validationSteps, double[] validationNats, int finalBatchSize,
                              int[] batchGrowthSteps) {
        /** No training or no validation. */
        public static final Convergence NONE = new Convergence(0, false, false, false, Double.NaN, Double.NaN, 0,
                new int[0], new double[0]);

        /** Without batch information (final batch 0, no growth). */
        public Convergence(int bestStep, boolean converged, boolean stillIncreasing, boolean diverged,
                           double learningRate, double retriedLearningRate, long nValidation,
                           int[] validationSteps, double[] validationNats) {
            this(bestStep, converged, stillIncreasing, diverged, learningRate, retriedLearningRate, nValidation,
                    validationSteps, validationNats, 0, new int[0]);
        }

        public Convergence {
            batchGrowthSteps = batchGrowthSteps.clone();
            validationSteps = validationSteps.clone();
            validationNats = validationNats.clone();
            if (validationSteps.length != validationNats.length) {
                throw new IllegalArgumentException("validationSteps and validationNats differ in length: "
                        + validationSteps.length + " vs " + validationNats.length);
            }
        }

        @Override
        public int[] validationSteps() {
            return validationSteps.clone();
        }

        @Override
        public double[] validationNats() {
            return validationNats.clone();
        }

        @Override
        public int[] batchGrowthSteps() {
            return batchGrowthSteps.clone();
        }
    }

    /** A result with warnings and no convergence information ({@link Convergence#NONE}). */
    public MiResult(double miNats, double ci95LowNats, double ci95HighNats, double stdErrNats,
                    long nRows, long nDropped, long nTrain, long nEval, int steps, String bound,
                    String kernels, double seconds, double trainSeconds, double trainSamplesPerS,
                    double[] curve, String status, List<String> warnings) {
        this(miNats, ci95LowNats, ci95HighNats, stdErrNats, nRows, nDropped, nTrain, nEval, steps, bound,
                kernels, seconds, trainSeconds, trainSamplesPerS, curve, status, warnings, Convergence.NONE,
                Significance.NONE);
    }

    /** A trained result ({@link #STATUS_OK}) without warnings. */
    public MiResult(double miNats, double ci95LowNats, double ci95HighNats, double stdErrNats,
                    long nRows, long nDropped, long nTrain, long nEval, int steps, String bound,
                    String kernels, double seconds, double trainSeconds, double trainSamplesPerS,
                    double[] curve) {
        this(miNats, ci95LowNats, ci95HighNats, stdErrNats, nRows, nDropped, nTrain, nEval, steps, bound,
                kernels, seconds, trainSeconds, trainSamplesPerS, curve, STATUS_OK, List.of());
    }

    @Override
    public double[] curve() {
        return curve.clone();
    }

    public double miBits() {
        return miNats / LN2;
    }

    public double ci95LowBits() {
        return ci95LowNats / LN2;
    }

    public double ci95HighBits() {
        return ci95HighNats / LN2;
    }

    public double stdErrBits() {
        return stdErrNats / LN2;
    }

    /**
     * Linfoot's informational coefficient of correlation {@code rho_I = sqrt(1 - e^(-2 I))} of an MI
     * of {@code nats}: in [0, 1), 0 for independence, and equal to |rho| for a bivariate Gaussian
     * pair (whose MI is {@code -ln(1 - rho^2) / 2}); NaN for NaN. A readable scale next to nats and bits.
     */
    public static double linfoot(double nats) {
        return Double.isNaN(nats) ? Double.NaN : Math.sqrt(-Math.expm1(-2 * Math.max(0.0, nats)));
    }

    /** The scalar fields under the result.json key names (no curve), in a stable order. */
    public Map<String, Object> toMap() {
        return MiResultMap.of(this);
    }
}
