package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bmi-style tasks: their truths against independent references, their samplers, determinism
 * and argument checks.
 *
 * <p>Reference constants were computed with Python 3 / scipy 1.17.1:
 * <ul>
 *   <li>Student-t: {@code h(X) + h(Y) − h(X, Y)} with {@code scipy.stats.multivariate_t(shape=Σ, df=ν).entropy()}
 *       of the joint and of the two marginal blocks; for 1 × 1, ν = 1 also by direct 2-d quadrature of
 *       {@code E ln p(x,y)/(p(x)p(y))} ({@code scipy.integrate.dblquad} in polar coordinates, bivariate
 *       Cauchy against {@code scipy.stats.t.pdf}), which gave 0.22417142752923733, agreeing to 1e-14;</li>
 *   <li>mixed: {@code h(Y) − ½ ln(2πeσ²)} with h(Y) by {@code scipy.integrate.quad} (epsabs 1e-13) of
 *       {@code −p ln p}, p the mixture of {@code scipy.stats.norm.pdf};</li>
 *   <li>discrete symbols: exact enumeration of {@code Σ p(x,y) ln p(x,y)/(p(x)p(y))} over the K × K table.</li>
 * </ul>
 *
 * <p>Monte-Carlo checks average {@code ln p(x,y) − ln p(x) − ln p(y)} with the exact densities over
 * generated rows: its mean is the MI when the sampler draws the stated distribution. The tolerance is
 * 5 standard errors of that mean, estimated from the same sample (a spurious failure has probability
 * below 1e-6; the seed is fixed anyway), and the standard error itself is asserted to be small, so
 * the check has power.
 */
class BeyondNormalTasksTest {
    private static final long SEED = 20231L;

    private static SyntheticTasks.Task task(String name, Integer dim, Integer dimY, Double mi, Map<String, Double> params) {
        return SyntheticTasks.create(name, new TaskOptions(dim, dimY, mi, null, null, params));
    }

    private static SyntheticTasks.Task task(String name) {
        return task(name, null, null, null, null);
    }

    // ---- truths ------------------------------------------------------------------------------

    @Test
    void studentT_truthMatchesScipyEntropies() {
        assertEquals(0.22417142752923613, BeyondNormalTasks.studentTScaleMi(1, 1, 1), 1e-12);
        assertEquals(0.1931471805599454, BeyondNormalTasks.studentTScaleMi(2, 2, 2), 1e-12);
        assertEquals(0.29854362265275824, BeyondNormalTasks.studentTScaleMi(3, 5, 5), 1e-12);
        assertEquals(0.29092192268276484, BeyondNormalTasks.studentTScaleMi(2, 3, 3), 1e-12);
        assertEquals(0.5, BeyondNormalTasks.studentTScaleMi(1, 2, 3), 1e-12);
        // ν = 3, 2 × 2, ρ = 0.6 on both pairs: −ln(1 − 0.36) + the scale part
        SyntheticTasks.Task t = task("student-t", 2, null, 0.5571127263944096, Map.of("dof", 3.0));
        assertEquals(0.6, t.parameters().get("rho"), 1e-10);
        assertEquals(0.5571127263944096, t.trueMiNats(), 1e-12);
        // the scale part vanishes as ν → ∞ (the t tends to the Gaussian)
        assertTrue(BeyondNormalTasks.studentTScaleMi(1000, 2, 2) < 1e-5);
    }

    @Test
    void studentT_defaultsAreBmis2x2Dof2() {
        SyntheticTasks.Task t = task("student-t");
        assertEquals(2, t.dimX());
        assertEquals(2, t.dimY());
        assertEquals(2.0, t.parameters().get("dof"), 0.0);
        assertEquals(0.0, t.parameters().get("rho"), 0.0);
        assertEquals(Math.log(2) - 0.5, t.trueMiNats(), 1e-12);
        SyntheticTasks.Task a = task("asinh-student-t", 1, null, null, Map.of("dof", 1.0));
        assertEquals(0.22417142752923613, a.trueMiNats(), 1e-12);
        SyntheticTasks.Task u = task("student-t", 2, 5, null, Map.of("dof", 5.0));
        assertEquals(2, u.dimX());
        assertEquals(5, u.dimY());
        assertEquals(BeyondNormalTasks.studentTScaleMi(5, 2, 5), u.trueMiNats(), 0.0);
    }

    @Test
    void studentT_monteCarloLogDensityRatioMatchesTheTruth() {
        assertMonteCarloTruth(task("student-t"), 200_000, BeyondNormalTasksTest::studentTLogRatio);
        assertMonteCarloTruth(task("student-t", 2, null, 0.5571127263944096, Map.of("dof", 3.0)), 200_000,
                BeyondNormalTasksTest::studentTLogRatio);
        assertMonteCarloTruth(task("student-t", 1, 3, null, Map.of("dof", 1.0)), 200_000,
                BeyondNormalTasksTest::studentTLogRatio);
    }

    @Test
    void gaussianFamilies_truthIsTheGaussianMiOfTheirPairs() {
        double one = -0.5 * Math.log(1 - 0.75 * 0.75);
        assertEquals(0.4133392865922339, one, 1e-15); // −½ ln(0.4375), printed by Python
        assertEquals(2 * one, task("half-cube").trueMiNats(), 1e-12);
        assertEquals(2 * one, task("asinh").trueMiNats(), 1e-12);
        assertEquals(3 * one, task("spiral").trueMiNats(), 1e-12);
        assertEquals(one, task("swiss-roll").trueMiNats(), 1e-12);
        assertEquals(2, task("swiss-roll").dimX());
        assertEquals(1, task("swiss-roll").dimY());
        assertEquals(3, task("spiral").dimX());
        assertEquals(1.0, task("spiral").parameters().get("speed"), 0.0);
        for (String n : new String[] {"half-cube", "asinh", "spiral", "swiss-roll"}) {
            SyntheticTasks.Task t = task(n, null, null, 1.7, null);
            assertEquals(1.7, t.trueMiNats(), 1e-12, n);
        }
        SyntheticTasks.Task t = task("half-cube", 4, 2, 1.0, null);
        assertEquals(Math.sqrt(1 - Math.exp(-1.0)), t.parameters().get("rho"), 1e-12);
    }

    @Test
    void discreteSymbols_truthMatchesExactEnumeration() {
        assertEquals(0.9513501588616312, task("discrete-symbols").trueMiNats(), 1e-13);
        assertEquals(1.1898570883305857, task("discrete-symbols", null, null, null,
                Map.of("symbols", 8.0, "flip", 0.2)).trueMiNats(), 1e-13);
        for (int k : new int[] {2, 3, 10}) {
            for (double p : new double[] {0.0, 0.05, 0.5, 0.9}) {
                assertEquals(enumeratedSymbolsMi(k, p), BeyondNormalTasks.noisySymbolsMi(k, p), 1e-12, k + " " + p);
            }
        }
        assertEquals(0.0, BeyondNormalTasks.noisySymbolsMi(5, 0.8), 1e-15); // y independent of x at p = (K−1)/K
        assertEquals(3 * 0.9513501588616312, task("discrete-symbols", 3, null, null, null).trueMiNats(), 1e-12);
    }

    /**
     * Plug-in MI of 1 000 000 generated rows, K = 4: its bias is {@code (K−1)²/(2n) = 4.5e-6} and its
     * standard deviation about {@code √(Var ln(p(x,y)/p(x)p(y)) / n) ≈ 1e-3}; tolerance 5e-3.
     */
    @Test
    void discreteSymbols_plugInOnALargeSampleMatchesTheTruth() {
        SyntheticTasks.Task t = task("discrete-symbols");
        int n = 1_000_000;
        long[][] counts = new long[4][4];
        double[] x = new double[1];
        double[] y = new double[1];
        for (long i = 0; i < n; i++) {
            t.fillRow(SyntheticTasks.rowRandom(SEED, i), x, y);
            counts[(int) x[0]][(int) y[0]]++;
        }
        double mi = 0;
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                long ra = Arrays.stream(counts[a]).sum();
                long cb = 0;
                for (long[] row : counts) {
                    cb += row[b];
                }
                double p = (double) counts[a][b] / n;
                mi += p * Math.log(p * n * n / ((double) ra * cb));
            }
        }
        assertEquals(t.trueMiNats(), mi, 5e-3);
    }

    @Test
    void mixed_truthMatchesScipyQuadrature() {
        assertEquals(0.8452327550668502, task("mixed-discrete-continuous").trueMiNats(), 1e-9);
        assertEquals(0.11142148218473658, BeyondNormalTasks.symbolsInNoiseMi(2, 1.0), 1e-9);
        assertEquals(1.8659388192689026, BeyondNormalTasks.symbolsInNoiseMi(8, 0.3), 1e-9);
        assertEquals(1.386294361119891, BeyondNormalTasks.symbolsInNoiseMi(4, 0.05), 1e-12);
        assertEquals(Math.log(4), BeyondNormalTasks.symbolsInNoiseMi(4, 0.06), 1e-12); // just above the shortcut
    }

    @Test
    void mixed_monteCarloLogDensityRatioMatchesTheTruth() {
        assertMonteCarloTruth(task("mixed-discrete-continuous"), 200_000, (t, x, y) -> {
            int k = t.parameters().get("symbols").intValue();
            double s = t.parameters().get("sigma");
            double mix = 0;
            for (int j = 0; j < k; j++) {
                mix += Math.exp(-0.5 * Math.pow((y[0] - j) / s, 2));
            }
            return -0.5 * Math.pow((y[0] - x[0]) / s, 2) - Math.log(mix / k);
        });
    }

    // ---- --mi inversion --------------------------------------------------------------------------

    @Test
    void mi_isMetByEveryTaskThatCanSolveForIt() {
        double[] targets = {0.3, 0.9, 1.3};
        for (double mi : targets) {
            for (String n : new String[] {"student-t", "asinh-student-t", "discrete-symbols", "mixed-discrete-continuous"}) {
                assertEquals(mi, task(n, null, null, mi, null).trueMiNats(), 1e-9, n + " " + mi);
            }
        }
        SyntheticTasks.Task d = task("discrete-symbols", 2, null, 2.0, Map.of("symbols", 5.0));
        assertEquals(2.0, d.trueMiNats(), 1e-9);
        assertEquals(2.0, 2 * BeyondNormalTasks.noisySymbolsMi(5, d.parameters().get("flip")), 1e-9);
        SyntheticTasks.Task m = task("mixed-discrete-continuous", null, null, 0.01, null);
        assertEquals(0.01, BeyondNormalTasks.symbolsInNoiseMi(4, m.parameters().get("sigma")), 1e-9);
    }

    @Test
    void badArguments_throwNamingTheTaskAndFlag() {
        assertMessage(() -> task("student-t", null, null, 0.1, null), "mi: task 'student-t' with dof 2 in 2 x 2", ">= 0.193147");
        assertMessage(() -> task("discrete-symbols", null, null, 1.5, null), "mi: task 'discrete-symbols'", "1.386294");
        assertMessage(() -> task("mixed-discrete-continuous", null, null, 1.4, null), "mi: task 'mixed-discrete-continuous'");
        assertMessage(() -> task("student-t", null, null, null, Map.of("dof", 2.5)), "--param dof must be an integer in [1, 1000]");
        assertMessage(() -> task("student-t", null, null, null, Map.of("speed", 2.0)), "--param speed: task 'student-t' takes only [dof]");
        assertMessage(() -> task("half-cube", null, null, null, Map.of("dof", 2.0)), "--param dof: task 'half-cube' takes no --param");
        assertMessage(() -> task("spiral", 1, null, null, null), "dim: task 'spiral'", ">= 2");
        assertMessage(() -> task("swiss-roll", 3, null, null, null), "dim: task 'swiss-roll' has x in 2 dimensions and y in 1");
        assertMessage(() -> task("discrete-symbols", 2, 3, null, null), "--dim-y applies only to tasks [student-t");
        assertMessage(() -> task("corr-gaussian", 2, 3, null, null), "--dim-y applies only to tasks");
        assertMessage(() -> task("uniform-noise", null, null, null, Map.of("flip", 0.1)), "--param flip: task 'uniform-noise' takes no --param");
        assertMessage(() -> task("discrete-symbols", null, null, 0.5, Map.of("flip", 0.1)), "--param flip and --mi");
        assertMessage(() -> task("discrete-symbols", null, null, null, Map.of("symbols", 1.0)), "--param symbols must be an integer in [2,");
        assertMessage(() -> task("mixed-discrete-continuous", null, null, null, Map.of("sigma", -1.0)), "--param sigma must be in (0, 1e4]");
        assertMessage(() -> task("discrete-symbols", null, null, null, Map.of("flip", 1.5)), "--param flip must be in [0, 1]");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String... parts) {
        String m = assertThrows(IllegalArgumentException.class, e).getMessage();
        for (String p : parts) {
            assertTrue(m.contains(p), m + " should contain " + p);
        }
    }

    // ---- samplers ----------------------------------------------------------------------------

    /** The mapped tasks are their base's rows (drawn from the same stream) with the stated map. */
    @Test
    void mappedTasks_areTheMapOfTheirBaseRows() {
        SyntheticTasks.Task base = task("student-t", 2, 3, null, Map.of("dof", 1.0));
        SyntheticTasks.Task asinhT = task("asinh-student-t", 2, 3, null, Map.of("dof", 1.0));
        SyntheticTasks.Task halfCube = task("half-cube", 3, 2, 1.0, null);
        SyntheticTasks.Task asinh = task("asinh", 3, 2, 1.0, null);
        SyntheticTasks.Task gauss = new SyntheticTasks.Task("g", 3, 2, 1.0, Map.of(),
                TaskSamplers.LinearGaussian.correlated(halfCube.parameters().get("rho")), false);
        for (long i = 0; i < 200; i++) {
            double[][] b = row(base, i);
            double[][] a = row(asinhT, i);
            for (int side = 0; side < 2; side++) {
                for (int j = 0; j < b[side].length; j++) {
                    assertEquals(SpecialFunctions.asinh(b[side][j]), a[side][j], 0.0);
                }
            }
            double[][] g = row(gauss, i);
            double[][] h = row(halfCube, i);
            double[][] s = row(asinh, i);
            for (int side = 0; side < 2; side++) {
                for (int j = 0; j < g[side].length; j++) {
                    double v = g[side][j];
                    assertEquals(v * Math.sqrt(Math.abs(v)), h[side][j], 0.0);
                    assertEquals(SpecialFunctions.asinh(v), s[side][j], 0.0);
                }
            }
        }
    }

    /**
     * The Gaussian core of {@code asinh} in 3 × 2 dimensions, recovered with sinh: unit variances,
     * corr(x_j, y_j) = ρ for j < 2, corr(x_2, y_0) = 0. With n = 100 000 the sd of a sample variance is
     * √(2/n) = 0.0045 and of a correlation ≤ √(1/n) = 0.0032; tolerance 5 sd.
     */
    @Test
    void asinh_inverseGivesTheIdentityBlockGaussian() {
        SyntheticTasks.Task t = task("asinh", 3, 2, 1.0, null);
        double rho = t.parameters().get("rho");
        int n = 100_000;
        double[] sxx = new double[3];
        double[] sxy = new double[3];
        double syy = 0;
        for (long i = 0; i < n; i++) {
            double[][] r = row(t, i);
            double[] x = Arrays.stream(r[0]).map(Math::sinh).toArray();
            double[] y = Arrays.stream(r[1]).map(Math::sinh).toArray();
            for (int j = 0; j < 3; j++) {
                sxx[j] += x[j] * x[j];
            }
            sxy[0] += x[0] * y[0];
            sxy[1] += x[1] * y[1];
            sxy[2] += x[2] * y[0];
            syy += y[1] * y[1];
        }
        for (int j = 0; j < 3; j++) {
            assertEquals(1.0, sxx[j] / n, 0.023);
        }
        assertEquals(1.0, syy / n, 0.023);
        assertEquals(rho, sxy[0] / n, 0.016);
        assertEquals(rho, sxy[1] / n, 0.016);
        assertEquals(0.0, sxy[2] / n, 0.016);
    }

    /** The spiral keeps each side's norm and is undone by the rotation with the opposite speed. */
    @Test
    void spiral_isANormPreservingRotationThatCanBeUndone() {
        SyntheticTasks.Task t = task("spiral", 3, 4, 1.0, Map.of("speed", 2.0));
        SyntheticTasks.Task base = new SyntheticTasks.Task("g", 3, 4, 1.0, Map.of(),
                TaskSamplers.LinearGaussian.correlated(t.parameters().get("rho")), false);
        boolean moved = false;
        for (long i = 0; i < 500; i++) {
            double[][] s = row(t, i);
            double[][] g = row(base, i);
            assertEquals(norm(g[0]), norm(s[0]), 1e-12);
            assertEquals(norm(g[1]), norm(s[1]), 1e-12);
            moved |= Math.abs(s[0][0] - g[0][0]) > 0.1;
            TaskSamplers.Spiral.rotate(s[0], 0, -2.0);
            TaskSamplers.Spiral.rotate(s[1], 1, -2.0);
            assertArrayEquals(g[0], s[0], 1e-12);
            assertArrayEquals(g[1], s[1], 1e-12);
        }
        assertTrue(moved, "the spiral should move points");
    }

    /**
     * The swiss roll's x lies on the curve (t cos t, t sin t)/21 with t ∈ [1.5π, 4.5π] and is undone by
     * the radius: t = 21‖x‖ gives u = Φ(g) of the normal g drawn first from the row's stream.
     */
    @Test
    void swissRoll_isInjectiveViaTheRadius() {
        SyntheticTasks.Task t = task("swiss-roll");
        double rho = t.parameters().get("rho");
        for (long i = 0; i < 2000; i++) {
            double[][] r = row(t, i);
            double[] z = new double[2];
            SyntheticTasks.fillGaussian(SyntheticTasks.rowRandom(SEED, i), z);
            double tt = 21.0 * norm(r[0]);
            assertTrue(tt >= 1.5 * Math.PI - 1e-12 && tt <= 4.5 * Math.PI + 1e-12, "t " + tt);
            assertEquals(tt * Math.cos(tt) / 21.0, r[0][0], 1e-12);
            assertEquals(tt * Math.sin(tt) / 21.0, r[0][1], 1e-12);
            assertEquals(SpecialFunctions.normalCdf(z[0]), (tt / (1.5 * Math.PI) - 1) / 2, 1e-12);
            assertEquals(rho * z[0] + Math.sqrt(1 - rho * rho) * z[1], r[1][0], 1e-12);
        }
    }

    /** χ²_ν of the Student-t scale: mean ν (sd √(2ν/n)) and variance 2ν, for odd and even ν; 5 sd. */
    @Test
    void chiSquare_hasMeanNuAndVarianceTwoNu() {
        int n = 200_000;
        for (int nu : new int[] {1, 2, 5}) {
            double s = 0;
            double ss = 0;
            for (long i = 0; i < n; i++) {
                double w = TaskSamplers.StudentT.chiSquare(SyntheticTasks.rowRandom(SEED, i), nu);
                s += w;
                ss += w * w;
            }
            double m = s / n;
            assertEquals(nu, m, 5 * Math.sqrt(2.0 * nu / n), "nu " + nu);
            // var of a sample variance of χ²_ν: (μ4 − σ⁴)/n with μ4 = 12ν(ν+4)... sd below √(12ν(ν+4)/n)
            assertEquals(2.0 * nu, ss / n - m * m, 5 * Math.sqrt(12.0 * nu * (nu + 4) / n), "nu " + nu);
        }
    }

    @Test
    void everyTask_isDeterministicPerSeedAndRow() {
        for (String n : BeyondNormalTasks.names()) {
            SyntheticTasks.Task a = task(n);
            SyntheticTasks.Task b = task(n);
            double[][] r1 = row(a, 17);
            double[][] r2 = row(b, 17);
            assertArrayEquals(r1[0], r2[0], 0.0, n);
            assertArrayEquals(r1[1], r2[1], 0.0, n);
            double[][] other = row(a, 18);
            assertFalse(Arrays.equals(r1[0], other[0]) && Arrays.equals(r1[1], other[1]), n);
            assertEquals(n, a.name());
            assertTrue(SyntheticTasks.names().contains(n));
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    interface LogRatio {
        double at(SyntheticTasks.Task t, double[] x, double[] y);
    }

    private static void assertMonteCarloTruth(SyntheticTasks.Task t, int n, LogRatio f) {
        double s = 0;
        double ss = 0;
        double[] x = new double[t.dimX()];
        double[] y = new double[t.dimY()];
        for (long i = 0; i < n; i++) {
            t.fillRow(SyntheticTasks.rowRandom(SEED, i), x, y);
            double v = f.at(t, x, y);
            s += v;
            ss += v * v;
        }
        double mean = s / n;
        double se = Math.sqrt((ss / n - mean * mean) / n);
        assertTrue(se < 0.005, t + ": standard error " + se); // measured 0.0014 to 0.0024
        assertEquals(t.trueMiNats(), mean, 5 * se, t.toString());
    }

    /**
     * {@code ln p(x,y) − ln p(x) − ln p(y)} of the identity-block t: {@code ln p_d(v) = c_d − ((ν+d)/2)·ln(1 + Q/ν)},
     * {@code Q = vᵀΣ⁻¹v}; the normalising constants differ only by the ln Γ terms and
     * {@code −½ ln det Σ = −(k/2) ln(1−ρ²)} of the joint.
     */
    private static double studentTLogRatio(SyntheticTasks.Task t, double[] x, double[] y) {
        double nu = t.parameters().get("dof");
        double rho = t.parameters().get("rho");
        int dx = x.length;
        int dy = y.length;
        int k = Math.min(dx, dy);
        double qx = dot(x, x);
        double qy = dot(y, y);
        double q = 0;
        for (int j = 0; j < Math.max(dx, dy); j++) {
            double a = j < dx ? x[j] : 0;
            double b = j < dy ? y[j] : 0;
            q += j < k ? (a * a - 2 * rho * a * b + b * b) / (1 - rho * rho) : a * a + b * b;
        }
        double joint = logTConstant(nu, dx + dy) + 0.5 * k * -Math.log(1 - rho * rho) - 0.5 * (nu + dx + dy) * Math.log1p(q / nu);
        double px = logTConstant(nu, dx) - 0.5 * (nu + dx) * Math.log1p(qx / nu);
        double py = logTConstant(nu, dy) - 0.5 * (nu + dy) * Math.log1p(qy / nu);
        return joint - px - py;
    }

    private static double logTConstant(double nu, int d) {
        return SpecialFunctions.lnGamma(0.5 * (nu + d)) - SpecialFunctions.lnGamma(0.5 * nu) - 0.5 * d * Math.log(nu * Math.PI);
    }

    private static double enumeratedSymbolsMi(int k, double p) {
        double mi = 0;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double pj = (a == b ? 1 - p : p / (k - 1)) / k;
                if (pj > 0) {
                    mi += pj * Math.log(pj / (1.0 / k * 1.0 / k));
                }
            }
        }
        return mi;
    }

    private static double[][] row(SyntheticTasks.Task t, long i) {
        double[] x = new double[t.dimX()];
        double[] y = new double[t.dimY()];
        t.fillRow(SyntheticTasks.rowRandom(SEED, i), x, y);
        return new double[][] {x, y};
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    private static double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }
}
