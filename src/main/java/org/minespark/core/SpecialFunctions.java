package org.minespark.core;

/**
 * The few special functions the closed-form truths of the generated tasks need, in pure Java
 * (the JDK has none of them): {@code ln Γ}, the digamma function {@code ψ = (ln Γ)'}, the standard
 * normal CDF {@code Φ}, {@code asinh} and the binary entropy.
 */
public final class SpecialFunctions {
    /** Lanczos coefficients for g = 7, n = 9 (relative error of Γ below 2e-15 for x ≥ ½). */
    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};
    private static final double LANCZOS_G = 7.0;
    private static final double HALF_LN_2PI = 0.9189385332046727418;

    private SpecialFunctions() {
    }

    /**
     * {@code ln Γ(x)} for {@code x > 0}: the Lanczos approximation (g = 7, 9 terms) for {@code x ≥ ½},
     * and {@code ln Γ(x) = ln Γ(x + 1) − ln x} below.
     */
    public static double lnGamma(double x) {
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("lnGamma: x must be a finite number > 0, got " + x);
        }
        if (x < 0.5) {
            return lnGamma(x + 1.0) - Math.log(x);
        }
        double z = x - 1.0;
        double a = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) {
            a += LANCZOS[i] / (z + i);
        }
        double t = z + LANCZOS_G + 0.5;
        return HALF_LN_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /**
     * The digamma function {@code ψ(x) = d/dx ln Γ(x)} for {@code x > 0}: the recurrence
     * {@code ψ(x) = ψ(x + 1) − 1/x} up to {@code x ≥ 10}, then the asymptotic series
     * {@code ln x − 1/(2x) − Σ B_{2k}/(2k x^{2k})} to {@code k = 6} (the first omitted term,
     * {@code 1/(12 x¹⁴)}, is below 1e-15 at x = 10).
     */
    public static double digamma(double x) {
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("digamma: x must be a finite number > 0, got " + x);
        }
        double shift = 0.0;
        while (x < 10.0) {
            shift -= 1.0 / x;
            x += 1.0;
        }
        double r = 1.0 / (x * x);
        double series = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760))))));
        return shift + Math.log(x) - 0.5 / x - series;
    }

    /**
     * The standard normal CDF {@code Φ(x)} by Marsaglia's series (J. Stat. Softw. 11(4), 2004):
     * {@code Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …)}, absolute error about 1e-15. Beyond
     * {@code |x| > 8} (probability 1.2e-15 under N(0, 1)) it returns 0 or 1, which also keeps the
     * series from overflowing.
     */
    public static double normalCdf(double x) {
        if (x < -8.0) {
            return 0.0;
        }
        if (x > 8.0) {
            return 1.0;
        }
        double s = x;
        double t = 0.0;
        double b = x;
        double q = x * x;
        double i = 1.0;
        while (s != t) {
            t = s;
            i += 2.0;
            b *= q / i;
            s = t + b;
        }
        return 0.5 + s * Math.exp(-0.5 * q - HALF_LN_2PI);
    }

    /** {@code asinh(x) = ln(x + √(x² + 1))}, odd, without cancellation near 0 or overflow for large |x|. */
    public static double asinh(double x) {
        double a = Math.abs(x);
        double r;
        if (a > 1e8) {
            r = Math.log(2.0 * a); // the 1/(4a²) correction is below a double's resolution
        } else {
            // ln(a + √(a²+1)) = log1p(a + a²/(1 + √(a²+1)))
            r = Math.log1p(a + a * a / (1.0 + Math.sqrt(a * a + 1.0)));
        }
        return Math.copySign(r, x);
    }

    /** The binary entropy {@code H_b(p) = −p ln p − (1−p) ln(1−p)} in nats, with {@code 0 ln 0 = 0}. */
    public static double binaryEntropy(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("binaryEntropy: p must be in [0, 1], got " + p);
        }
        double h = 0.0;
        if (p > 0) {
            h -= p * Math.log(p);
        }
        if (p < 1) {
            h -= (1 - p) * Math.log1p(-p);
        }
        return h;
    }
}
