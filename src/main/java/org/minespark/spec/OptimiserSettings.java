package org.minespark.spec;

/**
 * The bound and how it is optimised: steps, batch (and its adaptive growth), Adam's learning rate and its cosine decay, MINE's moving average.
 * Part of a {@link MineSpec}; immutable, validated by the spec\'s {@code with...} methods. Each component is declared once in {@link Settings}.
 */
public record OptimiserSettings(String bound, double smileTau, int infonceK, int steps, int batchSize, double learningRate, double emaAlpha, double lrFinalFraction, boolean batchGrowth, int maxBatchSize, double batchGrowthPairs) implements java.io.Serializable {
    /** The defaults. */
    static final OptimiserSettings DEFAULTS = new OptimiserSettings(MineSpec.DEFAULT_BOUND, MineSpec.DEFAULT_SMILE_TAU, MineSpec.DEFAULT_INFONCE_K, MineSpec.DEFAULT_STEPS, MineSpec.DEFAULT_BATCH_SIZE, MineSpec.DEFAULT_LEARNING_RATE, MineSpec.DEFAULT_EMA_ALPHA, MineSpec.DEFAULT_LR_FINAL_FRACTION, true, org.minespark.core.BatchGrowth.DEFAULT_MAX_BATCH, org.minespark.core.BatchGrowth.DEFAULT_MIN_EFFECTIVE_PAIRS);

    OptimiserSettings withBound(String v) {
        return new OptimiserSettings(v, smileTau, infonceK, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withSmileTau(double v) {
        return new OptimiserSettings(bound, v, infonceK, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withInfonceK(int v) {
        return new OptimiserSettings(bound, smileTau, v, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withSteps(int v) {
        return new OptimiserSettings(bound, smileTau, infonceK, v, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withBatchSize(int v) {
        return new OptimiserSettings(bound, smileTau, infonceK, steps, v, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withLearningRate(double v) {
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, v, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withEmaAlpha(double v) {
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, learningRate, v, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withLrFinalFraction(double v) {
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, learningRate, emaAlpha, v, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withBatchGrowth(boolean v) {
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, v, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withMaxBatchSize(int v) {
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, v, batchGrowthPairs);
    }

    OptimiserSettings withBatchGrowthPairs(double v) {
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, v);
    }
}
