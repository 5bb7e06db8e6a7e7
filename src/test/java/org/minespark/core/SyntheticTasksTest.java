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
}
