package org.minespark.spec;

/**
 * Early stopping on the validation rows: how often, how patient, what gain counts.
 * Part of a {@link MineSpec}; immutable, validated by the spec\'s {@code with...} methods. Each component is declared once in {@link Settings}.
 */
public record StoppingSettings(int evalEvery, int patience, double minDelta) implements java.io.Serializable {
    /** The defaults. */
    static final StoppingSettings DEFAULTS = new StoppingSettings(MineSpec.DEFAULT_EVAL_EVERY, MineSpec.DEFAULT_PATIENCE, MineSpec.DEFAULT_MIN_DELTA);

    StoppingSettings withEvalEvery(int v) {
        return new StoppingSettings(v, patience, minDelta);
    }

    StoppingSettings withPatience(int v) {
        return new StoppingSettings(evalEvery, v, minDelta);
    }

    StoppingSettings withMinDelta(double v) {
        return new StoppingSettings(evalEvery, patience, v);
    }
}
