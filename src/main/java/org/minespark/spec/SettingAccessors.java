package org.minespark.spec;

import java.util.List;

/**
 * The flat accessor of every setting of a {@link MineSpec} ({@code spec.steps()} for
 * {@code spec.optimiser().steps()}), and the values derived from them ({@link #hiddenFor},
 * {@link #positions}), read from the settings records the spec holds.
 */
abstract class SettingAccessors {
    public abstract ColumnSettings columns();

    public abstract CriticSettings criticSettings();

    public abstract OptimiserSettings optimiser();

    public abstract StoppingSettings stopping();

    public abstract DataSettings data();

    public abstract InferenceSettings inference();

    public abstract ExecutionSettings execution();

    public abstract CheckpointSettings checkpoint();

    public List<String> xColumns() {
        return columns().xColumns();
    }

    /** The x tensor shape {@code [positions, dim]}, or empty (one vector per row); see {@link MineSpec#withXShape}. */
    public List<Integer> xShape() {
        return columns().xShape();
    }

    /** The y tensor shape {@code [positions, dim]}, or empty; see {@link MineSpec#withYShape}. */
    public List<Integer> yShape() {
        return columns().yShape();
    }

    public List<String> yColumns() {
        return columns().yColumns();
    }

    /** Position vectors per row: from x-shape or y-shape, 1 when neither is given. */
    public int positions() {
        return !xShape().isEmpty() ? xShape().get(0) : !yShape().isEmpty() ? yShape().get(0) : 1;
    }

    public String critic() {
        return criticSettings().critic();
    }

    public int embedDim() {
        return criticSettings().embedDim();
    }

    public List<Integer> hidden() {
        return criticSettings().hidden();
    }

    /**
     * The hidden widths of the critic of an input with {@code inputDims} dimensions (x plus y, per
     * position vector for tensor rows): {@link #hidden()} when set, else
     * {@link MineDefaults#NARROW_CRITIC_HIDDEN} up to {@value MineDefaults#NARROW_CRITIC_MAX_DIMS}
     * dimensions and {@link MineDefaults#WIDE_CRITIC_HIDDEN} above. Narrow: on the demo (6
     * dimensions, 4.16 nats; docs/cli.md "Time to an answer") 128 wide was as close to the truth as
     * 256 wide in a quarter of the training time, and a third layer of 128 fits the bmi tasks whose
     * density ratio has ridges and edges (spiral, additive uniform noise) much better, for about 1.9
     * times the work per row (docs/accuracy.md, "Depth of the narrow critic"). Wide: the 20-d
     * accuracy tasks (40 dimensions), whose measurements were made with it.
     */
    public List<Integer> hiddenFor(int inputDims) {
        List<Integer> h = hidden();
        if (!h.isEmpty()) {
            return h;
        }
        return narrow(inputDims) ? MineDefaults.NARROW_CRITIC_HIDDEN : MineDefaults.WIDE_CRITIC_HIDDEN;
    }

    public boolean batchGrowth() {
        return optimiser().batchGrowth();
    }

    /**
     * The Adam base learning rate for an input with {@code inputDims} dimensions (x plus y, per
     * position vector for tensor rows): {@link #learningRate()} when set (not 0), else
     * {@link MineDefaults#NARROW_LEARNING_RATE} up to {@value MineDefaults#NARROW_CRITIC_MAX_DIMS}
     * dimensions and {@link MineDefaults#WIDE_LEARNING_RATE} above, the split of {@link #hiddenFor}.
     * The low-dimensional critics reach the steep parts of their density ratios (edges, ridges)
     * sooner at the larger step; the 20-d Gaussian at 6 nats is noisier at it.
     */
    public double learningRateFor(int inputDims) {
        double v = learningRate();
        return v > 0 ? v : narrow(inputDims) ? MineDefaults.NARROW_LEARNING_RATE : MineDefaults.WIDE_LEARNING_RATE;
    }

    /** The one split of the automatic settings: up to {@value MineDefaults#NARROW_CRITIC_MAX_DIMS} input dimensions. */
    private static boolean narrow(int inputDims) {
        return inputDims <= MineDefaults.NARROW_CRITIC_MAX_DIMS;
    }

    /** The cap of the grown batch as set: 0 = automatic ({@link #maxBatchSizeFor}). */
    public int maxBatchSize() {
        return optimiser().maxBatchSize();
    }

    /**
     * The cap of the grown batch for an input with {@code inputDims} dimensions (x plus y, per
     * position vector for tensor rows): {@link #maxBatchSize()} when set (not 0), else
     * {@link MineDefaults#NARROW_MAX_BATCH} up to {@value MineDefaults#NARROW_CRITIC_MAX_DIMS}
     * dimensions and {@link MineDefaults#WIDE_MAX_BATCH} above, the same split as
     * {@link #hiddenFor}. The batch grows only while a step has too few effective marginal pairs
     * ({@link org.minespark.core.BatchGrowth}), i.e. at high MI; there the low-dimensional tasks
     * lost at most 0.012 nats with the smaller cap and the 20-d Gaussian at 6 nats 0.2.
     */
    public int maxBatchSizeFor(int inputDims) {
        int v = maxBatchSize();
        return v > 0 ? v : narrow(inputDims) ? MineDefaults.NARROW_MAX_BATCH : MineDefaults.WIDE_MAX_BATCH;
    }

    public double batchGrowthPairs() {
        return optimiser().batchGrowthPairs();
    }

    public double lrFinalFraction() {
        return optimiser().lrFinalFraction();
    }

    public String bound() {
        return optimiser().bound();
    }

    public double smileTau() {
        return optimiser().smileTau();
    }

    public int infonceK() {
        return optimiser().infonceK();
    }

    public int steps() {
        return optimiser().steps();
    }

    public int batchSize() {
        return optimiser().batchSize();
    }

    public double learningRate() {
        return optimiser().learningRate();
    }

    public double emaAlpha() {
        return optimiser().emaAlpha();
    }

    public int evalEvery() {
        return stopping().evalEvery();
    }

    public int patience() {
        return stopping().patience();
    }

    public double minDelta() {
        return stopping().minDelta();
    }

    public String transform() {
        return data().transform();
    }

    public String encoding() {
        return data().encoding();
    }

    public double evalFraction() {
        return data().evalFraction();
    }

    public long maxTrainRows() {
        return data().maxTrainRows();
    }

    public long maxTestRows() {
        return data().maxTestRows();
    }

    public int evalChunkRows() {
        return inference().evalChunkRows();
    }

    public int permutations() {
        return inference().permutations();
    }

    public int evalPairings() {
        return inference().evalPairings();
    }

    public double significanceLevel() {
        return inference().significanceLevel();
    }

    /** Replicate critics of an estimate's interval; see {@link MineSpec#withReplicates}. */
    public int replicates() {
        return inference().replicates();
    }

    /** Retrained null critics R (0 = none); see {@link MineSpec#withNullRetrain}. */
    public int nullRetrain() {
        return inference().nullRetrain();
    }

    public long seed() {
        return execution().seed();
    }

    public String kernels() {
        return execution().kernels();
    }

    public String trainer() {
        return execution().trainer();
    }

    public int logEvery() {
        return execution().logEvery();
    }

    public int partitions() {
        return execution().partitions();
    }

    /** The checkpoint directory, or null (no checkpoints). */
    public String checkpointDir() {
        return checkpoint().checkpointDir();
    }

    public int checkpointEvery() {
        return checkpoint().checkpointEvery();
    }

    public boolean resume() {
        return checkpoint().resume();
    }
}
