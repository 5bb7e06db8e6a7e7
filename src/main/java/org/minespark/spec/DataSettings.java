package org.minespark.spec;

/**
 * How rows become training data: the per-dimension transform, the held-out fraction, the training sample's size, the
 * encoding of code-like columns ({@code auto}: per value, {@code scalar}: one number) and the test sample's size (the
 * held-out rows the estimate is evaluated on).
 * Part of a {@link MineSpec}; immutable, each {@code with...} method validates its value (an {@link IllegalArgumentException} naming the setting). Each component is declared once in {@link Settings}.
 */
public record DataSettings(String transform, double evalFraction, long maxTrainRows, String encoding, long maxTestRows)
        implements java.io.Serializable {
    /** The defaults. */
    static final DataSettings DEFAULTS = new DataSettings(MineSpec.DEFAULT_TRANSFORM, MineSpec.DEFAULT_EVAL_FRACTION, MineSpec.DEFAULT_MAX_TRAIN_ROWS,
            MineSpec.DEFAULT_ENCODING, MineSpec.DEFAULT_MAX_TEST_ROWS);

    DataSettings withTransform(String v) {
        if (v == null || !MineSpec.TRANSFORMS.contains(v)) {
            throw new IllegalArgumentException("transform must be one of " + String.join(", ", MineSpec.TRANSFORMS) + ", got '"
                    + v + "'");
        }
        return new DataSettings(v, evalFraction, maxTrainRows, encoding, maxTestRows);
    }

    DataSettings withEvalFraction(double v) {
        if (!(v > 0 && v < 1)) {
            throw new IllegalArgumentException("eval-fraction must be in (0, 1), got " + v);
        }
        return new DataSettings(transform, v, maxTrainRows, encoding, maxTestRows);
    }

    DataSettings withMaxTrainRows(long v) {
        if (v < 2) {
            throw new IllegalArgumentException("max-train-rows must be >= 2, got " + v);
        }
        return new DataSettings(transform, evalFraction, v, encoding, maxTestRows);
    }

    DataSettings withEncoding(String v) {
        if (v == null || !MineSpec.ENCODINGS.contains(v)) {
            throw new IllegalArgumentException("encoding must be one of " + String.join(", ", MineSpec.ENCODINGS) + ", got '"
                    + v + "'");
        }
        return new DataSettings(transform, evalFraction, maxTrainRows, v, maxTestRows);
    }

    DataSettings withMaxTestRows(long v) {
        if (v < 2) {
            throw new IllegalArgumentException("max-test-rows must be >= 2, got " + v);
        }
        return new DataSettings(transform, evalFraction, maxTrainRows, encoding, v);
    }
}
