package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MultipleTestingTest {
    private static final double[] P = {0.01, 0.04, 0.03, 0.005, 0.5, 0.2};

    /**
     * By hand (as R's p.adjust(p, "BH") computes it): sorted p 0.005, 0.01, 0.03, 0.04, 0.2, 0.5;
     * m p_(j) / j = 0.03, 0.03, 0.06, 0.06, 0.24, 0.5; running minimum from the top gives the same
     * values, put back in the input order.
     */
    @Test
    void benjaminiHochberg_byHand() {
        assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.03, 0.5, 0.24}, MultipleTesting.benjaminiHochberg(P), 1e-15);
    }

    /** (m - j + 1) p_(j) = 0.03, 0.05, 0.12, 0.12, 0.4, 0.5, running maximum from the bottom. */
    @Test
    void holm_byHand() {
        assertArrayEquals(new double[] {0.05, 0.12, 0.12, 0.03, 0.5, 0.4}, MultipleTesting.holm(P), 1e-15);
    }

    /** NaN (no test) is outside the family: m counts the finite p-values only. */
    @Test
    void nan_isLeftOut_andBadValuesRejected() {
        double[] q = MultipleTesting.adjust("bh", new double[] {0.01, Double.NaN, 0.04});
        assertArrayEquals(new double[] {0.02, Double.NaN, 0.04}, q, 1e-15);
        assertArrayEquals(new double[] {0.02, Double.NaN, 0.04}, MultipleTesting.adjust("holm", new double[] {0.01, Double.NaN, 0.04}), 1e-15);
        assertArrayEquals(P, MultipleTesting.adjust("none", P), 0.0);
        assertThrows(IllegalArgumentException.class, () -> MultipleTesting.adjust("bonf", P));
        assertThrows(IllegalArgumentException.class, () -> MultipleTesting.benjaminiHochberg(new double[] {1.5}));
        for (double v : MultipleTesting.benjaminiHochberg(P)) {
            assertTrue(v >= 0 && v <= 1);
        }
    }
}
