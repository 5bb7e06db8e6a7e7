package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The critic shared over the positions of tensor rows ({@link CriticShape#withPositions}) in
 * {@link PartitionWorker}: the training step is the plain step over the (row, position) pairs, the
 * held-out statistics use the row as the unit.
 */
class TensorPositionsTest {
    private static final int DX = 3;
    private static final int DY = 2;
    private static final int P = 5;
    private static final CriticShape PLAIN = new CriticShape(DX, DY, new int[] {8, 6});
    private static final CriticShape TENSOR = PLAIN.withPositions(P);

    private static float[] values(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return v;
    }

    @Test
    void withPositions_validatesAndKeepsEquality() {
        assertEquals(PLAIN, PLAIN.withPositions(1));
        assertEquals(PLAIN.hashCode(), PLAIN.withPositions(1).hashCode());
        assertNotEquals(PLAIN, TENSOR);
        assertEquals(P * DX, TENSOR.xWidth());
        assertEquals(P * DY, TENSOR.yWidth());
        assertEquals(PLAIN.numParams(), TENSOR.numParams());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PLAIN.withPositions(0));
        assertTrue(e.getMessage().contains("positions must be >= 1, got 0"), e.getMessage());
    }

    @Test
    void worker_separableOrInfonceWithPositions_rejected() {
        CriticShape sep = CriticShape.separable(DX, DY, new int[] {4}, 3).withPositions(P);
        assertThrows(IllegalArgumentException.class, () -> new PartitionWorker(sep, Kernels.forName("scalar"), 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PartitionWorker(TENSOR, Kernels.forName("scalar"), 8, Bound.forName("infonce", 0.01, 5, 8)));
        assertTrue(e.getMessage().contains("infonce"), e.getMessage());
    }

    /**
     * A tensor step of b rows is exactly (bit for bit: same critic rows in the same order) the plain
     * step over the b P exploded (row, position) pairs whose marginal pairing keeps the position:
     * sums over all pairs, so the DV gradient is the average of the per-position gradients. Checked
     * for a pairwise bound of each kind (dv, the JS-gradient smile, nwj).
     */
    @Test
    void trainStep_tensorRows_equalsPlainStepOverExplodedPositions() {
        for (String b : new String[] {"dv", "smile", "nwj"}) {
            Bound bound = Bound.forName(b, 0.01, 5.0, 8);
            SplittableRandom r = new SplittableRandom(99);
            int rows = 11;
            int batch = 7;
            float[] x = values(r, rows * P * DX);
            float[] y = values(r, rows * P * DY);
            float[][] params = PLAIN.init(3);
            Kernels k = Kernels.forName("vector");

            PartitionWorker tw = new PartitionWorker(TENSOR, k, batch, bound);
            PartitionWorker.drawMinibatch(1234L, rows, batch, tw.idx, tw.perm);
            StepAggregate ta = tw.trainStepOn(new FloatBlock(rows, P * DX, P * DY, x, y), params, batch,
                    new StepAggregate((int) PLAIN.numParams()));

            // the same data as rows * P plain rows; row r*P+p is position p of row r
            PartitionWorker pw = new PartitionWorker(PLAIN, k, batch * P, bound);
            for (int i = 0; i < batch; i++) {
                for (int p = 0; p < P; p++) {
                    pw.idx[i * P + p] = tw.idx[i] * P + p;
                }
            }
            // plain marginal pairing: x of exploded row v with y of exploded row idx[perm[v]]
            // = (row idx[perm[i]], position p): perm[v] = perm[i] * P + p
            for (int i = 0; i < batch; i++) {
                for (int p = 0; p < P; p++) {
                    pw.perm[i * P + p] = tw.perm[i] * P + p;
                }
            }
            StepAggregate pa = pw.trainStepOn(new FloatBlock(rows * P, DX, DY, x, y), params, batch * P,
                    new StepAggregate((int) PLAIN.numParams()));

            assertEquals(batch * P, ta.nJoint(), b);
            assertEquals(pa.nJoint(), ta.nJoint(), b);
            assertEquals(pa.nMarg(), ta.nMarg(), b);
            assertEquals(pa.sumTJoint(), ta.sumTJoint(), 0.0, b);
            assertEquals(pa.maxMarg(), ta.maxMarg(), 0.0, b);
            assertEquals(pa.sumExpMarg(), ta.sumExpMarg(), 0.0, b);
            assertArrayEquals(pa.gradJoint(), ta.gradJoint(), 0.0, b);
            assertArrayEquals(pa.gradMarg(), ta.gradMarg(), 0.0, b);
        }
    }

    /**
     * The joint gradient of a tensor step is the sum over positions of each position's own joint
     * gradient (each computed with a separate plain critic on that position's b rows), and its sum
     * of T matches a double-precision reference forward of every (row, position) pair.
     */
    @Test
    void trainStep_jointGradient_isSumOfPerPositionGradients() {
        SplittableRandom r = new SplittableRandom(7);
        int rows = 9;
        int batch = 6;
        float[] x = values(r, rows * P * DX);
        float[] y = values(r, rows * P * DY);
        float[][] params = PLAIN.init(11);
        Kernels k = Kernels.forName("scalar");
        PartitionWorker tw = new PartitionWorker(TENSOR, k, batch, Bound.forName("dv"));
        PartitionWorker.drawMinibatch(55L, rows, batch, tw.idx, tw.perm);
        StepAggregate ta = tw.trainStepOn(new FloatBlock(rows, P * DX, P * DY, x, y), params, batch,
                new StepAggregate((int) PLAIN.numParams()));

        double[] expected = new double[(int) PLAIN.numParams()];
        double sumT = 0;
        double[][] dp = RefMlp.copyParams(params);
        for (int p = 0; p < P; p++) {
            Critic c = new Critic(PLAIN, k, batch);
            for (int i = 0; i < batch; i++) {
                int row = tw.idx[i];
                System.arraycopy(x, row * P * DX + p * DX, c.input(), i * (DX + DY), DX);
                System.arraycopy(y, row * P * DY + p * DY, c.input(), i * (DX + DY) + DX, DY);
                double[] in = new double[DX + DY];
                for (int j = 0; j < DX + DY; j++) {
                    in[j] = c.input()[i * (DX + DY) + j];
                }
                sumT += RefMlp.forward(PLAIN, dp, in);
            }
            c.forward(params, batch);
            float[] ones = new float[batch];
            java.util.Arrays.fill(ones, 1f);
            float[][] g = PLAIN.zeros();
            c.backward(params, ones, batch, g);
            int o = 0;
            for (float[] t : g) {
                for (float v : t) {
                    expected[o++] += v;
                }
            }
        }
        assertEquals(sumT, ta.sumTJoint(), 1e-4 * batch * P);
        double[] got = ta.gradJoint();
        for (int i = 0; i < expected.length; i++) {
            // float32 sums of batch * P = 30 terms of size ~1: rounding ~1e-5
            assertEquals(expected[i], got[i], 1e-4 * (1 + Math.abs(expected[i])), "gradient entry " + i);
        }
    }

    /**
     * Held-out evaluation of tensor rows feeds the bound's statistics one value pair per row: the
     * mean joint T over the positions and the log of the mean marginal e^T over the positions (y
     * from the row {@code (i + shift) mod count} at the same position, the shift drawn as for plain
     * rows), so the estimate is the pooled DV over all (row, position) pairs and the standard error
     * is the delta method over rows. Reference: a double-precision forward of every pair.
     */
    @Test
    void evaluateChunk_tensorRows_rowMeansIntoStats() {
        SplittableRandom r = new SplittableRandom(5);
        int count = 23;
        float[] x = values(r, count * P * DX);
        float[] y = values(r, count * P * DY);
        float[][] params = PLAIN.init(4);
        double[][] dp = RefMlp.copyParams(params);
        // a workspace of 4 rows: several critic passes per chunk
        PartitionWorker w = new PartitionWorker(TENSOR, Kernels.forName("vector"), 4, Bound.forName("dv"));
        DvEvalStats got = new DvEvalStats();
        w.evaluateChunk(params, x, y, count, new SplittableRandom(77), got);

        int shift = 1 + new SplittableRandom(77).nextInt(count - 1);
        float[] a = new float[count];
        float[] b = new float[count];
        double pooledJoint = 0;
        double pooledExp = 0;
        for (int i = 0; i < count; i++) {
            int j = (i + shift) % count;
            double sa = 0;
            double se = 0;
            for (int p = 0; p < P; p++) {
                double tj = RefMlp.forward(PLAIN, dp, pair(x, y, i, i, p));
                double tm = RefMlp.forward(PLAIN, dp, pair(x, y, i, j, p));
                sa += tj;
                se += Math.exp(tm);
            }
            a[i] = (float) (sa / P);
            b[i] = (float) Math.log(se / P);
            pooledJoint += sa;
            pooledExp += se;
        }
        DvEvalStats want = new DvEvalStats();
        want.add(a, b, count);
        assertEquals(count, got.count());
        assertEquals(want.estimate(), got.estimate(), 1e-5);
        assertEquals(want.stdError(), got.stdError(), 1e-5 * (1 + want.stdError()));
        // the estimate is the DV pooled over all count * P pairs
        double pooled = pooledJoint / (count * P) - Math.log(pooledExp / (count * P));
        assertEquals(pooled, got.estimate(), 1e-5);
    }

    private static double[] pair(float[] x, float[] y, int xi, int yi, int p) {
        double[] in = new double[DX + DY];
        for (int j = 0; j < DX; j++) {
            in[j] = x[xi * P * DX + p * DX + j];
        }
        for (int j = 0; j < DY; j++) {
            in[DX + j] = y[yi * P * DY + p * DY + j];
        }
        return in;
    }

    /**
     * The row is the unit of the CI: when every position of a row repeats the same vector (fully
     * dependent positions: no more information than one position), the tensor evaluation gives the
     * same estimate and the same standard error as the plain evaluation of one position per row,
     * not a standard error sqrt(P) times smaller as pooling the pairs as independent would. The
     * permutation test statistic and replicates are equal too (whole rows re-paired).
     */
    @Test
    void evaluateChunk_repeatedPositions_sameCiAsOnePosition() {
        SplittableRandom r = new SplittableRandom(8);
        int count = 40;
        float[] x1 = values(r, count * DX);
        float[] y1 = values(r, count * DY);
        float[] x = new float[count * P * DX];
        float[] y = new float[count * P * DY];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < P; p++) {
                System.arraycopy(x1, i * DX, x, i * P * DX + p * DX, DX);
                System.arraycopy(y1, i * DY, y, i * P * DY + p * DY, DY);
            }
        }
        float[][] params = PLAIN.init(21);
        Kernels k = Kernels.forName("scalar");
        DvEvalStats plain = new DvEvalStats();
        PermutationStats plainPerm = new PermutationStats(9);
        new PartitionWorker(PLAIN, k, 64).evaluateChunk(params, x1, y1, count, new SplittableRandom(3), plain,
                plainPerm, new SplittableRandom(4));
        DvEvalStats tensor = new DvEvalStats();
        PermutationStats tensorPerm = new PermutationStats(9);
        new PartitionWorker(TENSOR, k, 64).evaluateChunk(params, x, y, count, new SplittableRandom(3), tensor,
                tensorPerm, new SplittableRandom(4));
        assertEquals(plain.count(), tensor.count());
        assertEquals(plain.estimate(), tensor.estimate(), 1e-5);
        assertEquals(plain.stdError(), tensor.stdError(), 1e-5 * plain.stdError());
        assertTrue(plain.stdError() > 0);
        assertEquals(plainPerm.pValue(), tensorPerm.pValue(), 0.0);
        assertEquals(plainPerm.nullMean(plain.estimate()), tensorPerm.nullMean(tensor.estimate()), 1e-5);
    }
}
