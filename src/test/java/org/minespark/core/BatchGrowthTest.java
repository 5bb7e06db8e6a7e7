package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BatchGrowthTest {

    @Test
    void effectivePairsPerStep_scalesTheValidationEssToTheBatch() {
        // 100 effective pairs among 10 000 validation pairs = 1 %: a batch of 1024 has ~10.24
        assertEquals(10.24, BatchGrowth.effectivePairsPerStep(100, 10_000, 1024), 1e-12);
        assertTrue(Double.isNaN(BatchGrowth.effectivePairsPerStep(Double.NaN, 10_000, 1024)));
        assertTrue(Double.isNaN(BatchGrowth.effectivePairsPerStep(100, 0, 1024)));
    }

    @Test
    void next_belowThreshold_doubles() {
        BatchGrowth g = new BatchGrowth(true, 20, 8192);
        // 10.24 effective pairs per step < 20: double
        assertEquals(2048, g.next(1024, 100, 10_000, Integer.MAX_VALUE));
    }

    @Test
    void next_atOrAboveThreshold_keepsTheBatch() {
        BatchGrowth g = new BatchGrowth(true, 20, 8192);
        // exactly 20 pairs per step (ESS 20 % of 1000 validation rows at batch 100) is enough
        assertEquals(100, g.next(100, 200, 1000, Integer.MAX_VALUE));
        assertEquals(1024, g.next(1024, 5000, 10_000, Integer.MAX_VALUE));
    }

    @Test
    void next_capsAtMaxBatchAndDataLimit() {
        BatchGrowth g = new BatchGrowth(true, 20, 3000);
        assertEquals(3000, g.next(2048, 1, 10_000, Integer.MAX_VALUE));
        assertEquals(3000, g.next(3000, 1, 10_000, Integer.MAX_VALUE), "at the cap: no growth");
        assertEquals(2500, g.next(2048, 1, 10_000, 2500), "the data limit caps too");
        // a cap below the configured batch never shrinks it
        assertEquals(4096, new BatchGrowth(true, 20, 1024).next(4096, 1, 10_000, Integer.MAX_VALUE));
    }

    @Test
    void next_offOrNoEss_keepsTheBatch() {
        assertEquals(1024, BatchGrowth.OFF.next(1024, 1, 10_000, Integer.MAX_VALUE));
        assertFalse(BatchGrowth.OFF.enabled());
        BatchGrowth g = new BatchGrowth(true, 20, 8192);
        assertEquals(1024, g.next(1024, Double.NaN, 10_000, Integer.MAX_VALUE), "bound without an ESS");
        assertEquals(1024, g.next(1024, 1, 0, Integer.MAX_VALUE), "no validation rows");
    }

    @Test
    void constructor_badValues_throwNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchGrowth(true, 20, 0));
        assertTrue(e.getMessage().contains("max-batch-size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchGrowth(true, 0, 8192));
        assertThrows(IllegalArgumentException.class, () -> new BatchGrowth(true, Double.NaN, 8192));
        assertThrows(IllegalArgumentException.class, () -> new BatchGrowth(true, 20, 8192).next(0, 1, 1, 1));
    }

    @Test
    void appliesTo_onlySelfNormalisedPartitionBounds() {
        assertTrue(BatchGrowth.appliesTo("dv"));
        assertTrue(BatchGrowth.appliesTo("dv-biased"));
        assertFalse(BatchGrowth.appliesTo("nwj"));
        assertFalse(BatchGrowth.appliesTo("smile"));
        assertFalse(BatchGrowth.appliesTo("infonce"));
    }
}
