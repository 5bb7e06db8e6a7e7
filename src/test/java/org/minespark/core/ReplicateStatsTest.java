package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplicateStatsTest {

    @Test
    void meanSpreadAndCombinedStandardError() {
        ReplicateStats s = new ReplicateStats(new double[] {4.0, 4.2, 4.1}, new double[] {0.03, 0.05, 0.04});
        assertEquals(4.1, s.mean(), 1e-12);
        assertEquals(0.1, s.spread(), 1e-12); // sample sd of 4.0, 4.1, 4.2
        assertEquals(0.04, s.heldOutSe(), 1e-12);
        double train = 0.01 / 3;
        assertEquals(Math.sqrt(train + 0.0016), s.stdError(), 1e-12);
        // Welch-Satterthwaite: (train + h^2)^2 / (train^2 / 2) = 4.38, rounded down
        assertEquals(4, s.degreesOfFreedom());
        assertEquals(4.1 - 2.776 * s.stdError(), s.low(false), 1e-12);
        assertEquals(4.1 + 2.776 * s.stdError(), s.high(false), 1e-12);
        assertEquals(4.1 - 2.132 * s.stdError(), s.low(true), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, s.high(true));
    }

    @Test
    void oneReplicate_isTheHeldOutNormalInterval() {
        ReplicateStats s = new ReplicateStats(new double[] {2.0}, new double[] {0.05});
        assertEquals(0.0, s.spread());
        assertEquals(0.05, s.stdError(), 1e-15);
        assertEquals(Integer.MAX_VALUE, s.degreesOfFreedom());
        assertEquals(2.0 - ReplicateStats.Z975 * 0.05, s.low(false), 1e-15);
        assertEquals(2.0 - ReplicateStats.Z95 * 0.05, s.low(true), 1e-15);
    }

    @Test
    void heldOutNoiseDominating_givesManyDegreesOfFreedom() {
        // spread 0.001 against held-out se 0.05: nearly a normal interval
        ReplicateStats s = new ReplicateStats(new double[] {1.0, 1.001, 1.002}, new double[] {0.05, 0.05, 0.05});
        assertTrue(s.degreesOfFreedom() > 1000, s.toString());
        assertEquals(1.001 - ReplicateStats.Z975 * s.stdError(), s.low(false), 1e-12);
    }

    @Test
    void centredOnTheEnsemble_keepsTheSpreadAndTakesItsHeldOutError() {
        ReplicateStats s = new ReplicateStats(new double[] {4.0, 4.2, 4.1}, new double[] {0.03, 0.05, 0.04})
                .centredOn(4.15, 0.02);
        assertEquals(4.15, s.mean(), 1e-12);
        assertEquals(0.1, s.spread(), 1e-12);
        assertEquals(Math.sqrt(0.01 / 3 + 0.0004), s.stdError(), 1e-12);
        // (train + h^2)^2 / (train^2 / 2) = 2.53..., rounded down
        assertEquals(2, s.degreesOfFreedom());
        assertEquals(4.15 - 4.303 * s.stdError(), s.low(false), 1e-12);
        // the line through the single critics' mean 4.1 (R = 1) and the ensemble 4.15 (R = 3) meets
        // 1/R = 0 at 4.15 + 0.05 / 2: the upper end reaches from there
        assertEquals(4.175, s.extrapolated(), 1e-12);
        assertEquals(4.175 + 4.303 * s.stdError(), s.high(false), 1e-12);
        // an ensemble below the members' mean (rounding, noise) extrapolates nothing
        ReplicateStats below = new ReplicateStats(new double[] {4.0, 4.2, 4.1}, new double[] {0.03, 0.05, 0.04})
                .centredOn(4.05, 0.02);
        assertEquals(4.05, below.extrapolated(), 1e-12);
        // not centred on an ensemble: nothing extrapolated
        assertEquals(4.1, new ReplicateStats(new double[] {4.0, 4.2, 4.1}, new double[] {0.03, 0.05, 0.04})
                .extrapolated(), 1e-12);
    }

    @Test
    void tQuantiles_matchTables() {
        assertEquals(12.706, ReplicateStats.tQuantile(1, true));
        assertEquals(2.042, ReplicateStats.tQuantile(30, true));
        assertEquals(ReplicateStats.Z975, ReplicateStats.tQuantile(31, true));
        assertEquals(ReplicateStats.Z95, ReplicateStats.tQuantile(1000, false));
        assertThrows(IllegalArgumentException.class, () -> ReplicateStats.tQuantile(0, true));
    }

    @Test
    void mismatchedLengths_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReplicateStats(new double[] {1, 2}, new double[] {0.1}));
        assertTrue(e.getMessage().contains("2 estimates and 1 standard errors"), e.getMessage());
    }
}
