package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Closed-form MI values and sample moments of the synthetic tasks.
 *
 * <p>Tolerances: with n = 200 000 independent rows the standard deviation of a sample mean is
 * σ/√n, of a sample variance ≈ σ²·√(2/n) (normal data), and of a sample covariance of two
 * unit-variance normals with correlation ρ ≈ √((1+ρ²)/n). Every check allows 5 standard deviations
 * (a spurious failure has probability below 1e-6 per check); the seed is fixed, so the test is
 * deterministic anyway and the margin guards against a legitimate change of the generator.
 */
class SyntheticTasksTest {
    private static final int N = 200_000;
    private static final long SEED = 12345L;

    /** Per-coordinate sums over N rows: means, variances, cov(x_j, y_j), cov(x_0, x_1). */
    private static double[][] moments(SyntheticTasks.Task t) {
        int d = t.dimX();
        double[] x = new double[d];
        double[] y = new double[d];
        double[] sx = new double[d];
        double[] sy = new double[d];
        double[] sxx = new double[d];
        double[] syy = new double[d];
        double[] sxy = new double[d];
        double sx01 = 0;
        for (long i = 0; i < N; i++) {
            t.fillRow(SyntheticTasks.rowRandom(SEED, i), x, y);
            for (int j = 0; j < d; j++) {
                sx[j] += x[j];
                sy[j] += y[j];
                sxx[j] += x[j] * x[j];
                syy[j] += y[j] * y[j];
                sxy[j] += x[j] * y[j];
            }
            if (d > 1) {
                sx01 += x[0] * x[1];
            }
        }
        double[] mx = new double[d];
        double[] my = new double[d];
        double[] vx = new double[d];
        double[] vy = new double[d];
        double[] cxy = new double[d];
        for (int j = 0; j < d; j++) {
            mx[j] = sx[j] / N;
            my[j] = sy[j] / N;
            vx[j] = sxx[j] / N - mx[j] * mx[j];
            vy[j] = syy[j] / N - my[j] * my[j];
            cxy[j] = sxy[j] / N - mx[j] * my[j];
        }
        double c01 = d > 1 ? sx01 / N - mx[0] * mx[1] : 0;
        return new double[][] {mx, my, vx, vy, cxy, {c01}};
    }

    private static void assertAll(double[] values, double expected, double tol, String what) {
        for (int j = 0; j < values.length; j++) {
            assertEquals(expected, values[j], tol, what + "[" + j + "]");
        }
    }

    @Test
    void trueMi_gaussChannelDefault_is4159() {
        SyntheticTasks.Task t = SyntheticTasks.create("gauss-channel", null, null);
        assertEquals(3, t.dimX());
        assertEquals(1.5 * Math.log(16.0), t.trueMiNats(), 1e-12);
        assertEquals(4.159, t.trueMiNats(), 5e-4);
        assertEquals(6.0, t.trueMiBits(), 1e-12);
    }

    @Test
    void trueMi_corrGaussianDefault_is2NatsIn20d() {
        SyntheticTasks.Task t = SyntheticTasks.create("corr-gaussian", null, null);
        assertEquals(20, t.dimX());
        assertEquals(2.0, t.trueMiNats(), 0.0);
        double rho = t.parameters().get("rho");
        assertEquals(2.0, -(20 / 2.0) * Math.log(1 - rho * rho), 1e-12);
    }

    @Test
    void trueMi_independent_isZero() {
        SyntheticTasks.Task t = SyntheticTasks.create("independent", null, null);
        assertEquals(3, t.dimX());
        assertEquals(0.0, t.trueMiNats(), 0.0);
    }

    @Test
    void create_gaussChannelWithMi_choosesNoiseForThatMi() {
        SyntheticTasks.Task t = SyntheticTasks.create("gauss-channel", 5, 3.0);
        assertEquals(3.0, t.trueMiNats(), 1e-12);
        assertEquals(3.0 / Math.expm1(2 * 3.0 / 5), t.parameters().get("noise_variance"), 1e-15);
    }

    @Test
    void create_badArguments_throwNamingTheParameter() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticTasks.create("gauss", null, null))
                .getMessage().contains("unknown task 'gauss'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticTasks.create("independent", 3, 1.0))
                .getMessage().startsWith("mi:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticTasks.create("corr-gaussian", 0, null))
                .getMessage().startsWith("dim"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticTasks.create("corr-gaussian", 4, -1.0))
                .getMessage().startsWith("mi"));
        assertThrows(IllegalArgumentException.class, () -> SyntheticTasks.create("corr-gaussian", 4, Double.NaN));
    }

    @Test
    void fillRow_gaussChannel_hasTheSeedMoments() {
        double[][] m = moments(SyntheticTasks.create("gauss-channel", null, null));
        // means: sd sqrt(3/n) = 0.0039 (x), sqrt(3.2/n) = 0.0040 (y)
        assertAll(m[0], 0.0, 0.02, "mean x");
        assertAll(m[1], 0.0, 0.02, "mean y");
        // var x = 3: sd 3*sqrt(2/n) = 0.0095; var y = 3.2: sd 0.0101
        assertAll(m[2], 3.0, 0.05, "var x");
        assertAll(m[3], 3.2, 0.051, "var y");
        // cov(x, y) = var x = 3: sd sqrt((3*3.2 + 9)/n) = 0.0096
        assertAll(m[4], 3.0, 0.05, "cov xy");
        // cov(x0, x1) = 0: sd 3/sqrt(n) = 0.0067
        assertEquals(0.0, m[5][0], 0.034, "cov x0 x1");
    }

    @Test
    void fillRow_corrGaussian_hasCorrelationRho() {
        SyntheticTasks.Task t = SyntheticTasks.create("corr-gaussian", null, null);
        double rho = t.parameters().get("rho");
        double[][] m = moments(t);
        assertAll(m[0], 0.0, 0.012, "mean x");     // sd 1/sqrt(n) = 0.0022
        assertAll(m[2], 1.0, 0.016, "var x");      // sd sqrt(2/n) = 0.0032
        assertAll(m[3], 1.0, 0.016, "var y");
        assertAll(m[4], rho, 0.012, "cov xy");     // sd sqrt((1+rho^2)/n) = 0.0024
        assertEquals(0.0, m[5][0], 0.012, "cov x0 x1");
    }

    @Test
    void fillRow_independent_isUncorrelated() {
        double[][] m = moments(SyntheticTasks.create("independent", 4, null));
        assertAll(m[2], 1.0, 0.016, "var x");
        assertAll(m[3], 1.0, 0.016, "var y");
        assertAll(m[4], 0.0, 0.012, "cov xy");     // sd 1/sqrt(n)
    }

    @Test
    void fillGaussian_polarMethod_hasNormalFourthMoment() {
        SplittableRandomHolder h = new SplittableRandomHolder();
        double[] z = new double[N];
        SyntheticTasks.fillGaussian(h.rng, z);
        double m2 = 0;
        double m4 = 0;
        for (double v : z) {
            m2 += v * v;
            m4 += v * v * v * v;
        }
        assertEquals(1.0, m2 / N, 0.016);          // sd sqrt(2/n)
        assertEquals(3.0, m4 / N, 0.11);           // sd sqrt((105 - 9)/n) = 0.022
    }

    private static final class SplittableRandomHolder {
        final java.util.SplittableRandom rng = new java.util.SplittableRandom(SEED);
    }

    @Test
    void rowRandom_sameSeedAndRow_givesTheSameRow_otherRowsDiffer() {
        SyntheticTasks.Task t = SyntheticTasks.create("corr-gaussian", 5, 1.0);
        double[] x1 = new double[5];
        double[] y1 = new double[5];
        double[] x2 = new double[5];
        double[] y2 = new double[5];
        t.fillRow(SyntheticTasks.rowRandom(7, 1000), x1, y1);
        t.fillRow(SyntheticTasks.rowRandom(7, 1000), x2, y2);
        assertArrayEquals(x1, x2, 0.0);
        assertArrayEquals(y1, y2, 0.0);
        t.fillRow(SyntheticTasks.rowRandom(7, 1001), x2, y2);
        assertFalse(Arrays.equals(x1, x2));
        t.fillRow(SyntheticTasks.rowRandom(8, 1000), x2, y2);
        assertFalse(Arrays.equals(x1, x2));
    }

    @Test
    void fillRow_wrongArrayLength_throws() {
        SyntheticTasks.Task t = SyntheticTasks.create("independent", 3, null);
        assertThrows(IllegalArgumentException.class,
                () -> t.fillRow(SyntheticTasks.rowRandom(1, 1), new double[2], new double[3]));
    }

    // ---------------------------------------------------------------- staircase, cubic, uniform-noise, binary-tensor

    @Test
    void create_staircaseLevels_areValidIn20d() {
        for (double mi : SyntheticTasks.STAIRCASE_NATS) {
            for (String task : new String[] {"corr-gaussian", "cubic"}) {
                SyntheticTasks.Task t = SyntheticTasks.create(task, 20, mi);
                double rho = t.parameters().get("rho");
                assertTrue(rho > 0 && rho < 1, task + " " + mi + ": rho " + rho);
                assertEquals(mi, -(20 / 2.0) * Math.log1p(-rho * rho), 1e-9 * mi, task + " " + mi);
                assertEquals(mi, t.trueMiNats(), 0.0);
            }
        }
        assertEquals(java.util.List.of(2.0, 4.0, 6.0, 8.0, 10.0), SyntheticTasks.STAIRCASE_NATS);
    }

    /**
     * The Gaussian truth −½·ln(1−ρ²) (per dimension) against a direct numeric integration of
     * ∫∫ p(x,y)·ln(p(x,y)/(p(x)p(y))) for the bivariate normal: midpoint rule on [−9, 9]² with
     * h = 0.01. The integrand is smooth and the tails beyond 9σ carry < 1e-17 mass, so the
     * quadrature error is O(h²) ≈ 1e-5 relative to the integrand's curvature; tolerance 1e-4.
     */
    @Test
    void trueMi_corrGaussian_matchesNumericIntegration() {
        for (double mi : new double[] {0.1, 0.5}) {
            SyntheticTasks.Task t = SyntheticTasks.create("corr-gaussian", 1, mi);
            double rho = t.parameters().get("rho");
            double r2 = 1 - rho * rho;
            double h = 0.01;
            double sum = 0;
            for (double x = -9 + h / 2; x < 9; x += h) {
                double px = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
                for (double y = -9 + h / 2; y < 9; y += h) {
                    double py = Math.exp(-y * y / 2) / Math.sqrt(2 * Math.PI);
                    double q = (x * x - 2 * rho * x * y + y * y) / r2;
                    double pxy = Math.exp(-q / 2) / (2 * Math.PI * Math.sqrt(r2));
                    if (pxy > 0) {
                        sum += pxy * Math.log(pxy / (px * py));
                    }
                }
            }
            assertEquals(t.trueMiNats(), sum * h * h, 1e-4, "mi " + mi);
        }
    }

    /**
     * cubic is corr-gaussian with y → y³: the same row stream gives exactly the cube of the
     * corr-gaussian y (so the map is the invertible cube, and the MI is the same), and x unchanged.
     */
    @Test
    void fillRow_cubic_isTheCubeOfCorrGaussian() {
        SyntheticTasks.Task g = SyntheticTasks.create("corr-gaussian", 20, 6.0);
        SyntheticTasks.Task c = SyntheticTasks.create("cubic", 20, 6.0);
        assertEquals(g.trueMiNats(), c.trueMiNats(), 0.0);
        assertEquals(g.parameters(), c.parameters());
        double[] gx = new double[20];
        double[] gy = new double[20];
        double[] cx = new double[20];
        double[] cy = new double[20];
        for (long i = 0; i < 1000; i++) {
            g.fillRow(SyntheticTasks.rowRandom(SEED, i), gx, gy);
            c.fillRow(SyntheticTasks.rowRandom(SEED, i), cx, cy);
            assertArrayEquals(gx, cx, 0.0);
            for (int j = 0; j < 20; j++) {
                assertEquals(gy[j] * gy[j] * gy[j], cy[j], 0.0);
                assertEquals(gy[j], Math.cbrt(cy[j]), 1e-12 * Math.max(1, Math.abs(gy[j])));
            }
        }
    }

    /**
     * Moments of y³ for standard normal y with corr(x, y) = ρ: E[y³] = 0, E[y⁶] = 15 and, by
     * Stein's lemma, E[x·y³] = ρ·E[3y²] = 3ρ. Standard deviations of the sample means over
     * n = 200 000: y³: √(15/n) = 0.0087; y⁶: √((10395 − 225)/n) = 0.23; x·y³:
     * √((E[x²y⁶] − 9ρ²)/n) = √((15 + 81ρ²)/n) = 0.0153 (E[x²y⁶] = 105ρ² + 15(1 − ρ²); here
     * d = 4, I = 1 nat, so ρ² = 1 − e^{−1/2} = 0.39). Tolerances are 5 sd.
     */
    @Test
    void fillRow_cubic_hasTheMomentsOfACubedGaussian() {
        SyntheticTasks.Task t = SyntheticTasks.create("cubic", 4, 1.0);
        double rho = t.parameters().get("rho");
        double[] x = new double[4];
        double[] y = new double[4];
        double s3 = 0;
        double s6 = 0;
        double sxy = 0;
        for (long i = 0; i < N; i++) {
            t.fillRow(SyntheticTasks.rowRandom(SEED, i), x, y);
            s3 += y[0];
            s6 += y[0] * y[0];
            sxy += x[0] * y[0];
        }
        assertEquals(0.0, s3 / N, 0.044);
        assertEquals(15.0, s6 / N, 1.15);
        assertEquals(3 * rho, sxy / N, 0.077);
    }

    @Test
    void trueMi_uniformNoise_isEpsilonMinusLn2Epsilon() {
        SyntheticTasks.Task t = SyntheticTasks.create("uniform-noise", null, null);
        assertEquals(1, t.dimX());
        assertEquals(0.1, t.parameters().get("epsilon"), 0.0);
        assertEquals(0.1 - Math.log(0.2), t.trueMiNats(), 1e-15);
        assertEquals(1.709, t.trueMiNats(), 5e-4);
        SyntheticTasks.Task t3 = SyntheticTasks.create("uniform-noise", 3, null, 0.25, null);
        assertEquals(3 * (0.25 - Math.log(0.5)), t3.trueMiNats(), 1e-14);
        assertEquals(0.5, SyntheticTasks.create("uniform-noise", 1, null, 0.5, null).trueMiNats(), 1e-15);
        // bmi's "Additive noise 1 × 1 (ε = 0.75)": 1/(4ε) = 1/3 nats; continuous at ε = ½
        assertEquals(1.0 / 3, SyntheticTasks.create("uniform-noise", 1, null, 0.75, null).trueMiNats(), 1e-15);
        assertEquals(0.5, SyntheticTasks.uniformNoiseMi(Math.nextUp(0.5)), 1e-15);
        assertEquals(5 * 0.125, SyntheticTasks.create("uniform-noise", 5, null, 2.0, null).trueMiNats(), 1e-15);
    }

    /**
     * The truth (ε − ln 2ε for ε ≤ ½, 1/(4ε) above) against a numeric computation of I = h(Y) − h(Y|X) = h(Y) − ln 2ε, with
     * the density of y = x + u obtained by numerically integrating p(y|x) = 1{|y − x| < ε}/2ε over
     * x ∈ [0, 1] (midpoint rule, 4000 nodes), and h(Y) = −∫p ln p by the midpoint rule on
     * [−ε, 1 + ε] with 4000 nodes (for ε = 2 the y-step is 5/4000, still far below the ramps' width 1).
     * The x-quadrature of an indicator errs by at most one node width
     * (1/4000) in the overlap length, i.e. 1/(4000·2ε) ≤ 0.0025 in p; the effect on h(Y) is
     * averaged over y and stays below 1e-3, the tolerance.
     */
    @Test
    void trueMi_uniformNoise_matchesNumericIntegration() {
        for (double eps : new double[] {0.05, 0.1, 0.25, 0.5, 0.75, 2.0}) {
            int nx = 4000;
            int ny = 4000;
            double hy = (1 + 2 * eps) / ny;
            double hY = 0;
            for (int k = 0; k < ny; k++) {
                double y = -eps + (k + 0.5) * hy;
                double p = 0;
                for (int i = 0; i < nx; i++) {
                    double x = (i + 0.5) / nx;
                    if (Math.abs(y - x) < eps) {
                        p += 1.0 / (2 * eps);
                    }
                }
                p /= nx;
                if (p > 0) {
                    hY -= p * Math.log(p) * hy;
                }
            }
            double numeric = hY - Math.log(2 * eps);
            assertEquals(SyntheticTasks.create("uniform-noise", 1, null, eps, null).trueMiNats(), numeric, 1e-3,
                    "epsilon " + eps);
        }
    }

    @Test
    void create_uniformNoiseWithMi_solvesForEpsilon() {
        for (double mi : new double[] {0.5, 0.7, 1.709, 3.0, 8.0}) {
            SyntheticTasks.Task t = SyntheticTasks.create("uniform-noise", 1, mi);
            double eps = t.parameters().get("epsilon");
            assertTrue(eps > 0 && eps <= 0.5, "epsilon " + eps);
            assertEquals(mi, SyntheticTasks.uniformNoiseMi(eps), 1e-9, "mi " + mi);
            assertEquals(mi, t.trueMiNats(), 1e-9);
        }
        SyntheticTasks.Task t2 = SyntheticTasks.create("uniform-noise", 2, 4.0);
        assertEquals(2.0, SyntheticTasks.uniformNoiseMi(t2.parameters().get("epsilon")), 1e-9);
        // below d/2 nats: ε = d/(4I) > ½
        SyntheticTasks.Task t3 = SyntheticTasks.create("uniform-noise", 2, 0.9);
        assertEquals(2 / (4 * 0.9), t3.parameters().get("epsilon"), 1e-15);
        assertEquals(0.9, t3.trueMiNats(), 1e-15);
    }

    @Test
    void create_uniformNoiseBadArguments_throwNamingTheFlag() {
        for (double eps : new double[] {0.0, -0.1, 2e6, Double.NaN}) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> SyntheticTasks.create("uniform-noise", 1, null, eps, null)).getMessage();
            assertTrue(m.startsWith("--epsilon must be in (0, 1e6]") && m.contains(String.valueOf(eps)), m);
        }
        String m = assertThrows(IllegalArgumentException.class,
                () -> SyntheticTasks.create("uniform-noise", 1, 2.0, 0.1, null)).getMessage();
        assertTrue(m.contains("--epsilon") && m.contains("--mi"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> SyntheticTasks.create("corr-gaussian", 20, null, 0.1, null)).getMessage();
        assertTrue(m.startsWith("--epsilon applies only to task 'uniform-noise'"), m);
    }

    /**
     * x ~ U(0,1), u = y − x ~ U(−ε, ε) independent of x. Over n = 200 000 rows: mean x = ½ (sd
     * √(1/12/n) = 0.00065), var x = 1/12 (sd √((1/80 − 1/144)/n) = 0.00017), mean u = 0 (sd
     * ε/√(3n) = 0.00013 at ε = 0.1), var u = ε²/3 (sd ε²·√(4/45/n) = 0.0000067), cov(x, u) = 0 (sd
     * √(1/12·ε²/3/n) = 0.000037), P(0 ≤ u < ε/2) = ¼ (sd √(3/16/n) = 0.00097). Tolerances 5 sd;
     * |u| ≤ ε and 0 ≤ x < 1 hold for every row.
     */
    @Test
    void fillRow_uniformNoise_hasTheStatedDistribution() {
        double eps = 0.1;
        SyntheticTasks.Task t = SyntheticTasks.create("uniform-noise", 1, null, eps, null);
        double[] x = new double[1];
        double[] y = new double[1];
        double sx = 0;
        double sxx = 0;
        double su = 0;
        double suu = 0;
        double sxu = 0;
        long quarter = 0;
        for (long i = 0; i < N; i++) {
            t.fillRow(SyntheticTasks.rowRandom(SEED, i), x, y);
            double u = y[0] - x[0];
            assertTrue(x[0] >= 0 && x[0] < 1 && Math.abs(u) <= eps + 1e-15, "row " + i);
            sx += x[0];
            sxx += x[0] * x[0];
            su += u;
            suu += u * u;
            sxu += x[0] * u;
            if (u >= 0 && u < eps / 2) {
                quarter++;
            }
        }
        double mx = sx / N;
        double mu = su / N;
        assertEquals(0.5, mx, 0.0033);
        assertEquals(1.0 / 12, sxx / N - mx * mx, 0.00085);
        assertEquals(0.0, mu, 0.00065);
        assertEquals(eps * eps / 3, suu / N - mu * mu, 0.000034);
        assertEquals(0.0, sxu / N - mx * mu, 0.00019);
        assertEquals(0.25, (double) quarter / N, 0.0049);
    }

    @Test
    void trueMi_binaryTensor_is7HalfLn2() {
        SyntheticTasks.Task t = SyntheticTasks.create("binary-tensor", null, null);
        assertEquals(7, t.dimX());
        assertEquals(7, t.dimY());
        assertTrue(t.arrayColumns());
        assertEquals(3.5 * Math.log(2), t.trueMiNats(), 1e-15);
        assertEquals(2.426, t.trueMiNats(), 5e-4);
        assertEquals(3.5, t.trueMiBits(), 1e-12);
        SyntheticTasks.Task p3 = SyntheticTasks.create("binary-tensor", null, null, null, 3);
        assertEquals(21, p3.dimX());
        assertEquals(3 * t.trueMiNats(), p3.trueMiNats(), 1e-14);
        assertEquals(3.0, p3.parameters().get("positions"), 0.0);
        assertEquals(7.0, p3.parameters().get("width"), 0.0);
        assertFalse(SyntheticTasks.create("corr-gaussian", null, null).arrayColumns());
    }

    /**
     * The truth against exact enumeration: all 2^14 equally likely (x, s) ∈ {−1,1}^7 × {−1,1}^7
     * give the joint law of (x, y = x + s); p(y) is obtained by counting, and
     * I = Σ p(x,y)·ln(p(x,y) / (p(x)·p(y))) is summed exactly (floating point only).
     */
    @Test
    void trueMi_binaryTensor_matchesExactEnumeration() {
        int d = 7;
        int n = 1 << (2 * d);
        java.util.Map<Integer, Integer> yCount = new java.util.HashMap<>();
        java.util.Map<Long, Integer> xyCount = new java.util.HashMap<>();
        for (int k = 0; k < n; k++) {
            int xBits = k & ((1 << d) - 1);
            int sBits = k >>> d;
            int yCode = 0;
            for (int j = 0; j < d; j++) {
                int xj = (xBits >>> j & 1) == 1 ? 1 : -1;
                int sj = (sBits >>> j & 1) == 1 ? 1 : -1;
                yCode = yCode * 3 + (xj + sj + 2) / 2; // y_j in {-2, 0, 2} -> {0, 1, 2}
            }
            yCount.merge(yCode, 1, Integer::sum);
            xyCount.merge(((long) xBits << 32) | yCode, 1, Integer::sum);
        }
        double px = 1.0 / (1 << d);
        double mi = 0;
        for (java.util.Map.Entry<Long, Integer> e : xyCount.entrySet()) {
            double pxy = (double) e.getValue() / n;
            double py = (double) yCount.get((int) (e.getKey() & 0xffffffffL)) / n;
            mi += pxy * Math.log(pxy / (px * py));
        }
        assertEquals(SyntheticTasks.create("binary-tensor", null, null).trueMiNats(), mi, 1e-12);
    }

    /**
     * Frequencies over n = 200 000 rows × 7 coordinates (1.4 M draws): P(x = 1) = ½ (sd
     * √(¼/1.4M) = 0.00042), P(y = 0) = ½ (same sd), P(y = 2) = ¼ (sd 0.00037), and
     * corr(x_0, x_1) = corr(x_0, s_0) = 0 (sd 1/√n = 0.0022). Tolerances 5 sd. Every x is ±1 and
     * every y − x is ±1.
     */
    @Test
    void fillRow_binaryTensor_hasUniformSigns() {
        SyntheticTasks.Task t = SyntheticTasks.create("binary-tensor", null, null);
        double[] x = new double[7];
        double[] y = new double[7];
        long xPlus = 0;
        long yZero = 0;
        long yTwo = 0;
        double x01 = 0;
        double xs0 = 0;
        for (long i = 0; i < N; i++) {
            t.fillRow(SyntheticTasks.rowRandom(SEED, i), x, y);
            for (int j = 0; j < 7; j++) {
                double s = y[j] - x[j];
                assertTrue(Math.abs(x[j]) == 1.0 && Math.abs(s) == 1.0, "row " + i);
                xPlus += x[j] > 0 ? 1 : 0;
                yZero += y[j] == 0 ? 1 : 0;
                yTwo += y[j] == 2 ? 1 : 0;
            }
            x01 += x[0] * x[1];
            xs0 += x[0] * (y[0] - x[0]);
        }
        double draws = 7.0 * N;
        assertEquals(0.5, xPlus / draws, 0.0021);
        assertEquals(0.5, yZero / draws, 0.0021);
        assertEquals(0.25, yTwo / draws, 0.0019);
        assertEquals(0.0, x01 / N, 0.011);
        assertEquals(0.0, xs0 / N, 0.011);
    }

    @Test
    void create_binaryTensorBadArguments_throwNamingTheFlag() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> SyntheticTasks.create("binary-tensor", null, null, null, 0)).getMessage();
        assertTrue(m.startsWith("--positions must be in [1, ") && m.endsWith("got 0"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> SyntheticTasks.create("binary-tensor", null, 3.0)).getMessage();
        assertTrue(m.startsWith("mi:") && m.contains("3.0"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> SyntheticTasks.create("cubic", null, null, null, 2)).getMessage();
        assertTrue(m.startsWith("--positions applies only to task 'binary-tensor'"), m);
        // the truth itself is accepted as --mi
        assertEquals(7, SyntheticTasks.create("binary-tensor", 7, 3.5 * Math.log(2)).dimX());
    }
}
