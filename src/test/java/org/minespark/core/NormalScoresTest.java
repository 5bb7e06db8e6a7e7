package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NormalScoresTest {

    @Test
    void inverseNormalCdf_knownQuantiles() {
        // reference values of the standard normal quantile function (to 16 digits)
        assertEquals(0.0, NormalScores.inverseNormalCdf(0.5), 1e-15);
        assertEquals(1.959963984540054, NormalScores.inverseNormalCdf(0.975), 1e-8);
        assertEquals(-1.959963984540054, NormalScores.inverseNormalCdf(0.025), 1e-8);
        assertEquals(-3.090232306167813, NormalScores.inverseNormalCdf(0.001), 1e-8);
        assertEquals(3.090232306167813, NormalScores.inverseNormalCdf(0.999), 1e-8);
        assertEquals(-6.361340902404056, NormalScores.inverseNormalCdf(1e-10), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> NormalScores.inverseNormalCdf(0.0));
        assertThrows(IllegalArgumentException.class, () -> NormalScores.inverseNormalCdf(1.0));
    }

    @Test
    void apply_isStrictlyIncreasingEverywhere_alsoOutsideTheSample() {
        SplittableRandom r = new SplittableRandom(1);
        double[] s = new double[5000];
        for (int i = 0; i < s.length; i++) {
            double g = r.nextGaussian();
            s[i] = g * g * g + (i % 7 == 0 ? 3.0 : 0.0); // skewed, heavy-tailed, with a bump
        }
        NormalScores ns = NormalScores.fit(new double[][] {s}, NormalScores.DEFAULT_KNOTS);
        double prev = Double.NEGATIVE_INFINITY;
        for (double v = -200; v <= 200; v += 0.01) {
            double z = ns.apply(0, v);
            assertTrue(z > prev, "not increasing at " + v + ": " + z + " <= " + prev);
            prev = z;
        }
    }

    /**
     * Normal scores undo a monotone distortion: for y = g^3 with g standard normal, F(y) = Phi(y^(1/3)),
     * so the score of y is g. Fitted on 20 000 values with 1024 knots: in the bulk (|g| < 2) the
     * knots are about 0.004 apart in probability, the sample quantile's sd there is about
     * sqrt(p(1-p)/n) / phi(g) < 0.02, so |score - g| < 0.06 is about 3 sd at the worst point.
     */
    @Test
    void apply_cubedGaussian_recoversTheGaussian() {
        SplittableRandom r = new SplittableRandom(2);
        double[] s = new double[20_000];
        for (int i = 0; i < s.length; i++) {
            double g = r.nextGaussian();
            s[i] = g * g * g;
        }
        NormalScores ns = NormalScores.fit(new double[][] {s}, NormalScores.DEFAULT_KNOTS);
        for (double g = -2; g <= 2; g += 0.05) {
            assertEquals(g, ns.apply(0, g * g * g), 0.06, "g = " + g);
        }
    }

    @Test
    void fit_discreteValues_becomeOneKnotEachWithMidRankScores() {
        double[] s = new double[1000];
        for (int i = 0; i < s.length; i++) {
            s[i] = i % 2 == 0 ? -1.0 : 1.0;
        }
        NormalScores ns = NormalScores.fit(new double[][] {s, new double[] {4.0, 4.0, 4.0}}, 100);
        assertEquals(2, ns.knots(0));
        // the mean of Phi^-1 over the upper half of 100 levels: close to E[Z | Z > 0] = sqrt(2 / pi)
        double hi = ns.apply(0, 1.0);
        assertEquals(-hi, ns.apply(0, -1.0), 1e-12);
        assertEquals(Math.sqrt(2 / Math.PI), hi, 0.03);
        // a constant dimension carries no information: 0 everywhere
        assertEquals(1, ns.knots(1));
        assertEquals(0.0, ns.apply(1, 4.0), 0.0);
        assertEquals(0.0, ns.apply(1, -7.0), 0.0);
    }

    @Test
    void fit_badArguments_areRejected() {
        assertThrows(IllegalArgumentException.class, () -> NormalScores.fit(new double[][] {{1, 2}}, 1));
        assertThrows(IllegalArgumentException.class, () -> NormalScores.fit(new double[][] {{}}, 10));
    }

    /**
     * Tensor rows: the dimensions of one group (a feature at every position) share the map fitted on
     * their pooled values, exactly the map a plain fit of the concatenated values gives; another
     * group keeps its own map.
     */
    @Test
    void fitPooled_groupSharesTheMapOfItsPooledValues() {
        SplittableRandom r = new SplittableRandom(5);
        double[] a = new double[700];
        double[] b = new double[500];
        double[] c = new double[600];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = 3 + Math.exp(r.nextGaussian());
        }
        for (int i = 0; i < c.length; i++) {
            c[i] = r.nextInt(7);
        }
        double[] ab = new double[a.length + b.length];
        System.arraycopy(a, 0, ab, 0, a.length);
        System.arraycopy(b, 0, ab, a.length, b.length);
        NormalScores plain = NormalScores.fit(new double[][] {ab, c.clone()}, 64);
        // dims 0 and 2 are group 0 (values a and b), dim 1 is group 1 (values c)
        NormalScores pooled = NormalScores.fitPooled(new double[][] {a, c, b}, new int[] {0, 1, 0}, 2, 64);
        for (double v : new double[] {-3, -0.5, 0, 0.7, 2.5, 3.2, 4, 9, 40}) {
            assertEquals(plain.apply(0, v), pooled.apply(0, v), 0.0, "group 0 at " + v);
            assertEquals(plain.apply(0, v), pooled.apply(2, v), 0.0, "group 0 (second dim) at " + v);
            assertEquals(plain.apply(1, v), pooled.apply(1, v), 0.0, "group 1 at " + v);
        }
        assertEquals(7, pooled.knots(1), "seven distinct values, seven knots");
        assertThrows(IllegalArgumentException.class,
                () -> NormalScores.fitPooled(new double[][] {a, c}, new int[] {0}, 1, 64));
    }
}
