package org.minespark.spec;

/**
 * How rows become training data: the per-dimension transform, the held-out fraction and the training sample's size.
 * Part of a {@link MineSpec}; immutable, validated by the spec\'s {@code with...} methods. Each component is declared once in {@link Settings}.
 */
public record DataSettings(String transform, double evalFraction, long maxTrainRows) implements java.io.Serializable {
    /** The defaults. */
    static final DataSettings DEFAULTS = new DataSettings(MineSpec.DEFAULT_TRANSFORM, MineSpec.DEFAULT_EVAL_FRACTION, MineSpec.DEFAULT_MAX_TRAIN_ROWS);

    DataSettings withTransform(String v) {
        return new DataSettings(v, evalFraction, maxTrainRows);
    }

    DataSettings withEvalFraction(double v) {
        return new DataSettings(transform, v, maxTrainRows);
    }

    DataSettings withMaxTrainRows(long v) {
        return new DataSettings(transform, evalFraction, v);
    }
}
