package org.minespark.spec;

/**
 * The held-out evaluation: marginal pairings per row, the permutation test and its level, retrained nulls, chunk size.
 * Part of a {@link MineSpec}; immutable, validated by the spec\'s {@code with...} methods. Each component is declared once in {@link Settings}.
 */
public record InferenceSettings(int evalPairings, int permutations, double significanceLevel, int nullRetrain, int evalChunkRows) implements java.io.Serializable {
    /** The defaults. */
    static final InferenceSettings DEFAULTS = new InferenceSettings(MineSpec.DEFAULT_EVAL_PAIRINGS, MineSpec.DEFAULT_PERMUTATIONS, MineSpec.DEFAULT_SIGNIFICANCE_LEVEL, 0, 4096);

    InferenceSettings withEvalPairings(int v) {
        return new InferenceSettings(v, permutations, significanceLevel, nullRetrain, evalChunkRows);
    }

    InferenceSettings withPermutations(int v) {
        return new InferenceSettings(evalPairings, v, significanceLevel, nullRetrain, evalChunkRows);
    }

    InferenceSettings withSignificanceLevel(double v) {
        return new InferenceSettings(evalPairings, permutations, v, nullRetrain, evalChunkRows);
    }

    InferenceSettings withNullRetrain(int v) {
        return new InferenceSettings(evalPairings, permutations, significanceLevel, v, evalChunkRows);
    }

    InferenceSettings withEvalChunkRows(int v) {
        return new InferenceSettings(evalPairings, permutations, significanceLevel, nullRetrain, v);
    }
}
