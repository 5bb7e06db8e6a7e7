package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.minespark.core.ColumnStats;

/** The statistics pass behind the input checks: merge equals one pass, correlation, distinct counts. */
class InputStatsTest {

    private static double[][] rows(int n, long seed) {
        Random r = new Random(seed);
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double c = r.nextInt(3);
            // x: a, c (3 levels); y: 2a + 1 (affine in a), a + noise, c (equal to x[1])
            v[i] = new double[] {a, c, 2 * a + 1, a + 0.5 * r.nextGaussian(), c};
        }
        return v;
    }

    private static InputStats onePass(double[][] v, int from, int to) {
        InputStats s = InputStats.ofXY(5, 2, 3, null);
        for (int i = from; i < to; i++) {
            s.add(v[i].clone());
        }
        return s;
    }

    @Test
    void merge_randomSplitsWithEmptyParts_equalsOnePass() {
        double[][] v = rows(1000, 1);
        InputStats whole = onePass(v, 0, v.length);
        InputStats merged = InputStats.ofXY(5, 2, 3, null);
        int[] cuts = {0, 0, 137, 137, 600, 999, 1000, 1000};
        for (int k = 1; k < cuts.length; k++) {
            merged.merge(onePass(v, cuts[k - 1], cuts[k]));
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(whole.correlation(i * 3 + j), merged.correlation(i * 3 + j), 1e-12, i + "," + j);
            }
        }
        for (int d = 0; d < 5; d++) {
            assertEquals(whole.min[d], merged.min[d], 0.0);
            assertEquals(whole.max[d], merged.max[d], 0.0);
            assertEquals(whole.distinct(d), merged.distinct(d));
            assertEquals(whole.base.mean(d), merged.base.mean(d), 1e-12);
        }
    }

    @Test
    void correlation_affineAndEqualColumns_areOneWithinTolerance() {
        InputStats s = onePass(rows(5000, 2), 0, 5000);
        assertTrue(1 - s.correlation(0) <= MineRunner.UNBOUNDED_TOLERANCE, "2a + 1 vs a: " + s.correlation(0));
        assertEquals(1.0, s.correlation(1 * 3 + 2), 1e-15, "identical columns: 1 up to the rounding of sqrt");
        assertTrue(s.correlation(1) < 0.95, "a + noise is not exact");
    }

    @Test
    void distinct_discreteColumnCounted_continuousSaturates() {
        InputStats s = onePass(rows(5000, 3), 0, 5000);
        assertEquals(3, s.distinct(1));
        assertEquals(InputStats.DISTINCT_CAP + 1, s.distinct(0));
    }

    @Test
    void baseStats_withoutScale_areThoseOfColumnStats() {
        double[][] v = rows(300, 4);
        ColumnStats ref = new ColumnStats(5);
        for (double[] r : v) {
            ref.add(r);
        }
        InputStats s = onePass(v, 0, v.length);
        for (int d = 0; d < 5; d++) {
            assertEquals(ref.mean(d), s.base.mean(d), 0.0);
            assertEquals(ref.std(d), s.base.std(d), 0.0);
        }
    }

    @Test
    void scale_powerOfTwo_makesHugeValuesSummable() {
        InputStats raw = InputStats.ofXY(2, 1, 1, null);
        InputStats scaled = InputStats.ofXY(2, 1, 1, new double[] {Math.scalb(1.0, -665), Math.scalb(1.0, -665)});
        Random r = new Random(5);
        for (int i = 0; i < 100; i++) {
            double a = r.nextGaussian() * 1e200;
            raw.add(new double[] {a, a});
            scaled.add(new double[] {a, a});
        }
        assertTrue(!Double.isFinite(raw.base.std(0)), "1e200 squared overflows");
        double sd = scaled.base.std(0) / Math.scalb(1.0, -665);
        assertTrue(sd > 1e199 && sd < 1e201, "deviation " + sd);
        assertEquals(1.0, scaled.correlation(0), 0.0);
    }
}
