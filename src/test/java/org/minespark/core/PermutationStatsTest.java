package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PermutationStats} and the permutation replicates of {@link PartitionWorker#evaluateChunk}.
 * Value tolerances: critic scores are float32 (~1e-7 relative) summed in double over at most a few
 * hundred rows, so per-row means agree with the double reference to 1e-5 absolute for O(1) scores.
 */
class PermutationStatsTest {
    private static final CriticShape CONCAT = new CriticShape(3, 2, new int[] {7, 5});
    private static final CriticShape SEPARABLE = CriticShape.separable(3, 2, new int[] {7, 5}, 4);

    @Test
    void merge_equalsOnePass() {
        SplittableRandom r = new SplittableRandom(3);
        int k = 7;
        PermutationStats one = new PermutationStats(k);
        PermutationStats[] parts = {new PermutationStats(k), new PermutationStats(k), new PermutationStats(k)};
        for (int chunk = 0; chunk < 9; chunk++) {
            float[] obs = RefMlp.gaussians(r, 20);
            one.addObserved(obs, 20);
            parts[chunk % 3].addObserved(obs, 20);
            for (int q = 0; q < k; q++) {
                float[] t = RefMlp.gaussians(r, 20);
                one.addPermuted(q, t, 20);
                parts[chunk % 3].addPermuted(q, t, 20);
            }
        }
        PermutationStats merged = new PermutationStats(k).merge(parts[0]).merge(parts[1]).merge(parts[2]);
        assertEquals(one.count(), merged.count());
        assertEquals(one.pValue(), merged.pValue(), 0.0);
        assertArrayEquals(one.nullBounds(0.3), merged.nullBounds(0.3), 1e-12);
        assertEquals(one.nullStd(0.3), merged.nullStd(0.3), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> merged.merge(new PermutationStats(k + 1)));
    }

    @Test
    void pValue_strongSignal_isOneOverKPlusOne_andNoSignal_isOne() {
        int k = 99;
        PermutationStats strong = new PermutationStats(k);
        PermutationStats none = new PermutationStats(k);
        float[] ones = {1f, 1f, 1f, 1f};
        float[] zeros = new float[4];
        strong.addObserved(ones, 4);
        none.addObserved(zeros, 4);
        for (int q = 0; q < k; q++) {
            strong.addPermuted(q, zeros, 4);
            none.addPermuted(q, ones, 4);
        }
        assertEquals(0.01, strong.pValue(), 1e-15);
        assertEquals(1.0, none.pValue(), 0.0);
        // B_k = B - (S - S_k): the observed mean exceeds every replicate by 1
        assertEquals(2.5 - 1.0, strong.nullMean(2.5), 1e-12);
        assertEquals(0.0, strong.nullStd(2.5), 1e-12);
    }

    @Test
    void pValue_alwaysWithinBounds() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            int k = 1 + r.nextInt(30);
            PermutationStats s = new PermutationStats(k);
            s.addObserved(RefMlp.gaussians(r, 5), 5);
            for (int q = 0; q < k; q++) {
                s.addPermuted(q, RefMlp.gaussians(r, 5), 5);
            }
            double p = s.pValue();
            assertTrue(p >= 1.0 / (k + 1) && p <= 1.0, "p " + p + " for K " + k);
            assertEquals(0.0, p * (k + 1) - Math.rint(p * (k + 1)), 1e-9, "p is a multiple of 1/(K+1)");
        }
    }

    @Test
    void constructorAndEmpty_areRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PermutationStats(0));
        assertThrows(IllegalStateException.class, () -> new PermutationStats(3).pValue());
    }

    /**
     * Under independence the p-value of the worker's test is (super-)uniform: a small random-weight
     * concat critic on chunks of 48 independent Gaussian rows, K = 19, over M = 1000 seeds.
     * P(p <= 0.05) is exactly 1/20 for continuous scores, a little less because a shift of 0 (drawn
     * with probability 1/48) ties with the observed value and ties count against rejection. The
     * binomial sd of a frequency near 0.05 over 1000 seeds is sqrt(0.05 * 0.95 / 1000) = 0.0069; we
     * allow 3.5 sd (0.024). Near 0.5 the sd is 0.0158 and we allow 0.055. A test that ignored the
     * shifts (or used the observed pairs as replicates) would give p = 1 always and fail the first
     * check; one that rejected too often would fail the upper side.
     */
    @Test
    void evaluateChunk_independentData_pValueIsRoughlyUniform() {
        int m = 1000;
        int k = 19;
        int count = 48;
        float[][] p = CONCAT.init(5);
        PartitionWorker w = new PartitionWorker(CONCAT, Kernels.forName("scalar"), 64, Bound.forName("dv"));
        int atMost005 = 0;
        int atMost05 = 0;
        for (int seed = 1; seed <= m; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            float[] x = RefMlp.gaussians(r, count * 3);
            float[] y = RefMlp.gaussians(r, count * 2);
            PermutationStats ps = new PermutationStats(k);
            w.evaluateChunk(p, x, y, count, new SplittableRandom(seed), Bound.forName("dv").newStats(), ps,
                    new SplittableRandom(-seed));
            double pv = ps.pValue();
            atMost005 += pv <= 0.05 + 1e-12 ? 1 : 0;
            atMost05 += pv <= 0.5 + 1e-12 ? 1 : 0;
        }
        assertEquals(0.05, atMost005 / (double) m, 0.024, "P(p <= 0.05)");
        assertEquals(0.5, atMost05 / (double) m, 0.055, "P(p <= 0.5)");
    }

    /**
     * Every critic and bound: the estimate is the same with and without the test, and each replicate's
     * null bound equals {@code B - (S - S_q)} computed from the reference critic with the shifts the
     * worker draws (pairwise: one shift of the whole chunk in [0, count) per replicate; InfoNCE: one
     * shift in [0, k) per group and replicate), for a workspace that holds the chunk (the separable
     * critic's embedding path) and one that does not (slices).
     */
    @Test
    void evaluateChunk_eachCriticAndBound_replicatesMatchReference() {
        SplittableRandom r = new SplittableRandom(8);
        int count = 37;
        int k = 5;
        float[] x = RefMlp.gaussians(r, count * 3);
        float[] y = RefMlp.gaussians(r, count * 2);
        for (CriticShape shape : new CriticShape[] {CONCAT, SEPARABLE}) {
            float[][] p = shape.init(9);
            double[][] ref = RefMlp.copyParams(p);
            for (String name : new String[] {"dv", "nwj", "smile", "infonce"}) {
                for (int maxRows : new int[] {16, 64}) {
                    Bound b = Bound.forName(name, 0.01, 0.2, 8);
                    PartitionWorker w = new PartitionWorker(shape, Kernels.forName("scalar"), maxRows, b);
                    BoundStats plain = b.newStats();
                    w.evaluateChunk(p, x, y, count, new SplittableRandom(1), plain);
                    BoundStats st = b.newStats();
                    PermutationStats ps = new PermutationStats(k);
                    w.evaluateChunk(p, x, y, count, new SplittableRandom(1), st, ps, new SplittableRandom(77));
                    String what = name + " on " + shape + " in " + maxRows + " rows";
                    assertEquals(plain.estimate(), st.estimate(), 0.0, what + ": estimate unchanged by the test");
                    assertEquals(count, ps.count(), what);

                    double[] sPerm = new double[k];
                    double sObs = 0;
                    SplittableRandom shifts = new SplittableRandom(77);
                    if (name.equals("infonce")) {
                        int groups = (count + 7) / 8;
                        int r0 = 0;
                        for (int g = 0; g < groups; g++) {
                            int kg = count / groups + (g < count % groups ? 1 : 0);
                            for (int i = 0; i < kg; i++) {
                                sObs += score(shape, ref, x, y, r0 + i, r0 + i);
                            }
                            for (int q = 0; q < k; q++) {
                                int s = shifts.nextInt(kg);
                                for (int i = 0; i < kg; i++) {
                                    sPerm[q] += score(shape, ref, x, y, r0 + i, r0 + (i + s) % kg);
                                }
                            }
                            r0 += kg;
                        }
                    } else {
                        int[] s = new int[k];
                        for (int q = 0; q < k; q++) {
                            s[q] = shifts.nextInt(count);
                        }
                        for (int i = 0; i < count; i++) {
                            sObs += score(shape, ref, x, y, i, i);
                            for (int q = 0; q < k; q++) {
                                sPerm[q] += score(shape, ref, x, y, i, (i + s[q]) % count);
                            }
                        }
                    }
                    double[] nb = ps.nullBounds(st.estimate());
                    int atLeast = 0;
                    for (int q = 0; q < k; q++) {
                        assertEquals(st.estimate() - (sObs - sPerm[q]) / count, nb[q], 1e-5, what + " replicate " + q);
                        atLeast += sPerm[q] >= sObs ? 1 : 0;
                    }
                    assertEquals((1.0 + atLeast) / (k + 1), ps.pValue(), 1e-12, what);
                }
            }
        }
    }

    private static double score(CriticShape shape, double[][] ref, float[] x, float[] y, int xi, int yi) {
        return RefMlp.score(shape, ref, new double[] {x[xi * 3], x[xi * 3 + 1], x[xi * 3 + 2]},
                new double[] {y[yi * 2], y[yi * 2 + 1]});
    }

    @Test
    void evaluateChunk_permutationsWithoutStream_areRejected() {
        PartitionWorker w = new PartitionWorker(CONCAT, Kernels.forName("scalar"), 16, Bound.forName("dv"));
        float[] x = new float[12];
        float[] y = new float[8];
        assertThrows(IllegalArgumentException.class, () -> w.evaluateChunk(CONCAT.init(1), x, y, 4,
                new SplittableRandom(1), Bound.forName("dv").newStats(), new PermutationStats(3), null));
    }
}
