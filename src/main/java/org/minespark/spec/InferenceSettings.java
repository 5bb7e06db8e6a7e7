package org.minespark.spec;

/**
 * The held-out evaluation: replicate critics of the interval, marginal pairings per row, the permutation test and its level, retrained nulls, chunk size.
 * Part of a {@link MineSpec}; immutable, each {@code with...} method validates its value (an {@link IllegalArgumentException} naming the setting). Each component is declared once in {@link Settings}.
 */
public record InferenceSettings(int evalPairings, int permutations, double significanceLevel, int nullRetrain, int evalChunkRows, int replicates) implements java.io.Serializable {
    /** The defaults. */
    static final InferenceSettings DEFAULTS = new InferenceSettings(MineSpec.DEFAULT_EVAL_PAIRINGS, MineSpec.DEFAULT_PERMUTATIONS, MineSpec.DEFAULT_SIGNIFICANCE_LEVEL, 0, 4096,
            MineSpec.DEFAULT_REPLICATES);

    InferenceSettings withEvalPairings(int v) {
        if (v < 1 || v > MineSpec.MAX_EVAL_PAIRINGS) {
            throw new IllegalArgumentException("eval-pairings must be in [1, " + MineSpec.MAX_EVAL_PAIRINGS
                    + "] (1 = one shuffled pair per held-out row), got " + v);
        }
        return new InferenceSettings(v, permutations, significanceLevel, nullRetrain, evalChunkRows, replicates);
    }

    InferenceSettings withPermutations(int v) {
        if (v < 0 || v > MineSpec.MAX_PERMUTATIONS) {
            throw new IllegalArgumentException("permutations must be in [0, " + MineSpec.MAX_PERMUTATIONS
                    + "] (0 = no permutation test), got " + v);
        }
        return new InferenceSettings(evalPairings, v, significanceLevel, nullRetrain, evalChunkRows, replicates);
    }

    InferenceSettings withSignificanceLevel(double v) {
        if (!(v > 0 && v < 1)) {
            throw new IllegalArgumentException("significance-level must be in (0, 1), got " + v);
        }
        return new InferenceSettings(evalPairings, permutations, v, nullRetrain, evalChunkRows, replicates);
    }

    InferenceSettings withNullRetrain(int v) {
        if (v < 0 || v > MineSpec.MAX_NULL_RETRAIN) {
            throw new IllegalArgumentException("null-retrain must be in [0, " + MineSpec.MAX_NULL_RETRAIN
                    + "] (0 = off), got " + v);
        }
        return new InferenceSettings(evalPairings, permutations, significanceLevel, v, evalChunkRows, replicates);
    }

    InferenceSettings withEvalChunkRows(int v) {
        if (v < 2) {
            throw new IllegalArgumentException("eval-chunk-rows must be >= 2, got " + v);
        }
        return new InferenceSettings(evalPairings, permutations, significanceLevel, nullRetrain, v, replicates);
    }

    InferenceSettings withReplicates(int v) {
        if (v < 1 || v > MineSpec.MAX_REPLICATES) {
            throw new IllegalArgumentException("replicates must be in [1, " + MineSpec.MAX_REPLICATES
                    + "] (1 = one critic, the held-out interval only), got " + v);
        }
        return new InferenceSettings(evalPairings, permutations, significanceLevel, nullRetrain, evalChunkRows, v);
    }
}
