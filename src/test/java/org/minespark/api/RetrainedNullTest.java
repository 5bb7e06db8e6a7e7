package org.minespark.api;

import org.minespark.spec.MiResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link MiResult.RetrainedNull}: the Monte-Carlo p-value, mean and spread of the retrained null. */
class RetrainedNullTest {

    @Test
    void of_observedAboveEveryNull_pIsOneOverRPlusOne() {
        MiResult.RetrainedNull n = MiResult.RetrainedNull.of(2.0, new double[] {0.1, -0.2, 0.05, 0.0});
        assertEquals(4, n.critics());
        assertEquals(1.0 / 5, n.pValue(), 1e-15);
        assertEquals(-0.0125, n.meanNats(), 1e-15);
        // sample sd of {0.1, -0.2, 0.05, 0}: deviations 0.1125, -0.1875, 0.0625, 0.0125
        double ss = 0.1125 * 0.1125 + 0.1875 * 0.1875 + 0.0625 * 0.0625 + 0.0125 * 0.0125;
        assertEquals(Math.sqrt(ss / 3), n.stdNats(), 1e-15);
    }

    @Test
    void of_tiesCountAsAtLeast_pIncludesThem() {
        // two nulls >= 0.3 (one tie): p = (1 + 2) / (3 + 1)
        MiResult.RetrainedNull n = MiResult.RetrainedNull.of(0.3, new double[] {0.3, 0.5, 0.1});
        assertEquals(0.75, n.pValue(), 1e-15);
    }

    @Test
    void of_noCritics_none() {
        assertSame(MiResult.RetrainedNull.NONE, MiResult.RetrainedNull.of(1.0, new double[0]));
        MiResult.RetrainedNull one = MiResult.RetrainedNull.of(1.0, new double[] {2.0});
        assertEquals(1.0, one.pValue(), 0.0);
        assertTrue(Double.isNaN(one.stdNats()), "no spread from one critic");
    }

    @Test
    void constructor_badValues_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new MiResult.RetrainedNull(-1, 0, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new MiResult.RetrainedNull(1, 0, 0, 0.0));
    }
}
