package org.minespark.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The automatic critic widths of {@link SettingAccessors#hiddenFor}, batch cap of
 * {@link SettingAccessors#maxBatchSizeFor} and learning rate of {@link SettingAccessors#learningRateFor}:
 * from the input's dimensions unless set.
 */
class CriticWidthsTest {
    @Test
    void hiddenFor_narrowInputs_getThreeLayersOf128_upTo16Dimensions() {
        MineSpec spec = MineSpec.x("x").y("y");
        assertEquals(List.of(128, 128, 128), spec.hiddenFor(2));
        assertEquals(List.of(128, 128, 128), spec.hiddenFor(6));
        assertEquals(List.of(128, 128, 128), spec.hiddenFor(16));
    }

    @Test
    void hiddenFor_wideInputs_getThreeLayersOf128_above16Dimensions() {
        // two layers of 256 until 2026-12-07 (docs/accuracy.md, "A faster critic for wide inputs")
        MineSpec spec = MineSpec.x("x").y("y");
        assertEquals(List.of(128, 128, 128), spec.hiddenFor(17));
        assertEquals(List.of(128, 128, 128), spec.hiddenFor(40));
    }

    @Test
    void hiddenFor_setWidths_winWhateverTheInput() {
        MineSpec spec = MineSpec.x("x").y("y").withHidden(List.of(64, 32));
        assertEquals(List.of(64, 32), spec.hiddenFor(6));
        assertEquals(List.of(64, 32), spec.hiddenFor(40));
    }

    @Test
    void maxBatchSizeFor_auto_is2048UpTo16Dimensions_4096Above() {
        MineSpec spec = MineSpec.x("x").y("y");
        assertEquals(0, spec.maxBatchSize());
        assertEquals(2048, spec.maxBatchSizeFor(6));
        assertEquals(2048, spec.maxBatchSizeFor(16));
        assertEquals(4096, spec.maxBatchSizeFor(17));
        assertEquals(4096, spec.maxBatchSizeFor(40));
    }

    @Test
    void maxBatchSizeFor_setCap_winsWhateverTheInput_andNegativeIsRejected() {
        MineSpec spec = MineSpec.x("x").y("y").withMaxBatchSize(8192);
        assertEquals(8192, spec.maxBatchSizeFor(6));
        assertEquals(8192, spec.maxBatchSizeFor(40));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MineSpec.x("x").y("y").withMaxBatchSize(-2));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("max-batch-size")
                && e.getMessage().contains("-2"), e.getMessage());
    }

    @Test
    void learningRateFor_auto_is2eMinus3UpTo16Dimensions_1eMinus3Above() {
        MineSpec spec = MineSpec.x("x").y("y");
        assertEquals(0.0, spec.learningRate(), 0.0);
        assertEquals(2e-3, spec.learningRateFor(6), 0.0);
        assertEquals(2e-3, spec.learningRateFor(16), 0.0);
        assertEquals(1e-3, spec.learningRateFor(17), 0.0);
        assertEquals(1e-3, spec.learningRateFor(Integer.MAX_VALUE), 0.0);
    }

    @Test
    void learningRateFor_setRate_winsWhateverTheInput_andNegativeIsRejected() {
        MineSpec spec = MineSpec.x("x").y("y").withLearningRate(5e-4);
        assertEquals(5e-4, spec.learningRateFor(6), 0.0);
        assertEquals(5e-4, spec.learningRateFor(40), 0.0);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MineSpec.x("x").y("y").withLearningRate(-1e-3));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("learning-rate")
                && e.getMessage().contains("-0.001"), e.getMessage());
    }
}
