package org.minespark.spec;

/**
 * How rows become training data: the per-dimension transform, the held-out fraction, the training sample's size and
 * the encoding of code-like columns ({@code auto}: per value, {@code scalar}: one number).
 * Part of a {@link MineSpec}; immutable, each {@code with...} method validates its value (an {@link IllegalArgumentException} naming the setting). Each component is declared once in {@link Settings}.
 */
public record DataSettings(String transform, double evalFraction, long maxTrainRows, String encoding) implements java.io.Serializable {
    /** The defaults. */
    static final DataSettings DEFAULTS = new DataSettings(MineSpec.DEFAULT_TRANSFORM, MineSpec.DEFAULT_EVAL_FRACTION, MineSpec.DEFAULT_MAX_TRAIN_ROWS,
            MineSpec.DEFAULT_ENCODING);

    DataSettings withTransform(String v) {
        if (v == null || !MineSpec.TRANSFORMS.contains(v)) {
            throw new IllegalArgumentException("transform must be one of " + String.join(", ", MineSpec.TRANSFORMS) + ", got '"
                    + v + "'");
        }
        return new DataSettings(v, evalFraction, maxTrainRows, encoding);
    }

    DataSettings withEvalFraction(double v) {
        if (!(v > 0 && v < 1)) {
            throw new IllegalArgumentException("eval-fraction must be in (0, 1), got " + v);
        }
        return new DataSettings(transform, v, maxTrainRows, encoding);
    }

    DataSettings withMaxTrainRows(long v) {
        if (v < 2) {
            throw new IllegalArgumentException("max-train-rows must be >= 2, got " + v);
        }
        return new DataSettings(transform, evalFraction, v, encoding);
    }

    DataSettings withEncoding(String v) {
        if (v == null || !MineSpec.ENCODINGS.contains(v)) {
            throw new IllegalArgumentException("encoding must be one of " + String.join(", ", MineSpec.ENCODINGS) + ", got '"
                    + v + "'");
        }
        return new DataSettings(transform, evalFraction, maxTrainRows, v);
    }
}
