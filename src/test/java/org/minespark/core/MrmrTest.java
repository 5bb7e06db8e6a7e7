package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link Mrmr}: a redundant copy falls behind a weaker feature with information of its own. */
class MrmrTest {
    private static final double N = Double.NaN;

    @Test
    void redundantCopy_fallsBehindAnIndependentWeakerFeature() {
        // f0 = strongest; f1 = a near copy of f0 (relevance 0.9, redundancy with f0 0.8); f2 weaker
        // (0.5) but independent of both; f3 unknown relevance (left out)
        double[] rel = {1.0, 0.9, 0.5, N};
        double[][] red = {
            {N, 0.8, 0.0, 0.1},
            {0.8, N, 0.0, 0.1},
            {0.0, 0.0, N, 0.1},
            {0.1, 0.1, 0.1, N}};
        List<Mrmr.Step> o = Mrmr.order(rel, red);
        assertEquals(List.of(0, 2, 1), o.stream().map(Mrmr.Step::feature).toList());
        assertEquals(1.0, o.get(0).score(), 0);
        assertEquals(0.5, o.get(1).score(), 0);           // 0.5 - mean{0.0}
        assertEquals(0.9 - 0.4, o.get(2).score(), 1e-12);  // 0.9 - mean{0.8, 0.0}
    }

    @Test
    void unknownRedundancy_leftOutOfTheMean_badShapeFails() {
        List<Mrmr.Step> o = Mrmr.order(new double[] {0.3, 0.2}, new double[][] {{N, N}, {N, N}});
        assertEquals(List.of(0, 1), o.stream().map(Mrmr.Step::feature).toList());
        assertEquals(0.2, o.get(1).score(), 0);
        assertThrows(IllegalArgumentException.class, () -> Mrmr.order(new double[2], new double[1][1]));
    }
}
