package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of the critic's backward pass and of the DV loss gradient assembled
 * from the mergeable aggregate. The analytic gradients are computed in float32; the finite
 * differences use a double-precision reference forward with double parameters and central
 * differences with h = 1e-7 (truncation O(h^2), rounding ~1e-16/h = 1e-9; a ReLU kink is crossed
 * only with probability ~ h * rows * density, ~1e-5 over all checked entries).
 * Float32 accumulation over the batch gives relative errors ~1e-6 * sqrt(rows); we require a
 * norm-relative error below 1e-3 and every entry within 1e-3 * (|fd| + 1e-3 * max|fd|).
 */
class GradientCheckTest {
    private static final CriticShape SHAPE = new CriticShape(3, 2, new int[] {7, 5});
    private static final int ROWS = 37;

    private static float[][] inputs(SplittableRandom r, int rows, int width) {
        float[][] x = new float[rows][width];
        for (float[] row : x) {
            for (int i = 0; i < width; i++) {
                row[i] = (float) (r.nextDouble() * 4 - 2);
            }
        }
        return x;
    }

    @Test
    void backward_matchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(12345);
        float[][] p = SHAPE.init(7);
        float[][] in = inputs(r, ROWS, SHAPE.inputDim());
        float[] up = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            up[i] = (float) (r.nextDouble() * 2 - 0.5);
        }
        Critic c = new Critic(SHAPE, Kernels.forName("scalar"), 64);
        for (int i = 0; i < ROWS; i++) {
            System.arraycopy(in[i], 0, c.input(), i * SHAPE.inputDim(), SHAPE.inputDim());
        }
        float[] t = c.forward(p, ROWS);
        for (int i = 0; i < ROWS; i++) {
            double[] d = toDouble(in[i]);
            assertEquals(RefMlp.forward(SHAPE, RefMlp.copyParams(p), d), t[i], 1e-5, "forward row " + i);
        }
        float[][] g = SHAPE.zeros();
        c.backward(p, up, ROWS, g);
        compare(g, p, q -> {
            double s = 0;
            for (int i = 0; i < ROWS; i++) {
                s += up[i] * RefMlp.forward(SHAPE, q, toDouble(in[i]));
            }
            return s;
        });
    }

    /**
     * The separable critic g(x) . h(y): the gradient of {@code sum_r u_r g(x_r) . h(y_pi(r))}
     * through both MLPs (upstream dG_r = u_r h(y_pi(r)), dH_pi(r) = u_r g(x_r)) against finite
     * differences of the double-precision reference.
     */
    @Test
    void separableBackward_matchesFiniteDifferences() {
        CriticShape sep = CriticShape.separable(3, 2, new int[] {7, 5}, 4);
        SplittableRandom r = new SplittableRandom(4242);
        float[][] p = sep.init(5);
        float[][] xs = inputs(r, ROWS, 3);
        float[][] ys = inputs(r, ROWS, 2);
        float[] up = new float[ROWS];
        int[] pi = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            up[i] = (float) (r.nextDouble() * 2 - 0.5);
            pi[i] = (i + 5) % ROWS;
        }
        SeparableCritic c = new SeparableCritic(sep, Kernels.forName("scalar"), 64);
        for (int i = 0; i < ROWS; i++) {
            System.arraycopy(xs[i], 0, c.xInput(), i * 3, 3);
            System.arraycopy(ys[i], 0, c.yInput(), i * 2, 2);
        }
        float[] gm = c.forwardX(p, ROWS);
        float[] hm = c.forwardY(p, ROWS);
        float[] t = new float[ROWS];
        SeparableCritic.dots(gm, hm, pi, ROWS, 4, t);
        double[][] q = RefMlp.copyParams(p);
        for (int i = 0; i < ROWS; i++) {
            assertEquals(RefMlp.score(sep, q, toDouble(xs[i]), toDouble(ys[pi[i]])), t[i], 1e-5, "forward row " + i);
        }
        for (int i = 0; i < ROWS; i++) {
            for (int e = 0; e < 4; e++) {
                c.dG()[i * 4 + e] = up[i] * hm[pi[i] * 4 + e];
                c.dH()[pi[i] * 4 + e] = up[i] * gm[i * 4 + e];
            }
        }
        float[][] g = sep.zeros();
        c.backward(p, ROWS, ROWS, g);
        compare(g, p, qq -> {
            double s = 0;
            for (int i = 0; i < ROWS; i++) {
                s += up[i] * RefMlp.score(sep, qq, toDouble(xs[i]), toDouble(ys[pi[i]]));
            }
            return s;
        });
    }

    @Test
    void dvLossGradient_matchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(777);
        float[][] p = SHAPE.init(3);
        int n = 50;
        float[] bx = new float[n * 3];
        float[] by = new float[n * 2];
        for (int i = 0; i < bx.length; i++) {
            bx[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < by.length; i++) {
            by[i] = (float) (bx[(i / 2) * 3 + i % 2] + 0.3 * r.nextGaussian());
        }
        FloatBlock block = new FloatBlock(n, 3, 2, bx, by);
        PartitionWorker w = new PartitionWorker(SHAPE, Kernels.forName("scalar"), 64);
        int batch = 40;
        for (int i = 0; i < batch; i++) {
            w.idx[i] = r.nextInt(n);
            w.perm[i] = (i + 7) % batch;
        }
        StepAggregate agg = w.trainStepOn(block, p, batch, new StepAggregate((int) SHAPE.numParams()));
        float[][] g = SHAPE.zeros();
        MineOptimizer.lossGradient(agg, agg.logMeanExpMarg(), g);
        int[] idx = w.idx.clone();
        int[] perm = w.perm.clone();
        // -DV evaluated in double on exactly the same pairs
        compare(g, p, q -> {
            double sumJ = 0;
            double[] tm = new double[batch];
            double mx = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < batch; i++) {
                sumJ += RefMlp.forward(SHAPE, q, row(bx, by, idx[i], idx[i]));
                tm[i] = RefMlp.forward(SHAPE, q, row(bx, by, idx[i], idx[perm[i]]));
                mx = Math.max(mx, tm[i]);
            }
            double se = 0;
            for (double v : tm) {
                se += Math.exp(v - mx);
            }
            return -(sumJ / batch - (mx + Math.log(se / batch)));
        });
        // the aggregate's own DV value agrees with the double reference
        assertEquals(-agg.dvEstimate(), minusDv(RefMlp.copyParams(p), bx, by, idx, perm, batch), 1e-5);
    }

    private static double minusDv(double[][] q, float[] bx, float[] by, int[] idx, int[] perm, int batch) {
        double sumJ = 0;
        double se = 0;
        for (int i = 0; i < batch; i++) {
            sumJ += RefMlp.forward(SHAPE, q, row(bx, by, idx[i], idx[i]));
            se += Math.exp(RefMlp.forward(SHAPE, q, row(bx, by, idx[i], idx[perm[i]])));
        }
        return -(sumJ / batch - Math.log(se / batch));
    }

    private static double[] row(float[] bx, float[] by, int xi, int yi) {
        return new double[] {bx[xi * 3], bx[xi * 3 + 1], bx[xi * 3 + 2], by[yi * 2], by[yi * 2 + 1]};
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    interface Fn {
        double at(double[][] params);
    }

    static void compare(float[][] analytic, float[][] pf, Fn f) {
        double h = 1e-7;
        double[][] p = RefMlp.copyParams(pf);
        double num = 0;
        double den = 0;
        double maxFd = 0;
        double[][] fd = new double[p.length][];
        for (int t = 0; t < p.length; t++) {
            fd[t] = new double[p[t].length];
            for (int i = 0; i < p[t].length; i++) {
                double keep = p[t][i];
                p[t][i] = keep + h;
                double up = f.at(p);
                p[t][i] = keep - h;
                double down = f.at(p);
                p[t][i] = keep;
                fd[t][i] = (up - down) / (2 * h);
                maxFd = Math.max(maxFd, Math.abs(fd[t][i]));
            }
        }
        for (int t = 0; t < p.length; t++) {
            for (int i = 0; i < p[t].length; i++) {
                double diff = analytic[t][i] - fd[t][i];
                num += diff * diff;
                den += fd[t][i] * fd[t][i];
                assertTrue(Math.abs(diff) <= 1e-3 * (Math.abs(fd[t][i]) + 1e-3 * maxFd) + 1e-6,
                        "tensor " + t + " entry " + i + ": analytic " + analytic[t][i] + " vs finite difference " + fd[t][i]);
            }
        }
        assertTrue(den > 0, "gradient is identically zero: the check would be vacuous");
        assertTrue(Math.sqrt(num / den) < 1e-3, "norm-relative error " + Math.sqrt(num / den));
    }
}
