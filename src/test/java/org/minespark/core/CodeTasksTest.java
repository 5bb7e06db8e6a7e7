package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The truths of the code tasks against independent Monte Carlo checks, and their samplers. */
class CodeTasksTest {

    private static SyntheticTasks.Task task(String n, Map<String, Double> params) {
        return SyntheticTasks.create(n, new TaskOptions(null, null, null, null, null, params));
    }

    /** The generalised quadrature gives the old integer-code one (same grid, same components). */
    @Test
    void mixtureMi_ofIntegerMeans_isSymbolsInNoiseMi() {
        for (double sigma : new double[] {0.2, 0.5, 1.5}) {
            double[] m = {3, 0, 2, 1};
            assertEquals(BeyondNormalTasks.symbolsInNoiseMi(4, sigma), BeyondNormalTasks.mixtureMi(m, sigma), 1e-12);
        }
    }

    /**
     * I = E[ln p(y|x) - ln p(y)] by Monte Carlo over 200k draws from the task's own sampler, with the
     * exact mixture density: independent of the quadrature. The per-draw log-ratio has an SD of
     * about 1 nat (printed), so the MC standard error is ~0.0023; tolerance 5 SE.
     */
    /** Per draw (x, y) of the task's own sampler: the exact log-ratio ln p(y|x) - ln p(y). */
    private interface LogRatio {
        double of(double x, double y);
    }

    /** Mean and standard error of the log-ratio over n draws: a Monte Carlo estimate of I. */
    private static double[] monteCarlo(SyntheticTasks.Task t, long seed, int n, LogRatio lr) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[1];
        double[] y = new double[1];
        double s = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            t.fillRow(r, x, y);
            double v = lr.of(x[0], y[0]);
            s += v;
            s2 += v * v;
        }
        double mean = s / n;
        return new double[] {mean, Math.sqrt((s2 / n - mean * mean) / n)};
    }

    /**
     * I = E[ln p(y|x) - ln p(y)] by Monte Carlo over 200k draws from the task's own sampler, with the
     * exact mixture density: independent of the quadrature. The per-draw log-ratio has an SD of
     * about 1 nat, so the MC standard error is ~0.002 (printed); tolerance 5 SE.
     */
    @Test
    void codeColumn_truthMatchesMonteCarlo() {
        SyntheticTasks.Task t = task(CodeTasks.CODE_COLUMN, Map.of("symbols", 300.0));
        double sigma = t.parameters().get("sigma");
        double[] g = CodeTasks.table(300, 1);
        double[] mc = monteCarlo(t, 42, 200_000, (x, y) -> {
            double marg = 0;
            for (double gk : g) {
                double z = (y - gk) / sigma;
                marg += Math.exp(-0.5 * z * z);
            }
            double zc = (y - g[(int) x]) / sigma;
            return -0.5 * zc * zc - Math.log(marg / g.length);
        });
        System.out.printf("code-column K=300: quadrature %.5f, Monte Carlo %.5f (SE %.5f)%n", t.trueMiNats(), mc[0], mc[1]);
        assertEquals(t.trueMiNats(), mc[0], 5 * mc[1]);
        assertTrue(t.trueMiNats() > 0.5 && t.trueMiNats() < 1.2, "about 0.8 nats at sigma 0.5: " + t.trueMiNats());
    }

    /** As above for string-levels: ln p(y|x) - ln p(y) with p(y) = 1/K, tolerance 5 SE. */
    @Test
    void stringLevels_truthMatchesMonteCarlo_andLevelsAreStrings() {
        SyntheticTasks.Task t = task(CodeTasks.STRING_LEVELS, Map.of());
        int k = t.stringLevels();
        double p = t.parameters().get("flip");
        assertEquals(200, k);
        double[] mc = monteCarlo(t, 43, 200_000, (x, y) -> Math.log(x == y ? 1 - p : p / (k - 1)) + Math.log(k));
        assertEquals(t.trueMiNats(), mc[0], 5 * mc[1]);
        assertEquals(0.98214, t.trueMiNats(), 1e-5);
        assertEquals("L017", CodeTasks.level(17, 200));
        assertEquals("L7", CodeTasks.level(7, 10));
        assertThrows(IllegalArgumentException.class, () -> task(CodeTasks.STRING_LEVELS, Map.of("sigma", 1.0)));
    }
}
