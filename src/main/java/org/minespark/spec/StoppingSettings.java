package org.minespark.spec;

/**
 * Early stopping on the validation rows: how often, how patient, what gain counts.
 * Part of a {@link MineSpec}; immutable, each {@code with...} method validates its value (an {@link IllegalArgumentException} naming the setting). Each component is declared once in {@link Settings}.
 */
public record StoppingSettings(int evalEvery, int patience, double minDelta) implements java.io.Serializable {
    /** The defaults. */
    static final StoppingSettings DEFAULTS = new StoppingSettings(MineSpec.DEFAULT_EVAL_EVERY, MineSpec.DEFAULT_PATIENCE, MineSpec.DEFAULT_MIN_DELTA);

    StoppingSettings withEvalEvery(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("eval-every must be >= 0 (0 = no validation), got " + v);
        }
        return new StoppingSettings(v, patience, minDelta);
    }

    StoppingSettings withPatience(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("patience must be >= 0 (0 = no early stopping), got " + v);
        }
        return new StoppingSettings(evalEvery, v, minDelta);
    }

    StoppingSettings withMinDelta(double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("min-delta must be a finite value >= 0 (nats), got " + v);
        }
        return new StoppingSettings(evalEvery, patience, v);
    }
}
