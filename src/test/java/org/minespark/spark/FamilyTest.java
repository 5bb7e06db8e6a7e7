package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;

/** The multiple-testing step of pairs over the run's family (no Spark: rows built by hand). */
class FamilyTest {
    private static PairResult pair(String name, double mi, double p, double nullMean, double nullSd) {
        MiResult.Significance g = new MiResult.Significance(MiResult.Significance.TEST_PERMUTATION, 99, 0.05, p, p <= 0.05,
                nullMean, nullSd);
        return new PairResult(name, name, "t", mi, mi, mi, g, 1000, 200, 10, 10, true, false, false, false, 1,
                PairResult.OK, "");
    }

    /**
     * 210 pairs: 5 strongly dependent ones beat all 99 replicates (p = 0.01, the floor) with the
     * observed bound 30 null standard deviations above the null mean, and 205 independent ones
     * with p-values uniform on the Monte-Carlo grid {1/100, ..., 1}. Without the normal-tail
     * refinement BH would give the strong pairs q >= 210 / 100 > 1 and call nothing dependent; with
     * it they are called dependent, and of the independent pairs (each 0.01 with probability 1/100)
     * none passes at q <= 0.05 (an independent pair needs p <= 0.05 * rank / 210, at most 0.0012,
     * below the grid's 0.01 floor).
     */
    @Test
    void bh_strongPairsPass_independentOnesDoNot_withTheTailRefinement() {
        List<PairResult> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(pair("s" + i, 0.3, 0.01, 0.0, 0.01));
        }
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 205; i++) {
            rows.add(pair("n" + i, 0.01, (1 + r.nextInt(100)) / 100.0, 0.0, 0.01));
        }
        List<PairResult> out = PairsRunner.family(rows, "bh", 0.05);
        for (int i = 0; i < 5; i++) {
            assertTrue(out.get(i).dependent(), out.get(i).toString());
            assertTrue(out.get(i).qValue() < 1e-10, out.get(i).toString());
            assertEquals(0.01, out.get(i).pValue(), 0.0, "the reported p-value stays the Monte-Carlo one");
        }
        long falseCalls = out.subList(5, 210).stream().filter(PairResult::dependent).count();
        assertEquals(0, falseCalls);
        long rawCalls = rows.subList(5, 210).stream().filter(PairResult::dependent).count();
        assertTrue(rawCalls > 3, "uncorrected, about 5 % of 205 independent pairs are called dependent: " + rawCalls);
    }

    /** A pair without a permutation test keeps its verdict and a NaN q; Holm is at least BH. */
    @Test
    void untestedPairKeepsItsVerdict_holmIsStricter() {
        PairResult none = new PairResult("k ~ t", "k", "t", 0, 0, 0, MiResult.Significance.NONE, 1000, 0, 0, 0, false,
                false, false, false, 0, PairResult.CONSTANT, "constant");
        List<PairResult> rows = List.of(none, pair("a", 0.2, 0.02, 0.0, 0.1), pair("b", 0.2, 0.03, 0.0, 0.1),
                pair("c", 0.2, 0.04, 0.0, 0.1));
        List<PairResult> bh = PairsRunner.family(rows, "bh", 0.05);
        List<PairResult> holm = PairsRunner.family(rows, "holm", 0.05);
        assertTrue(Double.isNaN(bh.get(0).qValue()));
        assertFalse(bh.get(0).dependent());
        // BH: q = 0.04 for all three (3 * 0.04 / 3); Holm: 0.06, 0.06, 0.06 (3 * 0.02, then max with 2 * 0.03, 0.04)
        for (int i = 1; i < 4; i++) {
            assertEquals(0.04, bh.get(i).qValue(), 1e-15);
            assertTrue(bh.get(i).dependent());
            assertEquals(0.06, holm.get(i).qValue(), 1e-15);
            assertFalse(holm.get(i).dependent());
        }
    }
}
