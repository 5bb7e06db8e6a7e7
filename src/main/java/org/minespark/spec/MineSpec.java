package org.minespark.spec;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What to estimate and how: the x and y column groups plus the training settings. Immutable; every
 * {@code withX} method validates its argument (an {@link IllegalArgumentException} naming the
 * parameter and the value) and returns a new spec.
 *
 * <pre>{@code
 * MineSpec spec = MineSpec.x("age", "income").y("churn").withSeed(7).withSteps(3000);
 * }</pre>
 *
 * Defaults are those documented in {@code conf/mine.conf}.
 */
public final class MineSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default global minibatch (joint rows per synchronous step, summed over partitions). */
    public static final int DEFAULT_BATCH_SIZE = 1024;
    /**
     * Default training steps. 6000 did not help the 20-d 6-nat task (validation plateau 5.0-5.1 nats
     * from step 3250, early stop at 4500; docs/accuracy-diagnosis.md).
     */
    public static final int DEFAULT_STEPS = 3000;
    /**
     * Default Adam learning rate. 3e-3 was measured: no gain at 6 nats (5.12 vs 5.14 nats), a
     * noisier validation curve on gauss-channel (docs/accuracy-diagnosis.md).
     */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_EVAL_FRACTION = 0.2;
    /** Default marginal transform of the input dimensions. */
    public static final String DEFAULT_TRANSFORM = "normal-scores";
    /** The accepted marginal transforms. */
    public static final List<String> TRANSFORMS = List.of("standardize", "normal-scores");
    public static final long DEFAULT_MAX_TRAIN_ROWS = 1_000_000L;
    public static final double DEFAULT_EMA_ALPHA = 0.01;
    /** Default hidden widths: empty, i.e. chosen from the input's shape ({@link #hiddenFor}). */
    public static final List<Integer> DEFAULT_HIDDEN = List.of();
    /** Input dimensions (x plus y, per position vector) up to which the automatic critic is 128 wide. */
    public static final int NARROW_CRITIC_MAX_DIMS = 16;
    /** Default final learning rate of the cosine decay, as a fraction of the base rate (1 = constant). */
    public static final double DEFAULT_LR_FINAL_FRACTION = 0.05;
    /** Default steps between validation passes (0 = no validation, no early stopping). */
    public static final int DEFAULT_EVAL_EVERY = 100;
    /** Default validation passes without improvement before stopping (0 = never stop early). */
    public static final int DEFAULT_PATIENCE = 3;
    /**
     * Default floor of the improvement of the validation estimate that counts, nats: 0, so the
     * threshold is the validation estimate's own standard error ({@code ConvergenceMonitor}).
     */
    public static final double DEFAULT_MIN_DELTA = 0.0;

    /** Default bound: MINE's moving-average corrected Donsker-Varadhan bound. */
    public static final String DEFAULT_BOUND = "dv";
    /** The bounds {@link #withBound} accepts. */
    public static final List<String> BOUNDS = List.of("dv", "dv-biased", "nwj", "infonce", "smile");
    /** Default SMILE clipping threshold tau (Song and Ermon 2020 use 5). */
    public static final double DEFAULT_SMILE_TAU = 5.0;
    /** Default InfoNCE group size K per partition (the bound is capped at ln K). */
    public static final int DEFAULT_INFONCE_K = 64;
    /** Default critic: {@code concat} (MLP on [x, y]); {@code separable} is g(x) . h(y). */
    public static final String DEFAULT_CRITIC = "concat";
    /** The critic types {@link #withCritic} accepts. */
    public static final List<String> CRITICS = List.of("concat", "separable");
    /** Default embedding size of the separable critic. */
    public static final int DEFAULT_EMBED_DIM = 32;

    /**
     * Default training loop: {@code stream} (one long-lived Spark barrier stage per segment of
     * steps; measured 1-2 ms of overhead per step in local[2] against 10-13 ms for {@code jobs},
     * one Spark job per step). Both give bit-identical results.
     */
    public static final String DEFAULT_TRAINER = "stream";

    /** Default steps between checkpoints (when a checkpoint directory is set; 0 = none). */
    public static final int DEFAULT_CHECKPOINT_EVERY = 500;

    /**
     * Default permutation replicates of the significance test: 99, so the smallest possible
     * p-value is 1/(K+1) = 0.01 (a test at the default level 0.05 can reject with margin, and
     * p-values of 0.01..0.05 are resolved). Each replicate costs one more critic pass over the test
     * rows (concat critic; the separable critic and InfoNCE reuse their embeddings or scores): at
     * 40k test rows and the default critic ~0.6 TFLOP, a few seconds on 2 cores (docs/cli.md).
     */
    public static final int DEFAULT_PERMUTATIONS = 99;
    /** Largest accepted number of permutation replicates (p-value resolution 1e-4). */
    public static final int MAX_PERMUTATIONS = 9_999;
    /** Default marginal pairings per held-out row of the pairwise bounds' evaluation. */
    public static final int DEFAULT_EVAL_PAIRINGS = 16;
    /** Largest accepted marginal pairings per held-out row. */
    public static final int MAX_EVAL_PAIRINGS = 1_024;
    /** Largest accepted number of retrained null critics ({@link #withNullRetrain}): each is a full training run. */
    public static final int MAX_NULL_RETRAIN = 999;
    /** Default significance level of the {@code dependent} verdict. */
    public static final double DEFAULT_SIGNIFICANCE_LEVEL = 0.05;

    /**
     * The fewest usable rows (after dropping null/NaN/infinite ones) an estimate accepts. With the
     * default eval-fraction 0.2 this leaves about 20 held-out rows for the final bound and 80 to
     * train on; below that the held-out DV estimate and its delta-method CI rest on a handful of
     * points and mean nothing.
     */
    public static final long MIN_ROWS = 100;

    private final ColumnSettings columns;
    private final CriticSettings criticSettings;
    private final OptimiserSettings optimiser;
    private final StoppingSettings stopping;
    private final DataSettings data;
    private final InferenceSettings inference;
    private final ExecutionSettings execution;
    private final CheckpointSettings checkpoint;

    private MineSpec(List<String> x, List<String> y) {
        this(new ColumnSettings(x, y, List.of(), List.of()), CriticSettings.DEFAULTS, OptimiserSettings.DEFAULTS,
                StoppingSettings.DEFAULTS, DataSettings.DEFAULTS, InferenceSettings.DEFAULTS, ExecutionSettings.DEFAULTS,
                CheckpointSettings.DEFAULTS);
    }

    private MineSpec(ColumnSettings columns, CriticSettings criticSettings, OptimiserSettings optimiser,
                     StoppingSettings stopping, DataSettings data, InferenceSettings inference,
                     ExecutionSettings execution, CheckpointSettings checkpoint) {
        this.columns = columns;
        this.criticSettings = criticSettings;
        this.optimiser = optimiser;
        this.stopping = stopping;
        this.data = data;
        this.inference = inference;
        this.execution = execution;
        this.checkpoint = checkpoint;
    }

    private MineSpec with(ColumnSettings v) {
        return new MineSpec(v, criticSettings, optimiser, stopping, data, inference, execution, checkpoint);
    }

    private MineSpec with(CriticSettings v) {
        return new MineSpec(columns, v, optimiser, stopping, data, inference, execution, checkpoint);
    }

    private MineSpec with(OptimiserSettings v) {
        return new MineSpec(columns, criticSettings, v, stopping, data, inference, execution, checkpoint);
    }

    private MineSpec with(StoppingSettings v) {
        return new MineSpec(columns, criticSettings, optimiser, v, data, inference, execution, checkpoint);
    }

    private MineSpec with(DataSettings v) {
        return new MineSpec(columns, criticSettings, optimiser, stopping, v, inference, execution, checkpoint);
    }

    private MineSpec with(InferenceSettings v) {
        return new MineSpec(columns, criticSettings, optimiser, stopping, data, v, execution, checkpoint);
    }

    private MineSpec with(ExecutionSettings v) {
        return new MineSpec(columns, criticSettings, optimiser, stopping, data, inference, v, checkpoint);
    }

    private MineSpec with(CheckpointSettings v) {
        return new MineSpec(columns, criticSettings, optimiser, stopping, data, inference, execution, v);
    }

    /** This spec's columns with every other setting of {@code other}. */
    MineSpec withSettingsOf(MineSpec other) {
        return new MineSpec(new ColumnSettings(columns.xColumns(), columns.yColumns(), other.xShape(), other.yShape()),
                other.criticSettings, other.optimiser, other.stopping, other.data, other.inference, other.execution,
                other.checkpoint);
    }

    /** The columns settings ({@link ColumnSettings}). */
    public ColumnSettings columns() {
        return columns;
    }

    /** The critic settings ({@link CriticSettings}). */
    public CriticSettings criticSettings() {
        return criticSettings;
    }

    /** The optimiser settings ({@link OptimiserSettings}). */
    public OptimiserSettings optimiser() {
        return optimiser;
    }

    /** The stopping settings ({@link StoppingSettings}). */
    public StoppingSettings stopping() {
        return stopping;
    }

    /** The data settings ({@link DataSettings}). */
    public DataSettings data() {
        return data;
    }

    /** The inference settings ({@link InferenceSettings}). */
    public InferenceSettings inference() {
        return inference;
    }

    /** The execution settings ({@link ExecutionSettings}). */
    public ExecutionSettings execution() {
        return execution;
    }

    /** The checkpoint settings ({@link CheckpointSettings}). */
    public CheckpointSettings checkpoint() {
        return checkpoint;
    }

    /** Starts a spec with the x column group; call {@link #y(String...)} next. */
    public static Builder x(String... columns) {
        return new Builder(columns(columns, "x"));
    }

    /** Starts a spec from both groups. */
    public static MineSpec of(List<String> x, List<String> y) {
        return new MineSpec(columns(x.toArray(new String[0]), "x"), columns(y.toArray(new String[0]), "y")).checkOverlap();
    }

    /** The half-built spec returned by {@link MineSpec#x(String...)}. */
    public static final class Builder {
        private final List<String> x;

        private Builder(List<String> x) {
            this.x = x;
        }

        public MineSpec y(String... columns) {
            return new MineSpec(x, columns(columns, "y")).checkOverlap();
        }
    }

    private static List<String> columns(String[] cols, String what) {
        if (cols == null || cols.length == 0) {
            throw new IllegalArgumentException("--" + what + ": at least one column is required");
        }
        for (String c : cols) {
            if (c == null || c.isBlank()) {
                throw new IllegalArgumentException("--" + what + ": empty column name in " + Arrays.toString(cols));
            }
        }
        if (Arrays.stream(cols).distinct().count() != cols.length) {
            throw new IllegalArgumentException("--" + what + ": a column is listed twice in " + String.join(",", cols));
        }
        return List.of(cols);
    }

    private MineSpec checkOverlap() {
        for (String c : xColumns()) {
            if (yColumns().contains(c)) {
                throw new IllegalArgumentException("column '" + c + "' is in both --x and --y; MI of a variable with itself is unbounded");
            }
        }
        return this;
    }

    /**
     * The hidden widths of the critic of an input with {@code inputDims} dimensions (x plus y, per
     * position vector for tensor rows): {@link #hidden()} when set, else {@code [128, 128]} up to
     * {@value #NARROW_CRITIC_MAX_DIMS} dimensions and {@code [256, 256]} above. Measured on the demo
     * (6 dimensions, 4.16 nats; docs/cli.md "Time to an answer"): 128 wide was as close to the truth
     * as 256 wide (-1.9 % and -1.7 %) in a quarter of the training time; the 20-d accuracy tasks
     * (40 dimensions) keep the 256-wide critic their measurements were made with.
     */
    public List<Integer> hiddenFor(int inputDims) {
        List<Integer> h = hidden();
        if (!h.isEmpty()) {
            return h;
        }
        return inputDims <= NARROW_CRITIC_MAX_DIMS ? List.of(128, 128) : List.of(256, 256);
    }

    public MineSpec withSeed(long v) {
        return with(execution.withSeed(v));
    }

    /**
     * The critic's hidden layer widths; an empty list (the default) chooses them from the input's
     * shape when the critic is built ({@link #hiddenFor}).
     */
    public MineSpec withHidden(List<Integer> v) {
        if (v == null) {
            throw new IllegalArgumentException("hidden: a list of widths (empty = chosen from the input) is required");
        }
        for (Integer h : v) {
            if (h == null || h < 1 || h > 65536) {
                throw new IllegalArgumentException("hidden: layer widths must be in [1, 65536], got " + v);
            }
        }
        return with(criticSettings.withHidden(List.copyOf(v)));
    }

    public MineSpec withSteps(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + v);
        }
        return with(optimiser.withSteps(v));
    }

    public MineSpec withBatchSize(int v) {
        if (v < 2) {
            throw new IllegalArgumentException("batch-size must be >= 2, got " + v);
        }
        return with(optimiser.withBatchSize(v));
    }

    public MineSpec withLearningRate(double v) {
        if (!(v > 0) || !Double.isFinite(v) || v > 1) {
            throw new IllegalArgumentException("learning-rate must be in (0, 1], got " + v);
        }
        return with(optimiser.withLearningRate(v));
    }

    /**
     * The per-dimension transform applied to the inputs before training (default
     * {@value #DEFAULT_TRANSFORM}): {@code normal-scores} (the Gaussian copula transform
     * {@code Phi^-1(F(v))} of each dimension, F estimated from a seeded sample of up to 100 000 rows;
     * strictly increasing, so the mutual information is unchanged, whatever the marginals: skewed,
     * heavy-tailed or discrete; for tensor rows one map per feature, pooled over the positions) or
     * {@code standardize} (z-scores from the column mean and standard deviation: the transform
     * before 2026-12).
     */
    public MineSpec withTransform(String v) {
        if (v == null || !TRANSFORMS.contains(v)) {
            throw new IllegalArgumentException("transform must be one of " + String.join(", ", TRANSFORMS) + ", got '"
                    + v + "'");
        }
        return with(data.withTransform(v));
    }

    public String transform() {
        return data.transform();
    }

    public MineSpec withEvalFraction(double v) {
        if (!(v > 0 && v < 1)) {
            throw new IllegalArgumentException("eval-fraction must be in (0, 1), got " + v);
        }
        return with(data.withEvalFraction(v));
    }

    public MineSpec withMaxTrainRows(long v) {
        if (v < 2) {
            throw new IllegalArgumentException("max-train-rows must be >= 2, got " + v);
        }
        return with(data.withMaxTrainRows(v));
    }

    public MineSpec withEmaAlpha(double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException("ema-alpha must be in (0, 1], got " + v);
        }
        return with(optimiser.withEmaAlpha(v));
    }

    public MineSpec withKernels(String v) {
        Objects.requireNonNull(v, "kernels");
        return with(execution.withKernels(v));
    }

    /**
     * How the synchronous steps are distributed: {@code stream} (one long-lived Spark barrier
     * stage, weights and aggregates over a driver socket; needs one free task slot per training
     * partition and no dynamic allocation) or {@code jobs} (one Spark job per step). Same results
     * bit for bit; default {@value #DEFAULT_TRAINER}.
     */
    public MineSpec withTrainer(String v) {
        Objects.requireNonNull(v, "trainer");
        if (!v.equals("stream") && !v.equals("jobs")) {
            throw new IllegalArgumentException("trainer must be stream or jobs, got '" + v + "'");
        }
        return with(execution.withTrainer(v));
    }

    public MineSpec withLogEvery(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("log-every must be >= 1, got " + v);
        }
        return with(execution.withLogEvery(v));
    }

    /** Number of training partitions; 0 means Spark's default parallelism. */
    public MineSpec withPartitions(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("partitions must be >= 0 (0 = default parallelism), got " + v);
        }
        return with(execution.withPartitions(v));
    }

    public MineSpec withEvalChunkRows(int v) {
        if (v < 2) {
            throw new IllegalArgumentException("eval-chunk-rows must be >= 2, got " + v);
        }
        return with(inference.withEvalChunkRows(v));
    }

    /**
     * Marginal pairings M per held-out row (default {@value #DEFAULT_EVAL_PAIRINGS}) of the
     * pairwise bounds (dv, dv-biased, nwj, smile) on plain rows: the validation and test rows'
     * partition term averages {@code e^T} over M distinct re-pairings of each chunk's rows (M
     * cyclic shifts of y) instead of one, which cuts its variance by up to M at the cost of M
     * critic passes over the held-out rows. 1 is the one-shuffle evaluation. Ignored by infonce
     * (it scores all pairings of its groups) and by tensor rows ({@code --x-shape}).
     */
    public MineSpec withEvalPairings(int v) {
        if (v < 1 || v > MAX_EVAL_PAIRINGS) {
            throw new IllegalArgumentException("eval-pairings must be in [1, " + MAX_EVAL_PAIRINGS
                    + "] (1 = one shuffled pair per held-out row), got " + v);
        }
        return with(inference.withEvalPairings(v));
    }

    /**
     * Permutation replicates K of the significance test on the test rows (the trained critic on K
     * re-paired versions of them); 0 turns the test off (no p-value; {@code dependent} then comes
     * from the 95% CI).
     */
    public MineSpec withPermutations(int v) {
        if (v < 0 || v > MAX_PERMUTATIONS) {
            throw new IllegalArgumentException("permutations must be in [0, " + MAX_PERMUTATIONS
                    + "] (0 = no permutation test), got " + v);
        }
        return with(inference.withPermutations(v));
    }

    /**
     * Retrained permutation null: R fresh critics (default 0 = none), each trained with the same
     * settings on the training rows with y permuted across rows (dependence removed) and evaluated
     * on test rows with y permuted the same way. Their estimates give
     * {@code null_retrained_mean/std} and the p-value {@code (1 + #{null >= observed}) / (R + 1)}.
     * Each costs a full training run (R times the training time); the {@code dependent} verdict
     * still comes from the fixed-critic test ({@link #withPermutations}).
     */
    public MineSpec withNullRetrain(int v) {
        if (v < 0 || v > MAX_NULL_RETRAIN) {
            throw new IllegalArgumentException("null-retrain must be in [0, " + MAX_NULL_RETRAIN
                    + "] (0 = off), got " + v);
        }
        return with(inference.withNullRetrain(v));
    }

    /** Significance level alpha: {@code dependent} when the permutation p-value is at most alpha. */
    public MineSpec withSignificanceLevel(double v) {
        if (!(v > 0 && v < 1)) {
            throw new IllegalArgumentException("significance-level must be in (0, 1), got " + v);
        }
        return with(inference.withSignificanceLevel(v));
    }

    /**
     * The learning rate decays along a cosine from {@code learningRate} to
     * {@code learningRate * v} over the training steps; 1 keeps it constant.
     */
    public MineSpec withLrFinalFraction(double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException("lr-final-fraction must be in (0, 1], got " + v);
        }
        return with(optimiser.withLrFinalFraction(v));
    }

    /**
     * Steps between validation passes: every {@code v} steps the DV bound is evaluated on the
     * validation part of the held-out rows, the best weights are kept and early stopping is
     * decided. 0 disables validation: all held-out rows are test rows and the last weights are
     * reported.
     */
    public MineSpec withEvalEvery(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("eval-every must be >= 0 (0 = no validation), got " + v);
        }
        return with(stopping.withEvalEvery(v));
    }

    /** Validation passes without an improvement above min-delta before training stops; 0 never stops early. */
    public MineSpec withPatience(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("patience must be >= 0 (0 = no early stopping), got " + v);
        }
        return with(stopping.withPatience(v));
    }

    /** The rise of the validation estimate (nats) that counts as an improvement. */
    public MineSpec withMinDelta(double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("min-delta must be a finite value >= 0 (nats), got " + v);
        }
        return with(stopping.withMinDelta(v));
    }

    /**
     * Adaptive batch growth for the dv and dv-biased bounds ({@link org.minespark.core.BatchGrowth}):
     * at each validation pass the batch doubles (up to {@link #maxBatchSize()}) while the held-out
     * partition term has fewer than {@link #batchGrowthPairs()} effective marginal pairs per step.
     * Default on; no effect on the other bounds or without validation ({@code eval-every 0}).
     */
    public MineSpec withBatchGrowth(boolean v) {
        return with(optimiser.withBatchGrowth(v));
    }

    /** Cap of the grown global batch (same meaning as {@code batch-size}: rows per step over all partitions). */
    public MineSpec withMaxBatchSize(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("max-batch-size must be >= 1, got " + v);
        }
        return with(optimiser.withMaxBatchSize(v));
    }

    /** The batch grows while a step has fewer effective marginal pairs than this (&gt; 0). */
    public MineSpec withBatchGrowthPairs(double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("batch-growth-pairs must be a finite value > 0, got " + v);
        }
        return with(optimiser.withBatchGrowthPairs(v));
    }

    public boolean batchGrowth() {
        return optimiser.batchGrowth();
    }

    public int maxBatchSize() {
        return optimiser.maxBatchSize();
    }

    public double batchGrowthPairs() {
        return optimiser.batchGrowthPairs();
    }

    public double lrFinalFraction() {
        return optimiser.lrFinalFraction();
    }

    public int evalEvery() {
        return stopping.evalEvery();
    }

    public int patience() {
        return stopping.patience();
    }

    public double minDelta() {
        return stopping.minDelta();
    }

    /** The variational bound to train and report: one of {@link #BOUNDS} (default {@code dv}). */
    public MineSpec withBound(String v) {
        if (v == null || !BOUNDS.contains(v)) {
            throw new IllegalArgumentException("bound must be one of " + String.join(", ", BOUNDS) + ", got '" + v + "'");
        }
        return with(optimiser.withBound(v));
    }

    /** SMILE's clipping threshold tau: marginal e^T is clipped to [e^-tau, e^tau]. */
    public MineSpec withSmileTau(double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("smile-tau must be finite and > 0, got " + v);
        }
        return with(optimiser.withSmileTau(v));
    }

    /** InfoNCE group size K: every pairing within groups of at most K rows of a partition's batch is scored. */
    public MineSpec withInfonceK(int v) {
        if (v < 2 || v > 4096) {
            throw new IllegalArgumentException("infonce-k must be in [2, 4096], got " + v);
        }
        return with(optimiser.withInfonceK(v));
    }

    /** The critic: {@code concat} (MLP on [x, y]) or {@code separable} (g(x) . h(y)). */
    public MineSpec withCritic(String v) {
        if (v == null || !CRITICS.contains(v)) {
            throw new IllegalArgumentException("critic must be one of " + String.join(", ", CRITICS) + ", got '" + v + "'");
        }
        return with(criticSettings.withCritic(v));
    }

    /** Largest number of values of a tensor shape (positions x dim). */
    public static final int MAX_SHAPE_VALUES = 1 << 20;

    /**
     * Reads each row's x values as a tensor of {@code positions} vectors of {@code dim} values (seed
     * 000: {@code xShape(96, 7)}), flattened row-major: value {@code j} of position {@code p} is
     * the flattened x value {@code p * dim + j} (the x columns in order, arrays and vectors
     * expanded, as for any estimate). The critic then sees one position at a time,
     * {@code T(x_p, y_p)} with weights shared by all positions, marginal pairs take y from another
     * row at the same position, and the estimate is per position vector
     * ({@link MiResult#miNats()}) and in total ({@link MiResult#miTotalNats()}). The flattened x
     * width must equal {@code positions * dim} (checked when the data are read).
     *
     * <p>When only one of x-shape and y-shape is given, the other one has the same positions and
     * its flattened width divided by them as dim (an error names both when it does not divide).
     * With both, the positions must agree. Needs the concat critic and a pairwise bound (dv,
     * dv-biased, nwj, smile): infonce and the separable critic are rejected when the estimate
     * starts.
     */
    public MineSpec withXShape(int positions, int dim) {
        return with(columns.withXShape(shape("x-shape", positions, dim, yShape(), "y-shape")));
    }

    /** The tensor shape of y; see {@link #withXShape(int, int)}. */
    public MineSpec withYShape(int positions, int dim) {
        return with(columns.withYShape(shape("y-shape", positions, dim, xShape(), "x-shape")));
    }

    private static List<Integer> shape(String what, int positions, int dim, List<Integer> other, String otherName) {
        if (positions < 1 || dim < 1 || (long) positions * dim > MAX_SHAPE_VALUES) {
            throw new IllegalArgumentException(what + " must be positions,dim with positions >= 1, dim >= 1 and"
                    + " positions x dim <= " + MAX_SHAPE_VALUES + ", got " + positions + "," + dim);
        }
        if (!other.isEmpty() && other.get(0) != positions) {
            throw new IllegalArgumentException(what + " " + positions + "," + dim + " has " + positions
                    + " positions but " + otherName + " " + other.get(0) + "," + other.get(1) + " has " + other.get(0)
                    + ": x and y must have the same positions");
        }
        return List.of(positions, dim);
    }

    /** Embedding size E of the separable critic g(x), h(y) in R^E. */
    public MineSpec withEmbedDim(int v) {
        if (v < 1 || v > 65536) {
            throw new IllegalArgumentException("embed-dim must be in [1, 65536], got " + v);
        }
        return with(criticSettings.withEmbedDim(v));
    }

    /**
     * The directory (a local path or any Hadoop file system URI: {@code hdfs://}, {@code s3a://})
     * the driver writes training checkpoints to every {@link #withCheckpointEvery checkpoint-every}
     * steps; null or blank turns checkpoints off (the default). The directory must not be shared
     * by concurrent estimates. Its checkpoints are deleted once the estimate succeeds.
     */
    public MineSpec withCheckpointDir(String v) {
        return with(checkpoint.withCheckpointDir(v == null || v.isBlank() ? null : v));
    }

    /** Steps between checkpoints (default {@value #DEFAULT_CHECKPOINT_EVERY}); 0 = no checkpoints. */
    public MineSpec withCheckpointEvery(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("checkpoint-every must be >= 0 (0 = no checkpoints), got " + v);
        }
        return with(checkpoint.withCheckpointEvery(v));
    }

    /**
     * Continue from the newest checkpoint in the {@link #withCheckpointDir checkpoint directory}
     * (which must be set) instead of starting afresh. The checkpoint's settings and input
     * statistics must match this spec and input (else an {@link IllegalArgumentException} names
     * what differs); with no checkpoint there, training starts from step 0 (with a warning). The
     * result is the same, bit for bit, as the uninterrupted run's.
     */
    public MineSpec withResume(boolean v) {
        return with(checkpoint.withResume(v));
    }

    /** The checkpoint directory, or null (no checkpoints). */
    public String checkpointDir() {
        return checkpoint.checkpointDir();
    }

    public int checkpointEvery() {
        return checkpoint.checkpointEvery();
    }

    public boolean resume() {
        return checkpoint.resume();
    }

    public String bound() {
        return optimiser.bound();
    }

    public double smileTau() {
        return optimiser.smileTau();
    }

    public int infonceK() {
        return optimiser.infonceK();
    }

    public String critic() {
        return criticSettings.critic();
    }

    public int embedDim() {
        return criticSettings.embedDim();
    }

    public List<String> xColumns() {
        return columns.xColumns();
    }

    /** The x tensor shape {@code [positions, dim]}, or empty (one vector per row); see {@link #withXShape}. */
    public List<Integer> xShape() {
        return columns.xShape();
    }

    /** The y tensor shape {@code [positions, dim]}, or empty; see {@link #withYShape}. */
    public List<Integer> yShape() {
        return columns.yShape();
    }

    /** Position vectors per row: from x-shape or y-shape, 1 when neither is given. */
    public int positions() {
        return !xShape().isEmpty() ? xShape().get(0) : !yShape().isEmpty() ? yShape().get(0) : 1;
    }

    public List<String> yColumns() {
        return columns.yColumns();
    }

    public long seed() {
        return execution.seed();
    }

    public List<Integer> hidden() {
        return criticSettings.hidden();
    }

    public int steps() {
        return optimiser.steps();
    }

    public int batchSize() {
        return optimiser.batchSize();
    }

    public double learningRate() {
        return optimiser.learningRate();
    }

    public double evalFraction() {
        return data.evalFraction();
    }

    public long maxTrainRows() {
        return data.maxTrainRows();
    }

    public double emaAlpha() {
        return optimiser.emaAlpha();
    }

    public String kernels() {
        return execution.kernels();
    }

    public String trainer() {
        return execution.trainer();
    }

    public int logEvery() {
        return execution.logEvery();
    }

    public int partitions() {
        return execution.partitions();
    }

    public int evalChunkRows() {
        return inference.evalChunkRows();
    }

    public int permutations() {
        return inference.permutations();
    }

    public int evalPairings() {
        return inference.evalPairings();
    }

    public double significanceLevel() {
        return inference.significanceLevel();
    }

    /** Retrained null critics R (0 = none); see {@link #withNullRetrain}. */
    public int nullRetrain() {
        return inference.nullRetrain();
    }

    @Override
    public String toString() {
        return "MineSpec" + Settings.describe(this);
    }
}
