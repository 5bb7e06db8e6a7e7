package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The special functions against reference values. The references were computed with Python 3 and
 * scipy 1.17.1: {@code scipy.special.gammaln}, {@code scipy.special.digamma}, {@code scipy.stats.norm.cdf}
 * and {@code math.asinh}, printed with {@code repr} (17 significant digits).
 */
class SpecialFunctionsTest {
    @Test
    void lnGamma_matchesScipy() {
        assertEquals(0.5723649429247001, SpecialFunctions.lnGamma(0.5), 1e-14); // ln √π
        assertEquals(0.0, SpecialFunctions.lnGamma(1.0), 1e-14);
        assertEquals(0.0, SpecialFunctions.lnGamma(2.0), 1e-14);
        assertEquals(0.2846828704729192, SpecialFunctions.lnGamma(2.5), 1e-14);
        assertEquals(1.428072326665388, SpecialFunctions.lnGamma(3.7), 1e-14);
        assertEquals(6.579251212010101, SpecialFunctions.lnGamma(7.0), 1e-13); // ln 720
        assertEquals(469.3360974421906, SpecialFunctions.lnGamma(123.4), 1e-11); // relative 2e-14
        assertEquals(6.907178885383853, SpecialFunctions.lnGamma(1e-3), 1e-13);
    }

    @Test
    void digamma_matchesScipyOnBothSidesOfTheSeriesThreshold() {
        assertEquals(-0.5772156649015329, SpecialFunctions.digamma(1.0), 1e-14); // −γ
        assertEquals(-1.9635100260214235, SpecialFunctions.digamma(0.5), 1e-14); // −γ − 2 ln 2
        assertEquals(0.7031566406452432, SpecialFunctions.digamma(2.5), 1e-14);
        assertEquals(1.1671535393615113, SpecialFunctions.digamma(3.7), 1e-14);
        assertEquals(2.250700372831201, SpecialFunctions.digamma(9.99), 1e-14);
        assertEquals(2.251752589066721, SpecialFunctions.digamma(10.0), 1e-14);
        assertEquals(4.8113737751162775, SpecialFunctions.digamma(123.4), 1e-14);
        assertEquals(-1000.5755719318103, SpecialFunctions.digamma(1e-3), 1e-11);
    }

    /** ψ is the derivative of ln Γ: a central difference of lnGamma agrees to its truncation error. */
    @Test
    void digamma_isTheDerivativeOfLnGamma() {
        for (double x : new double[] {0.7, 1.5, 4.2, 11.0, 57.5}) {
            double h = 1e-5;
            double numeric = (SpecialFunctions.lnGamma(x + h) - SpecialFunctions.lnGamma(x - h)) / (2 * h);
            assertEquals(numeric, SpecialFunctions.digamma(x), 1e-8, "x " + x);
        }
    }

    @Test
    void normalCdf_matchesScipyAndIsStrictlyIncreasingOnAGrid() {
        assertEquals(0.5, SpecialFunctions.normalCdf(0.0), 0.0);
        assertEquals(0.8413447460685429, SpecialFunctions.normalCdf(1.0), 1e-15);
        assertEquals(0.024997895148220435, SpecialFunctions.normalCdf(-1.96), 1e-15);
        assertEquals(0.9995165758576162, SpecialFunctions.normalCdf(3.3), 1e-15);
        assertEquals(4.016000583859088e-11, SpecialFunctions.normalCdf(-6.5), 1e-15);
        double prev = -1;
        for (double x = -6; x <= 6; x += 1e-3) {
            double p = SpecialFunctions.normalCdf(x);
            assertTrue(p > prev, "x " + x);
            prev = p;
        }
        assertEquals(0.0, SpecialFunctions.normalCdf(-40), 0.0);
        assertEquals(1.0, SpecialFunctions.normalCdf(40), 0.0);
    }

    @Test
    void asinh_matchesPythonAndIsOdd() {
        assertEquals(0.881373587019543, SpecialFunctions.asinh(1.0), 1e-15);
        assertEquals(-1.8184464592320668, SpecialFunctions.asinh(-3.0), 1e-15);
        assertEquals(1e-10, SpecialFunctions.asinh(1e-10), 1e-25);
        assertEquals(17.50439001207821, SpecialFunctions.asinh(2e7), 1e-13);
        assertEquals(461.2101657793691, SpecialFunctions.asinh(1e200), 1e-12);
        assertEquals(-SpecialFunctions.asinh(0.37), SpecialFunctions.asinh(-0.37), 0.0);
        assertEquals(0.37, Math.sinh(SpecialFunctions.asinh(0.37)), 1e-15);
    }

    @Test
    void binaryEntropy_endpointsAndHalf() {
        assertEquals(0.0, SpecialFunctions.binaryEntropy(0.0), 0.0);
        assertEquals(0.0, SpecialFunctions.binaryEntropy(1.0), 0.0);
        assertEquals(Math.log(2), SpecialFunctions.binaryEntropy(0.5), 1e-15);
        assertEquals(-0.1 * Math.log(0.1) - 0.9 * Math.log(0.9), SpecialFunctions.binaryEntropy(0.1), 1e-15);
    }

    @Test
    void badArguments_throw() {
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.lnGamma(0.0));
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.digamma(-1.0));
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.binaryEntropy(1.5));
    }
}
