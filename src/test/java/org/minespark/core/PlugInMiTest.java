package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The plug-in MI, its Miller-Madow correction, standard error and G-test against scipy/numpy references. */
class PlugInMiTest {

    /** References from scipy.stats.chi2.sf (scipy 1.10): the survival function to 1e-12 relative. */
    @Test
    void chiSquaredSurvival_matchesScipy() {
        assertEquals(0.05, PlugInMi.chiSquaredSurvival(3.841458820694124, 1), 1e-12);
        assertEquals(0.1386386173824151, PlugInMi.chiSquaredSurvival(5.5, 3), 1e-12);
        assertEquals(0.49405285382923964, PlugInMi.chiSquaredSurvival(1000, 1000), 1e-10);
        assertEquals(Math.exp(-2.5), PlugInMi.chiSquaredSurvival(5, 2), 1e-13, "df 2: Q = e^(-x/2) exactly");
        assertEquals(1.0, PlugInMi.chiSquaredSurvival(40000, 43000), 1e-12);
        assertEquals(1.0, PlugInMi.chiSquaredSurvival(0, 7), 0.0);
    }

    /**
     * A 3 x 2 table [[30, 10], [10, 30], [20, 20]]: plug-in MI, Miller-Madow value, delta-method
     * standard error and G-test p-value computed with numpy/scipy (the formulas in the class doc).
     */
    @Test
    void estimate_smallTable_matchesNumpy() {
        PlugInMi t = new PlugInMi();
        int[][] cells = {{30, 10}, {10, 30}, {20, 20}};
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 2; b++) {
                for (int k = 0; k < cells[a][b]; k++) {
                    t.add(a, b);
                }
            }
        }
        PlugInMi.Estimate e = t.estimate();
        assertEquals(0.08720802396075798, e.rawNats(), 1e-12);
        assertEquals(0.07887469062742465, e.nats(), 1e-12);
        assertEquals(0.035901629468955726, e.stdErr(), 1e-12);
        assertEquals(2.8518348372694035e-05, e.pValue(), 1e-12);
        assertEquals(2.0, e.df(), 0.0);
        assertEquals(3, e.xLevels());
        assertEquals(2, e.yLevels());
        assertEquals(120, e.n());
    }

    /**
     * Merging partition tables equals one table over all rows, and a noisy copy of 50 symbols
     * (y = x with probability 0.8, else uniform) on 200 000 rows lands near its closed form (below);
     * independent codes give a value near 0 and a G-test p-value that is not small. Tolerances: 4
     * delta-method standard errors (about 0.005) plus 0.01 nats for the Miller-Madow correction's
     * remaining bias at 2 500 cells and 80 rows per cell. (The correction is first order: at 200
     * symbols, 40 000 cells and 5 rows per cell the same test measured +0.045 nats of bias left,
     * which is why the callers bound the cells by the rows.)
     */
    @Test
    void estimate_noisySymbols_nearTruth_andMergeIsExact() {
        int k = 50;
        double keep = 0.8;
        PlugInMi all = new PlugInMi();
        PlugInMi[] parts = {new PlugInMi(), new PlugInMi(), new PlugInMi()};
        PlugInMi indep = new PlugInMi();
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            int x = r.nextInt(k);
            int y = r.nextDouble() < keep ? x : r.nextInt(k);
            all.add(x, y);
            parts[i % 3].add(x, y);
            indep.add(x, r.nextInt(k));
        }
        PlugInMi merged = parts[0].merge(parts[1]).merge(parts[2]);
        assertEquals(all.estimate(), merged.estimate(), "merge gives the same table");
        // the same bits whatever the merge order (the table's slots depend on it, the estimate must not)
        PlugInMi[] again = {new PlugInMi(), new PlugInMi(), new PlugInMi()};
        SplittableRandom r2 = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            int x = r2.nextInt(k);
            int y = r2.nextDouble() < keep ? x : r2.nextInt(k);
            again[i % 3].add(x, y);
            r2.nextInt(k);
        }
        assertEquals(merged.estimate(), again[2].merge(again[0]).merge(again[1]).estimate(), "merge order");
        // y = x with probability q = keep + (1 - keep) / k, else one of the k - 1 others uniformly
        double q = keep + (1 - keep) / k;
        double truth = Math.log(k) + q * Math.log(q) + (1 - q) * Math.log((1 - q) / (k - 1));
        PlugInMi.Estimate e = all.estimate();
        assertEquals(truth, e.nats(), 4 * e.stdErr() + 0.01, "truth " + truth + ", estimate " + e);
        assertTrue(e.rawNats() > e.nats(), "the correction lowers the plug-in value");
        PlugInMi.Estimate z = indep.estimate();
        assertEquals(0.0, z.nats(), 0.02, z.toString());
        assertTrue(z.pValue() > 0.001, z.toString());
    }
}
