package org.minespark.core;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The column generators of a {@link FeatureTable}: independent columns and the four kinds of planted
 * pair, each with its true MI in nats. Every generator draws its values of one row from the row's
 * stream and writes them into the row's value array; nulls are added afterwards by the table.
 *
 * <ul>
 *   <li>{@code linear-gaussian}: {@code (x, y)} standard bivariate normal with correlation ρ,
 *       {@code I = −½ ln(1 − ρ²)}, so {@code ρ = √(1 − e^{−2I})}.</li>
 *   <li>{@code monotone}: a Gaussian pair {@code (x, w)} as above and {@code y = e^w} or
 *       {@code y = w³} (alternately); a strictly increasing map leaves MI unchanged, so the closed
 *       form above holds.</li>
 *   <li>{@code non-monotone}: {@code x ~ N(0, 1)}, {@code y = |x| + s·z}, {@code z ~ N(0, 1)}
 *       independent (linear correlation 0). {@code I = h(Y) − ½ ln(2πe s²)}; the mixture density
 *       {@code p(y) = E_x[φ((y − |x|)/s)/s]} has the closed form of a skew-normal density
 *       {@code p(y) = (2/τ) φ(y/τ) Φ(y/(sτ))}, {@code τ = √(1 + s²)} (complete the square in x over
 *       {@code x ≥ 0}), and {@code h(Y)} is its 1-d integral by the trapezoidal rule
 *       ({@link #absNoiseMi}). s is solved for the planted MI.</li>
 *   <li>{@code categorical}: x uniform on K string levels {@code L0..L(K−1)}; y is a noisy copy: with
 *       probability {@code keep} the same level, else a level drawn uniformly from all K (possibly
 *       the same). That is the symmetric channel with {@code q = P(y = x) = keep + (1 − keep)/K}:
 *       {@code I = ln K + q ln q + (1 − q) ln((1 − q)/(K − 1))}. y is a string column or an integer
 *       column of the codes {@code 0..K−1} (alternately); keep is solved for the planted MI.</li>
 * </ul>
 * Pure Java, no Spark import.
 */
final class PlantedDependence {
    static final String LINEAR = "linear-gaussian";
    static final String MONOTONE = "monotone";
    static final String NON_MONOTONE = "non-monotone";
    static final String CATEGORICAL = "categorical";
    static final String[] KINDS = {LINEAR, MONOTONE, NON_MONOTONE, CATEGORICAL};

    private static final double HALF_LN_2PI_E = 0.5 * Math.log(2.0 * Math.PI * Math.E);

    private PlantedDependence() {
    }

    /** Draws one row's values of some columns into {@code out} (indices fixed at construction). */
    interface Unit extends Serializable {
        void fill(SplittableRandom rng, Object[] out);
    }

    /** A planted pair's generator, the types of its two columns and its truth. */
    record Built(Unit unit, FeatureTable.Type xType, FeatureTable.Type yType, double miNats,
                 Map<String, Double> parameters, String construction, String truth) {
    }

    /**
     * A planted pair of {@code kind} with MI {@code miNats} writing columns {@code ix}, {@code iy};
     * {@code variant} alternates the monotone map and the categorical y type, {@code levels} is the
     * smallest K the categorical kind may use (raised when ln K is too close to the target).
     */
    static Built plant(String kind, double miNats, int ix, int iy, int variant, int levels) {
        Map<String, Double> p = new LinkedHashMap<>();
        switch (kind) {
            case LINEAR:
            case MONOTONE: {
                double rho = Math.sqrt(-Math.expm1(-2.0 * miNats));
                p.put("rho", rho);
                boolean exp = variant % 2 == 0;
                String map = !LINEAR.equals(kind) ? (exp ? "exp" : "cube") : "identity";
                String c = LINEAR.equals(kind) ? "(x, y) bivariate normal, corr rho"
                        : "y = " + (exp ? "exp(w)" : "w^3") + ", (x, w) bivariate normal, corr rho";
                return new Built(new GaussianPair(ix, iy, rho, map), FeatureTable.Type.DOUBLE, FeatureTable.Type.DOUBLE,
                        -0.5 * Math.log1p(-rho * rho), p, c, "closed form -0.5 ln(1 - rho^2)");
            }
            case NON_MONOTONE: {
                double s = BeyondNormalTasks.solveDecreasing(PlantedDependence::absNoiseMi, miNats, 1e-2, 1e2, true);
                p.put("noise_sd", s);
                return new Built(new AbsNoisePair(ix, iy, s), FeatureTable.Type.DOUBLE, FeatureTable.Type.DOUBLE,
                        absNoiseMi(s), p, "x ~ N(0,1), y = |x| + noise_sd * N(0,1)",
                        "h(Y) - 0.5 ln(2 pi e noise_sd^2), h(Y) by quadrature of the skew-normal density of y");
            }
            case CATEGORICAL: {
                int k = Math.max(levels, (int) Math.ceil(Math.exp(miNats / 0.7)));
                double resample = BeyondNormalTasks.solveDecreasing(r -> symbolChannelMi(k, 1.0 - r), miNats, 0.0, 1.0,
                        false);
                double keep = 1.0 - resample;
                p.put("levels", (double) k);
                p.put("keep", keep);
                p.put("q", keep + (1.0 - keep) / k);
                boolean str = variant % 2 == 0;
                return new Built(new SymbolPair(ix, iy, k, keep, str), FeatureTable.Type.STRING,
                        str ? FeatureTable.Type.STRING : FeatureTable.Type.INTEGER, symbolChannelMi(k, keep), p,
                        "x uniform on K levels; y = x w.p. keep, else uniform on the K levels"
                                + (str ? "" : " (y as integer codes 0..K-1)"),
                        "closed form ln K + q ln q + (1 - q) ln((1 - q)/(K - 1)), q = keep + (1 - keep)/K");
            }
            default:
                throw new IllegalArgumentException("unknown planted kind " + kind);
        }
    }

    /** The symmetric K-ary channel's MI for a uniform input: {@code y = x} w.p. {@code keep}, else uniform. */
    static double symbolChannelMi(int k, double keep) {
        double q = keep + (1.0 - keep) / k;
        return BeyondNormalTasks.noisySymbolsMi(k, Math.max(0.0, 1.0 - q));
    }

    /** The skew-normal density of {@code y = |x| + s z}: {@code (2/τ) φ(y/τ) Φ(y/(sτ))}, {@code τ = √(1 + s²)}. */
    static double absNoiseDensity(double y, double s) {
        double tau = Math.sqrt(1.0 + s * s);
        double u = y / tau;
        return 2.0 / tau * Math.exp(-0.5 * u * u) / Math.sqrt(2.0 * Math.PI) * SpecialFunctions.normalCdf(y / (s * tau));
    }

    /**
     * The MI of {@code x ~ N(0, 1)} and {@code y = |x| + s z}: {@code h(Y) − ½ ln(2πe s²)}, with
     * {@code h(Y) = −∫ p ln p} by the trapezoidal rule with step {@code min(s, 1)/32} on
     * {@code [−12 s, 12 τ]}. The density is smooth (its only feature, the rise of Φ near 0, has width
     * {@code sτ ≥ s}) and its tails are Gaussian of scale s on the left and τ on the right, cut off
     * below {@code e^{−72}} of the peak, where the trapezoidal rule converges geometrically
     * ({@code FeatureTableTest} checks it against a 2-d quadrature and a Monte-Carlo entropy).
     */
    static double absNoiseMi(double s) {
        double tau = Math.sqrt(1.0 + s * s);
        double lo = -12.0 * s;
        double hi = 12.0 * tau;
        int n = (int) Math.ceil((hi - lo) / (Math.min(s, 1.0) / 32.0));
        double h = (hi - lo) / n;
        double sum = 0.0;
        for (int i = 0; i <= n; i++) {
            double p = absNoiseDensity(lo + i * h, s);
            if (p > 0) {
                sum += (i == 0 || i == n ? 0.5 : 1.0) * p * Math.log(p);
            }
        }
        return -sum * h - Math.log(s) - HALF_LN_2PI_E;
    }

    /** One standard normal by Box-Muller (a fixed two uniforms per variate). */
    static double normal(SplittableRandom rng) {
        double r = Math.sqrt(-2.0 * Math.log(1.0 - rng.nextDouble())); // 1 - u in (0, 1]: log finite
        return r * Math.cos(2.0 * Math.PI * rng.nextDouble());
    }

    /** {@code x = z₁}, {@code w = ρ z₁ + √(1−ρ²) z₂}, y = map(w). */
    private record GaussianPair(int ix, int iy, double rho, String map) implements Unit {
        @Override
        public void fill(SplittableRandom rng, Object[] out) {
            double x = normal(rng);
            double w = rho * x + Math.sqrt(1.0 - rho * rho) * normal(rng);
            out[ix] = x;
            out[iy] = "exp".equals(map) ? Math.exp(w) : "cube".equals(map) ? w * w * w : w;
        }
    }

    /** {@code x ~ N(0, 1)}, {@code y = |x| + s z}. */
    private record AbsNoisePair(int ix, int iy, double s) implements Unit {
        @Override
        public void fill(SplittableRandom rng, Object[] out) {
            double x = normal(rng);
            out[ix] = x;
            out[iy] = Math.abs(x) + s * normal(rng);
        }
    }

    /** A level of K and its noisy copy, as a string or an integer code. */
    private record SymbolPair(int ix, int iy, int k, double keep, boolean yString) implements Unit {
        @Override
        public void fill(SplittableRandom rng, Object[] out) {
            int x = rng.nextInt(k);
            boolean kept = rng.nextDouble() < keep;
            int y = rng.nextInt(k); // always drawn: the stream does not depend on the outcome
            y = kept ? x : y;
            out[ix] = "L" + x;
            out[iy] = yString ? (Object) ("L" + y) : (Object) y;
        }
    }

    /** An independent column: doubles (normal, uniform or exponential), integers 0..m−1 or m string levels. */
    record Independent(int index, FeatureTable.Type type, int shape) implements Unit {
        @Override
        public void fill(SplittableRandom rng, Object[] out) {
            switch (type) {
                case DOUBLE:
                    out[index] = shape == 0 ? normal(rng) : shape == 1 ? rng.nextDouble() : -Math.log(1.0 - rng.nextDouble());
                    break;
                case INTEGER:
                    out[index] = rng.nextInt(shape);
                    break;
                default:
                    out[index] = "v" + rng.nextInt(shape);
            }
        }
    }
}
