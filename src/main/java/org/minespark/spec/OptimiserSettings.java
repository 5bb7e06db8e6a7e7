package org.minespark.spec;

/**
 * The bound and how it is optimised: steps, batch (and its adaptive growth), Adam's learning rate and its cosine decay, MINE's moving average.
 * Part of a {@link MineSpec}; immutable, each {@code with...} method validates its value (an {@link IllegalArgumentException} naming the setting). Each component is declared once in {@link Settings}.
 */
public record OptimiserSettings(String bound, double smileTau, int infonceK, int steps, int batchSize, double learningRate, double emaAlpha, double lrFinalFraction, boolean batchGrowth, int maxBatchSize, double batchGrowthPairs) implements java.io.Serializable {
    /** The defaults. */
    static final OptimiserSettings DEFAULTS = new OptimiserSettings(MineSpec.DEFAULT_BOUND, MineSpec.DEFAULT_SMILE_TAU, MineSpec.DEFAULT_INFONCE_K, MineSpec.DEFAULT_STEPS, MineSpec.DEFAULT_BATCH_SIZE, MineSpec.DEFAULT_LEARNING_RATE, MineSpec.DEFAULT_EMA_ALPHA, MineSpec.DEFAULT_LR_FINAL_FRACTION, true, MineDefaults.DEFAULT_MAX_BATCH_SIZE, org.minespark.core.BatchGrowth.DEFAULT_MIN_EFFECTIVE_PAIRS);

    OptimiserSettings withBound(String v) {
        if (v == null || !MineSpec.BOUNDS.contains(v)) {
            throw new IllegalArgumentException("bound must be one of " + String.join(", ", MineSpec.BOUNDS) + ", got '" + v + "'");
        }
        return new OptimiserSettings(v, smileTau, infonceK, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withSmileTau(double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("smile-tau must be finite and > 0, got " + v);
        }
        return new OptimiserSettings(bound, v, infonceK, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withInfonceK(int v) {
        if (v < 2 || v > 4096) {
            throw new IllegalArgumentException("infonce-k must be in [2, 4096], got " + v);
        }
        return new OptimiserSettings(bound, smileTau, v, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withSteps(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + v);
        }
        return new OptimiserSettings(bound, smileTau, infonceK, v, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withBatchSize(int v) {
        if (v < 2) {
            throw new IllegalArgumentException("batch-size must be >= 2, got " + v);
        }
        return new OptimiserSettings(bound, smileTau, infonceK, steps, v, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withLearningRate(double v) {
        if (!(v >= 0) || !Double.isFinite(v) || v > 1) {
            throw new IllegalArgumentException("learning-rate must be in (0, 1], or 0 for a rate chosen from the"
                    + " input's shape, got " + v);
        }
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, v, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withEmaAlpha(double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException("ema-alpha must be in (0, 1], got " + v);
        }
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, learningRate, v, lrFinalFraction, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withLrFinalFraction(double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException("lr-final-fraction must be in (0, 1], got " + v);
        }
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, learningRate, emaAlpha, v, batchGrowth, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withBatchGrowth(boolean v) {
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, v, maxBatchSize, batchGrowthPairs);
    }

    OptimiserSettings withMaxBatchSize(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("max-batch-size must be >= 1, or 0 for a cap chosen from the input's"
                    + " shape, got " + v);
        }
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, v, batchGrowthPairs);
    }

    OptimiserSettings withBatchGrowthPairs(double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("batch-growth-pairs must be a finite value > 0, got " + v);
        }
        return new OptimiserSettings(bound, smileTau, infonceK, steps, batchSize, learningRate, emaAlpha, lrFinalFraction, batchGrowth, maxBatchSize, v);
    }
}
