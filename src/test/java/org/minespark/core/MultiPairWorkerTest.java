package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** A pair trained in a multi-pair step gets exactly the aggregate of a single-pair step on its own columns. */
class MultiPairWorkerTest {
    static final int ROWS = 300;
    static final int WIDTH = 5;

    /** A wide block (5 dims) and, for pair (x = dims {3, 0}, y = dim {4}), its own narrow block. */
    private static float[] wide() {
        SplittableRandom r = new SplittableRandom(3);
        float[] w = new float[ROWS * WIDTH];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return w;
    }

    private static FloatBlock narrow(float[] w, int[] xd, int[] yd) {
        float[] x = new float[ROWS * xd.length];
        float[] y = new float[ROWS * yd.length];
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < xd.length; j++) {
                x[r * xd.length + j] = w[r * WIDTH + xd[j]];
            }
            for (int j = 0; j < yd.length; j++) {
                y[r * yd.length + j] = w[r * WIDTH + yd[j]];
            }
        }
        return new FloatBlock(ROWS, xd.length, yd.length, x, y);
    }

    @Test
    void trainStep_eachPair_bitIdenticalToSinglePairStep() {
        for (String boundName : new String[] {"dv", "nwj", "infonce"}) {
            Bound bound = Bound.forName(boundName, 0.01, 5, 16);
            float[] w = wide();
            FloatBlock block = new FloatBlock(ROWS, WIDTH, 0, w, new float[0]);
            int[][] xd = {{3, 0}, {1}, {2}};
            int[][] yd = {{4}, {4}, {0, 1}};
            CriticShape[] shapes = new CriticShape[3];
            float[][][] params = new float[3][][];
            for (int p = 0; p < 3; p++) {
                shapes[p] = new CriticShape(xd[p].length, yd[p].length, new int[] {8, 8});
                params[p] = shapes[p].init(10 + p);
            }
            MultiPairWorker multi = new MultiPairWorker(shapes, xd, yd, Kernels.forName("scalar"), bound);
            StepAggregate[] got = multi.trainStep(block, params, new int[] {64, 64, 64}, 99L);
            for (int p = 0; p < 3; p++) {
                StepAggregate ref = new PartitionWorker(shapes[p], Kernels.forName("scalar"), 64, bound)
                        .trainStep(narrow(w, xd[p], yd[p]), params[p], 64, 99L);
                assertEquals(ref.sumTJoint(), got[p].sumTJoint(), 0.0, boundName + " pair " + p);
                assertEquals(ref.sumExpMarg(), got[p].sumExpMarg(), 0.0, boundName + " pair " + p);
                assertEquals(ref.sumRowTerms(), got[p].sumRowTerms(), 0.0, boundName + " pair " + p);
                assertArrayEquals(ref.gradJoint(), got[p].gradJoint(), 0.0, boundName + " pair " + p);
                assertArrayEquals(ref.gradMarg(), got[p].gradMarg(), 0.0, boundName + " pair " + p);
            }
        }
    }

    @Test
    void trainStep_stoppedPair_getsEmptyAggregateOthersUnchanged() {
        float[] w = wide();
        FloatBlock block = new FloatBlock(ROWS, WIDTH, 0, w, new float[0]);
        int[][] xd = {{0}, {1}};
        int[][] yd = {{4}, {4}};
        CriticShape s = new CriticShape(1, 1, new int[] {8});
        MultiPairWorker multi = new MultiPairWorker(new CriticShape[] {s, s}, xd, yd, Kernels.forName("scalar"),
                Bound.forName("dv"));
        // the aggregates belong to the worker: read them before the next step
        double bothSecond = multi.trainStep(block, new float[][][] {s.init(1), s.init(2)}, new int[] {32, 32}, 5L)[1]
                .sumTJoint();
        StepAggregate[] one = multi.trainStep(block, new float[][][] {null, s.init(2)}, new int[] {32, 32}, 5L);
        assertEquals(0, one[0].nJoint());
        assertEquals(bothSecond, one[1].sumTJoint(), 0.0);
    }

    /** Critics of different batch shares: each gets the draw it gets alone (a draw depends only on its batch). */
    @Test
    void trainStep_differentBatches_eachBitIdenticalToSinglePairStep() {
        Bound bound = Bound.forName("dv");
        float[] w = wide();
        FloatBlock block = new FloatBlock(ROWS, WIDTH, 0, w, new float[0]);
        int[][] xd = {{0}, {1}, {2}};
        int[][] yd = {{4}, {4}, {3}};
        int[] batch = {16, 40, 16};
        CriticShape s = new CriticShape(1, 1, new int[] {8});
        float[][][] params = {s.init(1), s.init(2), s.init(3)};
        StepAggregate[] got = new MultiPairWorker(new CriticShape[] {s, s, s}, xd, yd, Kernels.forName("scalar"), bound)
                .trainStep(block, params, batch, 11L);
        for (int p = 0; p < 3; p++) {
            StepAggregate ref = new PartitionWorker(s, Kernels.forName("scalar"), 64, bound)
                    .trainStep(narrow(w, xd[p], yd[p]), params[p], batch[p], 11L);
            assertEquals(batch[p], got[p].nJoint(), "critic " + p);
            assertEquals(ref.sumTJoint(), got[p].sumTJoint(), 0.0, "critic " + p);
            assertArrayEquals(ref.gradMarg(), got[p].gradMarg(), 0.0, "critic " + p);
        }
    }

    @Test
    void evaluateChunk_permutations_eachPairEqualsSinglePairEvaluation() {
        float[] w = wide();
        int[][] xd = {{3, 0}, {1}};
        int[][] yd = {{4}, {2}};
        Bound bound = Bound.forName("dv");
        CriticShape[] shapes = {new CriticShape(2, 1, new int[] {8}), new CriticShape(1, 1, new int[] {8})};
        float[][][] params = {shapes[0].init(1), shapes[1].init(2)};
        MultiPairWorker multi = new MultiPairWorker(shapes, xd, yd, Kernels.forName("scalar"), bound);
        BoundStats[] st = {bound.newStats(), bound.newStats()};
        PermutationStats[] perms = {new PermutationStats(19), new PermutationStats(19)};
        multi.evaluateChunk(params, w, WIDTH, ROWS, new SplittableRandom[] {new SplittableRandom(7), new SplittableRandom(7)},
                st, perms, new SplittableRandom[] {new SplittableRandom(8), new SplittableRandom(8)});
        for (int p = 0; p < 2; p++) {
            FloatBlock nb = narrow(w, xd[p], yd[p]);
            BoundStats ref = bound.newStats();
            PermutationStats refPerm = new PermutationStats(19);
            new PartitionWorker(shapes[p], Kernels.forName("scalar"), MultiPairWorker.EVAL_ROWS, bound).evaluateChunk(params[p], nb.x(), nb.y(),
                    ROWS, new SplittableRandom(7), ref, refPerm, new SplittableRandom(8));
            assertEquals(ref.estimate(), st[p].estimate(), 0.0, "pair " + p);
            assertEquals(refPerm.pValue(), perms[p].pValue(), 0.0, "pair " + p);
            assertArrayEquals(refPerm.nullBounds(ref.estimate()), perms[p].nullBounds(st[p].estimate()), 0.0, "pair " + p);
        }
        // a stopped pair (null params) is skipped: its accumulators stay empty
        PermutationStats[] more = {new PermutationStats(3), new PermutationStats(3)};
        BoundStats[] st2 = {bound.newStats(), bound.newStats()};
        multi.evaluateChunk(new float[][][] {null, params[1]}, w, WIDTH, ROWS,
                new SplittableRandom[] {new SplittableRandom(7), new SplittableRandom(7)}, st2, more,
                new SplittableRandom[] {new SplittableRandom(8), new SplittableRandom(8)});
        assertEquals(0, more[0].count());
        assertEquals(ROWS, more[1].count());
    }

    @Test
    void constructor_mismatchedShape_namesPair() {
        CriticShape s = new CriticShape(2, 1, new int[] {8});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MultiPairWorker(
                new CriticShape[] {s}, new int[][] {{0}}, new int[][] {{1}}, Kernels.forName("scalar"), Bound.forName("dv")));
        assertEquals(true, e.getMessage().startsWith("critic 0"), e.getMessage());
    }
}
