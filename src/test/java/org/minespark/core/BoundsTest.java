package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Every bound's minibatch value and loss gradient, as assembled from the mergeable aggregate of a
 * {@link PartitionWorker} step, against a direct double-precision closed form on the same pairs of
 * a small critic with fixed weights (both critic types), and the gradient against central finite
 * differences of that closed form. Tolerances: the aggregate path is float32 (critic outputs
 * ~1e-7 relative, sums over 40 rows), so values agree to 1e-5 absolute for O(1) values; the
 * gradient tolerance is the one of {@link GradientCheckTest} (1e-3 norm-relative).
 */
class BoundsTest {
    private static final CriticShape CONCAT = new CriticShape(3, 2, new int[] {7, 5});
    private static final CriticShape SEPARABLE = CriticShape.separable(3, 2, new int[] {7, 5}, 4);
    private static final int N = 50;
    private static final int BATCH = 40;
    private static final int K = 16;

    private final float[] bx = new float[N * 3];
    private final float[] by = new float[N * 2];
    private final int[] idx = new int[BATCH];
    private final int[] perm = new int[BATCH];

    BoundsTest() {
        SplittableRandom r = new SplittableRandom(777);
        for (int i = 0; i < bx.length; i++) {
            bx[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < by.length; i++) {
            by[i] = (float) (bx[(i / 2) * 3 + i % 2] + 0.3 * r.nextGaussian());
        }
        for (int i = 0; i < BATCH; i++) {
            idx[i] = r.nextInt(N);
            perm[i] = (i + 7) % BATCH;
        }
    }

    private double[] x(int row) {
        return new double[] {bx[row * 3], bx[row * 3 + 1], bx[row * 3 + 2]};
    }

    private double[] y(int row) {
        return new double[] {by[row * 2], by[row * 2 + 1]};
    }

    private StepAggregate step(CriticShape shape, Bound bound, float[][] p, int maxRows, String kernels) {
        PartitionWorker w = new PartitionWorker(shape, Kernels.forName(kernels), maxRows, bound);
        System.arraycopy(idx, 0, w.idx, 0, BATCH);
        System.arraycopy(perm, 0, w.perm, 0, BATCH);
        return w.trainStepOn(new FloatBlock(N, 3, 2, bx, by), p, BATCH, new StepAggregate((int) shape.numParams()));
    }

    /** The closed form of each bound on the worker's pairs, in double precision. */
    private double reference(CriticShape shape, String bound, double tau, double[][] q) {
        if (bound.equals("infonce")) {
            int groups = (BATCH + K - 1) / K;
            double sum = 0;
            int r0 = 0;
            for (int g = 0; g < groups; g++) {
                int k = BATCH / groups + (g < BATCH % groups ? 1 : 0);
                for (int i = 0; i < k; i++) {
                    double[] s = new double[k];
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        s[j] = RefMlp.score(shape, q, x(idx[r0 + i]), y(idx[r0 + j]));
                        mx = Math.max(mx, s[j]);
                    }
                    double se = 0;
                    for (double v : s) {
                        se += Math.exp(v - mx);
                    }
                    sum += s[i] - (mx + Math.log(se / k));
                }
                r0 += k;
            }
            return sum / BATCH;
        }
        double sumJ = 0;
        double[] tm = new double[BATCH];
        for (int i = 0; i < BATCH; i++) {
            sumJ += RefMlp.score(shape, q, x(idx[i]), y(idx[i]));
            tm[i] = RefMlp.score(shape, q, x(idx[i]), y(idx[perm[i]]));
        }
        double meanJ = sumJ / BATCH;
        double s = 0;
        for (double v : tm) {
            switch (bound) {
                case "nwj" -> s += Math.exp(v - 1);
                case "smile" -> s += Math.exp(Math.min(Math.max(v, -tau), tau));
                default -> s += Math.exp(v);
            }
        }
        return bound.equals("nwj") ? meanJ - s / BATCH : meanJ - Math.log(s / BATCH);
    }

    /** The Jensen-Shannon (f-GAN) objective SMILE's critic is trained on: mean_P -softplus(-T) - mean_Q softplus(T). */
    private double jsObjective(CriticShape shape, double[][] q) {
        double s = 0;
        for (int i = 0; i < BATCH; i++) {
            double a = RefMlp.score(shape, q, x(idx[i]), y(idx[i]));
            double b = RefMlp.score(shape, q, x(idx[i]), y(idx[perm[i]]));
            s += -Math.log1p(Math.exp(-a)) - Math.log1p(Math.exp(b));
        }
        return s / BATCH;
    }

    private void checkBound(CriticShape shape, String name, double tau, int maxRows) {
        float[][] p = shape.init(3);
        Bound bound = Bound.forName(name, 0.01, tau, K);
        StepAggregate agg = step(shape, bound, p, maxRows, "scalar");
        double expected = reference(shape, name, tau, RefMlp.copyParams(p));
        assertEquals(expected, bound.value(agg), 1e-5 * Math.max(1, Math.abs(expected)), name + " value on " + shape);
        float[][] g = shape.zeros();
        bound.lossGradient(agg, bound.newState(), g); // dv: first step, the moving average is the batch mean
        if (bound.jsGradient()) {
            GradientCheckTest.compare(g, p, q -> -jsObjective(shape, q));
        } else {
            GradientCheckTest.compare(g, p, q -> -reference(shape, name, tau, q));
        }
    }

    @Test
    void dv_valueAndGradient_matchClosedForm() {
        checkBound(CONCAT, "dv", 5, 64);
        checkBound(SEPARABLE, "dv", 5, 64);
    }

    @Test
    void dvBiased_valueAndGradient_matchClosedForm() {
        checkBound(CONCAT, "dv-biased", 5, 64);
        checkBound(SEPARABLE, "dv-biased", 5, 64);
    }

    @Test
    void nwj_valueAndGradient_matchClosedForm() {
        checkBound(CONCAT, "nwj", 5, 64);
        checkBound(SEPARABLE, "nwj", 5, 64);
    }

    @Test
    void infonce_valueAndGradient_matchClosedForm() {
        checkBound(CONCAT, "infonce", 5, 64); // 4 score rows of a group per critic pass
        checkBound(CONCAT, "infonce", 5, 40); // 2 rows per pass, a partial last slice
        checkBound(SEPARABLE, "infonce", 5, 64);
    }

    /** tau between two adjacent |T| of the marginal pairs, so that about half are clipped and none sits on the kink. */
    private double splitTau(CriticShape shape, float[][] p) {
        double[][] q = RefMlp.copyParams(p);
        double[] a = new double[BATCH];
        for (int i = 0; i < BATCH; i++) {
            a[i] = Math.abs(RefMlp.score(shape, q, x(idx[i]), y(idx[perm[i]])));
        }
        Arrays.sort(a);
        return 0.5 * (a[BATCH / 2 - 1] + a[BATCH / 2]);
    }

    /** SMILE: the value is the clipped DV, the gradient the JS objective's (see {@link Smile}). */
    @Test
    void smile_valueClippedAndJsGradient_matchClosedForm() {
        for (CriticShape shape : new CriticShape[] {CONCAT, SEPARABLE}) {
            double tau = splitTau(shape, shape.init(3));
            checkBound(shape, "smile", tau, 64);
            checkBound(shape, "smile", 5, 64); // nothing clipped: equals DV
        }
    }

    /**
     * SMILE's whole gradient travels in the linear part (the log-sum-exp part carries only the
     * clipped value sums), so clipping never reaches the gradient: with every marginal sample clipped
     * the value changes, the gradient does not.
     */
    @Test
    void smile_clipping_changesValueNotGradient() {
        float[][] p = CONCAT.init(3);
        Bound tight = Bound.forName("smile", 0.01, 1e-6, K);
        Bound loose = Bound.forName("smile", 0.01, 50, K);
        StepAggregate a = step(CONCAT, tight, p, 64, "scalar");
        StepAggregate b = step(CONCAT, loose, p, 64, "scalar");
        for (double v : a.gradMarg()) {
            assertEquals(0.0, v, "no gradient in the log-sum-exp part");
        }
        // all marginal e^T clipped to ~1: value = mean T_joint - ln 1
        assertEquals(a.sumTJoint() / a.nJoint(), tight.value(a), 1e-5);
        assertTrue(Math.abs(tight.value(a) - loose.value(b)) > 1e-4, "clipping changes the value");
        float[][] ga = CONCAT.zeros();
        float[][] gb = CONCAT.zeros();
        tight.lossGradient(a, tight.newState(), ga);
        loose.lossGradient(b, loose.newState(), gb);
        for (int t = 0; t < ga.length; t++) {
            assertTrue(Arrays.equals(ga[t], gb[t]), "gradient independent of tau");
        }
    }

    /**
     * Why SMILE trains on the JS gradient: on a 1-d Gaussian with MI 0.830 nats (rho = 0.9), a
     * small critic trained by ascending the clipped DV itself (tau = 1) runs away once the marginal
     * scores pass tau (the denominator stops moving while E_P[T] grows), whereas the JS-trained critic
     * stays at the bound. Fixed seeds; the runaway reaches tens of nats, the JS value stays within
     * 0.5 nats of the truth (minibatch noise of 256 pairs is ~0.1 nats).
     */
    @Test
    void smile_jsTraining_staysBoundedWhereClippedDvAscentRunsAway() {
        double rho = 0.9;
        double truth = -0.5 * Math.log(1 - rho * rho);
        int n = 4096;
        SplittableRandom r = new SplittableRandom(99);
        float[] bx = new float[n];
        float[] by = new float[n];
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            bx[i] = (float) a;
            by[i] = (float) (rho * a + Math.sqrt(1 - rho * rho) * r.nextGaussian());
        }
        FloatBlock block = new FloatBlock(n, 1, 1, bx, by);
        CriticShape shape = new CriticShape(1, 1, new int[] {16});
        Bound smile = Bound.forName("smile", 0.01, 1.0, K);
        Bound clippedAscent = new Bound() {
            @Override
            public String name() {
                return "smile";
            }

            @Override
            public float marginalWeights(float[] t, int m, float[] w, double[] sumOut) {
                return smile.marginalWeights(t, m, w, sumOut);
            }

            @Override
            public double value(StepAggregate agg) {
                return smile.value(agg);
            }

            @Override
            public void lossGradient(StepAggregate agg, double[] state, float[][] out) {
                MineOptimizer.lossGradient(agg, agg.logMeanExpMarg(), out);
            }

            @Override
            public BoundStats newStats() {
                return smile.newStats();
            }
        };
        double js = train(shape, smile, block);
        double naive = train(shape, clippedAscent, block);
        assertEquals(truth, js, 0.5, "JS-trained SMILE");
        assertTrue(naive > truth + 3, "clipped-DV ascent was expected to run away, got " + naive);
    }

    /** Mean minibatch value over the last 100 of 1500 steps. */
    private static double train(CriticShape shape, Bound bound, FloatBlock block) {
        MineOptimizer opt = new MineOptimizer(shape, shape.init(1), 1e-2, bound, Kernels.forName("scalar"));
        PartitionWorker w = new PartitionWorker(shape, Kernels.forName("scalar"), 256, bound);
        double tail = 0;
        for (int s = 0; s < 1500; s++) {
            double v = opt.step(w.trainStep(block, opt.params(), 256, s));
            if (s >= 1400) {
                tail += v / 100;
            }
        }
        return tail;
    }

    @Test
    void dv_movingAverage_blendsBatchMeans() {
        float[][] p = CONCAT.init(3);
        double alpha = 0.25;
        Bound dv = Bound.forName("dv", alpha, 5, K);
        double[] state = dv.newState();
        StepAggregate a1 = step(CONCAT, dv, p, 64, "scalar");
        float[][] g = CONCAT.zeros();
        dv.lossGradient(a1, state, g);
        assertEquals(a1.logMeanExpMarg(), state[0], 0.0);
        float[][] p2 = CONCAT.init(4);
        StepAggregate a2 = step(CONCAT, dv, p2, 64, "scalar");
        dv.lossGradient(a2, state, g);
        double expected = Math.log((1 - alpha) * Math.exp(a1.logMeanExpMarg()) + alpha * Math.exp(a2.logMeanExpMarg()));
        assertEquals(expected, state[0], 1e-12);
        // alpha = 1 turns dv into dv-biased
        Bound one = Bound.forName("dv", 1.0, 5, K);
        double[] s1 = one.newState();
        one.lossGradient(a1, s1, g);
        float[][] g1 = CONCAT.zeros();
        one.lossGradient(a2, s1, g1);
        float[][] gb = CONCAT.zeros();
        Bound.forName("dv-biased").lossGradient(a2, new double[0], gb);
        for (int t = 0; t < g1.length; t++) {
            for (int i = 0; i < g1[t].length; i++) {
                assertEquals(gb[t][i], g1[t][i], 1e-6 * (Math.abs(gb[t][i]) + 1e-3));
            }
        }
    }

    @Test
    void infonce_neverExceedsLnK() {
        // a near-perfect critic: huge joint scores, zero elsewhere
        int k = 8;
        float[] s = new float[k * k];
        for (int i = 0; i < k; i++) {
            s[i * k + i] = 80f;
        }
        BoundStats st = Bound.forName("infonce", 0.01, 5, k).newStats();
        st.addScores(s, k);
        st.addScores(s, k);
        // exactly ln K - ln(1 + (K-1) e^-80): ln K up to double rounding
        assertTrue(st.estimate() <= Math.log(k) + 1e-12, "estimate " + st.estimate());
        assertEquals(Math.log(k), st.estimate(), 1e-9);
        // the training aggregate of a trained-looking critic on real pairs, with a large scale
        float[][] p = CONCAT.init(3);
        for (float[] t : p) {
            for (int i = 0; i < t.length; i++) {
                t[i] *= 6f;
            }
        }
        Bound nce = Bound.forName("infonce", 0.01, 5, K);
        StepAggregate agg = step(CONCAT, nce, p, 64, "scalar");
        assertTrue(nce.value(agg) <= Math.log(K) + 1e-9, "value " + nce.value(agg));
        assertEquals(Math.log(K), nce.capNats(), 0.0);
    }

    @Test
    void evaluateChunk_eachBound_matchesClosedFormOnHeldOutPairs() {
        SplittableRandom r = new SplittableRandom(5);
        int count = 37;
        float[] x = new float[count * 3];
        float[] y = new float[count * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) r.nextGaussian();
        }
        for (CriticShape shape : new CriticShape[] {CONCAT, SEPARABLE}) {
            float[][] p = shape.init(9);
            double[][] q = RefMlp.copyParams(p);
            for (String name : new String[] {"dv", "nwj", "smile", "infonce"}) {
                Bound b = Bound.forName(name, 0.01, 0.2, 8);
                // a small workspace (16 rows): pairwise chunks are processed in slices
                PartitionWorker w = new PartitionWorker(shape, Kernels.forName("scalar"), 16, b);
                BoundStats st = b.newStats();
                w.evaluateChunk(p, x, y, count, new SplittableRandom(1), st);
                int shift = 1 + new SplittableRandom(1).nextInt(count - 1);
                double expected;
                if (name.equals("infonce")) {
                    int groups = (count + 7) / 8;
                    double sum = 0;
                    int r0 = 0;
                    for (int g = 0; g < groups; g++) {
                        int k = count / groups + (g < count % groups ? 1 : 0);
                        for (int i = 0; i < k; i++) {
                            double se = 0;
                            for (int j = 0; j < k; j++) {
                                se += Math.exp(RefMlp.score(shape, q, RefMlp.row(x, 3, r0 + i), RefMlp.row(y, 2, r0 + j)));
                            }
                            sum += RefMlp.score(shape, q, RefMlp.row(x, 3, r0 + i), RefMlp.row(y, 2, r0 + i)) - Math.log(se / k);
                        }
                        r0 += k;
                    }
                    expected = sum / count;
                } else {
                    double sa = 0;
                    double sb = 0;
                    for (int i = 0; i < count; i++) {
                        sa += RefMlp.score(shape, q, RefMlp.row(x, 3, i), RefMlp.row(y, 2, i));
                        double b2 = RefMlp.score(shape, q, RefMlp.row(x, 3, i), RefMlp.row(y, 2, (i + shift) % count));
                        sb += name.equals("nwj") ? Math.exp(b2 - 1) : Math.exp(name.equals("smile") ? Math.min(Math.max(b2, -0.2), 0.2) : b2);
                    }
                    expected = name.equals("nwj") ? sa / count - sb / count : sa / count - Math.log(sb / count);
                }
                assertEquals(count, st.count());
                assertEquals(expected, st.estimate(), 1e-5, name + " on " + shape);
                assertTrue(st.stdError() > 0 && Double.isFinite(st.stdError()), name + " std error " + st.stdError());
            }
        }
    }

    @Test
    void forName_badValues_nameTheParameter() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bound.forName("mine")).getMessage().contains("'mine'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bound.forName("smile", 0.01, -1, 8)).getMessage()
                .contains("smile-tau"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bound.forName("dv", 0, 5, 8)).getMessage()
                .contains("ema-alpha"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bound.forName("infonce", 0.01, 5, 1)).getMessage()
                .contains("K"));
        assertThrows(IllegalStateException.class, () -> Bound.forName("infonce").newStats().add(new float[1], new float[1], 1));
    }

    /**
     * The DV form of an NWJ statistic is the DV statistic of the same pairs (the same sums, the same
     * arithmetic: equal bits), at least the NWJ value (ln u <= u / e); SMILE's clipped sums give none.
     */
    @Test
    void dvEstimate_ofNwjEqualsDv_smileHasNone() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        float[] a = new float[500];
        float[] b = new float[500];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (1.5 + r.nextGaussian());
            b[i] = (float) (0.3 * r.nextGaussian() - 1);
        }
        DvEvalStats dv = new DvEvalStats();
        DvEvalStats nwj = (DvEvalStats) new Nwj().newStats();
        DvEvalStats smile = new DvEvalStats(5f, false);
        dv.add(a, b, a.length);
        nwj.add(a, b, a.length);
        smile.add(a, b, a.length);
        assertEquals(dv.estimate(), dv.dvEstimate(), 0.0);
        assertEquals(dv.estimate(), nwj.dvEstimate(), 0.0);
        assertEquals(dv.stdError(), nwj.dvStdError(), 0.0);
        assertTrue(nwj.dvEstimate() >= nwj.estimate(), nwj.dvEstimate() + " vs " + nwj.estimate());
        assertTrue(Double.isNaN(smile.dvEstimate()) && Double.isNaN(smile.dvStdError()));
    }
}
