package org.minespark.spec;

import java.io.Serializable;
import java.util.List;

/**
 * What to estimate and how: the x and y column groups plus the training settings. Immutable; every
 * {@code withX} method validates its argument (an {@link IllegalArgumentException} naming the
 * parameter and the value) and returns a new spec.
 *
 * <pre>{@code
 * MineSpec spec = MineSpec.x("age", "income").y("churn").withSeed(7).withSteps(3000);
 * }</pre>
 *
 * Defaults are those documented in {@code conf/mine.conf}. The spec holds one record per group of
 * settings ({@link #optimiser()}, ...), each of which validates its own values; the defaults and
 * limits ({@code DEFAULT_...}, {@code MAX_...}) are declared in {@code MineDefaults} and the flat
 * accessors ({@link #steps()}, ...) in {@code SettingAccessors}, both inherited.
 */
public final class MineSpec extends SettingAccessors implements MineDefaults, Serializable {
    private static final long serialVersionUID = 1L;

    private final ColumnSettings columns;
    private final CriticSettings criticSettings;
    private final OptimiserSettings optimiser;
    private final StoppingSettings stopping;
    private final DataSettings data;
    private final InferenceSettings inference;
    private final ExecutionSettings execution;
    private final CheckpointSettings checkpoint;

    private MineSpec(ColumnSettings columns) {
        this(columns, CriticSettings.DEFAULTS, OptimiserSettings.DEFAULTS,
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
    @Override
    public ColumnSettings columns() {
        return columns;
    }

    /** The critic settings ({@link CriticSettings}). */
    @Override
    public CriticSettings criticSettings() {
        return criticSettings;
    }

    /** The optimiser settings ({@link OptimiserSettings}). */
    @Override
    public OptimiserSettings optimiser() {
        return optimiser;
    }

    /** The stopping settings ({@link StoppingSettings}). */
    @Override
    public StoppingSettings stopping() {
        return stopping;
    }

    /** The data settings ({@link DataSettings}). */
    @Override
    public DataSettings data() {
        return data;
    }

    /** The inference settings ({@link InferenceSettings}). */
    @Override
    public InferenceSettings inference() {
        return inference;
    }

    /** The execution settings ({@link ExecutionSettings}). */
    @Override
    public ExecutionSettings execution() {
        return execution;
    }

    /** The checkpoint settings ({@link CheckpointSettings}). */
    @Override
    public CheckpointSettings checkpoint() {
        return checkpoint;
    }

    /** Starts a spec with the x column group; call {@link #y(String...)} next. */
    public static Builder x(String... columns) {
        return new Builder(ColumnSettings.group(columns, "x"));
    }

    /** Starts a spec from both groups. */
    public static MineSpec of(List<String> x, List<String> y) {
        return new MineSpec(ColumnSettings.of(ColumnSettings.group(x.toArray(new String[0]), "x"),
                ColumnSettings.group(y.toArray(new String[0]), "y")));
    }

    /** The half-built spec returned by {@link MineSpec#x(String...)}. */
    public static final class Builder {
        private final List<String> x;

        private Builder(List<String> x) {
            this.x = x;
        }

        public MineSpec y(String... columns) {
            return new MineSpec(ColumnSettings.of(x, ColumnSettings.group(columns, "y")));
        }
    }

    public MineSpec withSeed(long v) {
        return with(execution.withSeed(v));
    }

    /**
     * The critic's hidden layer widths; an empty list (the default) chooses them from the input's
     * shape when the critic is built ({@link #hiddenFor}).
     */
    public MineSpec withHidden(List<Integer> v) {
        return with(criticSettings.withHidden(v));
    }

    public MineSpec withSteps(int v) {
        return with(optimiser.withSteps(v));
    }

    public MineSpec withBatchSize(int v) {
        return with(optimiser.withBatchSize(v));
    }

    public MineSpec withLearningRate(double v) {
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
        return with(data.withTransform(v));
    }

    /**
     * The encoding of code-like columns (default {@value #DEFAULT_ENCODING}): {@code auto} or
     * {@code scalar}; see {@link MineDefaults#DEFAULT_ENCODING}.
     */
    public MineSpec withEncoding(String v) {
        return with(data.withEncoding(v));
    }

    public MineSpec withEvalFraction(double v) {
        return with(data.withEvalFraction(v));
    }

    public MineSpec withMaxTrainRows(long v) {
        return with(data.withMaxTrainRows(v));
    }

    /**
     * Cap on the held-out test rows the estimate is evaluated on (default {@value #DEFAULT_MAX_TEST_ROWS}, at least
     * 2): when there are more, a seeded random sample of about this many (at most this many but with negligible
     * probability). It does not change the training, the training sample or the validation rows.
     */
    public MineSpec withMaxTestRows(long v) {
        return with(data.withMaxTestRows(v));
    }

    public MineSpec withEmaAlpha(double v) {
        return with(optimiser.withEmaAlpha(v));
    }

    public MineSpec withKernels(String v) {
        return with(execution.withKernels(v));
    }

    /**
     * How the synchronous steps are distributed: {@code stream} (one long-lived Spark barrier
     * stage, weights and aggregates over a driver socket; needs one free task slot per training
     * partition and no dynamic allocation) or {@code jobs} (one Spark job per step). Same results
     * bit for bit; default {@value #DEFAULT_TRAINER}.
     */
    public MineSpec withTrainer(String v) {
        return with(execution.withTrainer(v));
    }

    public MineSpec withLogEvery(int v) {
        return with(execution.withLogEvery(v));
    }

    /** Number of training partitions; 0 means Spark's default parallelism. */
    public MineSpec withPartitions(int v) {
        return with(execution.withPartitions(v));
    }

    public MineSpec withEvalChunkRows(int v) {
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
        return with(inference.withEvalPairings(v));
    }

    /**
     * Permutation replicates K of the significance test on the test rows (the trained critic on K
     * re-paired versions of them); 0 turns the test off (no p-value; {@code dependent} then comes
     * from the 95% CI).
     */
    public MineSpec withPermutations(int v) {
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
        return with(inference.withNullRetrain(v));
    }

    /**
     * Replicate critics R of an estimate, in [1, {@link #MAX_REPLICATES}]: R critics of the pair
     * trained in one pass, each with its own initial weights and minibatch draws, all evaluated on
     * the test rows; the estimate is their mean and the 95 % interval includes their spread
     * (training variability) besides the held-out noise ({@code org.minespark.core.ReplicateStats}).
     * 1 = one critic and the held-out interval. A checkpointed estimate trains one critic. {@code pairs}
     * trains one critic per pair.
     */
    public MineSpec withReplicates(int v) {
        return with(inference.withReplicates(v));
    }

    /** Significance level alpha: {@code dependent} when the permutation p-value is at most alpha. */
    public MineSpec withSignificanceLevel(double v) {
        return with(inference.withSignificanceLevel(v));
    }

    /**
     * The learning rate decays along a cosine from {@code learningRate} to
     * {@code learningRate * v} over the training steps; 1 keeps it constant.
     */
    public MineSpec withLrFinalFraction(double v) {
        return with(optimiser.withLrFinalFraction(v));
    }

    /**
     * Steps between validation passes: every {@code v} steps the DV bound is evaluated on the
     * validation part of the held-out rows, the best weights are kept and early stopping is
     * decided. 0 disables validation: all held-out rows are test rows and the last weights are
     * reported.
     */
    public MineSpec withEvalEvery(int v) {
        return with(stopping.withEvalEvery(v));
    }

    /** Validation passes without an improvement above min-delta before training stops; 0 never stops early. */
    public MineSpec withPatience(int v) {
        return with(stopping.withPatience(v));
    }

    /** The rise of the validation estimate (nats) that counts as an improvement. */
    public MineSpec withMinDelta(double v) {
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

    /**
     * Cap of the grown global batch (same meaning as {@code batch-size}: rows per step over all
     * partitions); 0 = chosen from the input's shape ({@link #maxBatchSizeFor}).
     */
    public MineSpec withMaxBatchSize(int v) {
        return with(optimiser.withMaxBatchSize(v));
    }

    /** The batch grows while a step has fewer effective marginal pairs than this (&gt; 0). */
    public MineSpec withBatchGrowthPairs(double v) {
        return with(optimiser.withBatchGrowthPairs(v));
    }

    /** The variational bound to train and report: one of {@link #BOUNDS} (default {@code dv}). */
    public MineSpec withBound(String v) {
        return with(optimiser.withBound(v));
    }

    /** SMILE's clipping threshold tau: marginal e^T is clipped to [e^-tau, e^tau]. */
    public MineSpec withSmileTau(double v) {
        return with(optimiser.withSmileTau(v));
    }

    /** InfoNCE group size K: every pairing within groups of at most K rows of a partition's batch is scored. */
    public MineSpec withInfonceK(int v) {
        return with(optimiser.withInfonceK(v));
    }

    /** The critic: {@code concat} (MLP on [x, y]) or {@code separable} (g(x) . h(y)). */
    public MineSpec withCritic(String v) {
        return with(criticSettings.withCritic(v));
    }

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
        return with(columns.withXShape(positions, dim));
    }

    /** The tensor shape of y; see {@link #withXShape(int, int)}. */
    public MineSpec withYShape(int positions, int dim) {
        return with(columns.withYShape(positions, dim));
    }

    /** Embedding size E of the separable critic g(x), h(y) in R^E. */
    public MineSpec withEmbedDim(int v) {
        return with(criticSettings.withEmbedDim(v));
    }

    /**
     * The directory (a local path or any Hadoop file system URI: {@code hdfs://}, {@code s3a://})
     * the driver writes training checkpoints to every {@link #withCheckpointEvery checkpoint-every}
     * steps; null or blank turns checkpoints off (the default). The directory must not be shared
     * by concurrent estimates. Its checkpoints are deleted once the estimate succeeds.
     */
    public MineSpec withCheckpointDir(String v) {
        return with(checkpoint.withCheckpointDir(v));
    }

    /** Steps between checkpoints (default {@value #DEFAULT_CHECKPOINT_EVERY}); 0 = no checkpoints. */
    public MineSpec withCheckpointEvery(int v) {
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

    @Override
    public String toString() {
        return "MineSpec" + Settings.describe(this);
    }
}
