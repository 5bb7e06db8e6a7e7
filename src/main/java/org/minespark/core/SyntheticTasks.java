package org.minespark.core;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic tasks whose mutual information is known in closed form (nats), used by
 * {@code generate}, {@code demo} and the accuracy tests.
 *
 * <ul>
 *   <li>{@code gauss-channel} (seed 002): {@code x ~ N(0, P·I_d)}, {@code y = x + N(0, N·I_d)},
 *       {@code I = d·½·ln(1 + P/N)}. Defaults {@code d = 3}, {@code P = 3}, {@code N = 0.2}, so
 *       {@code I = 4.159} nats (6.0 bits). When a target MI is given, the signal power stays
 *       {@code P = 3} and the noise variance is chosen as {@code N = P / (e^{2I/d} − 1)}.</li>
 *   <li>{@code corr-gaussian} (Poole et al. 2019): {@code x ~ N(0, I_d)},
 *       {@code y = ρx + √(1−ρ²)·ε}, {@code I = −(d/2)·ln(1−ρ²)}, so {@code ρ = √(1 − e^{−2I/d})}.
 *       Defaults {@code d = 20}, {@code I = 2} nats.</li>
 *   <li>{@code independent}: {@code x, y ~ N(0, I_d)} independent, {@code I = 0}. Default
 *       {@code d = 3}; a target MI other than 0 is rejected.</li>
 * </ul>
 *
 * <p><b>Determinism.</b> Row {@code i} of a data set with seed {@code s} is drawn from its own
 * stream {@link #rowRandom(long, long) rowRandom(s, i)}, so the data depend only on
 * {@code (task, seed, row index)}: not on the number of partitions, threads or executors. Normal
 * variates come from Marsaglia's polar method ({@link SplittableRandom} has no
 * {@code nextGaussian} in Java 17).
 *
 * <p>Pure Java, no Spark import. {@link Task} is immutable, serialisable and thread-safe.
 */
public final class SyntheticTasks {
    public static final String GAUSS_CHANNEL = "gauss-channel";
    public static final String CORR_GAUSSIAN = "corr-gaussian";
    public static final String INDEPENDENT = "independent";

    /** Signal power P of the Gaussian channel (seed 002). */
    public static final double CHANNEL_SIGNAL_VARIANCE = 3.0;
    /** Default noise variance N of the Gaussian channel (seed 002). */
    public static final double CHANNEL_NOISE_VARIANCE = 0.2;
    /** Largest dimension accepted per side. */
    public static final int MAX_DIM = 4096;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private SyntheticTasks() {
    }

    /** The task names accepted by {@link #create(String, Integer, Double)}. */
    public static List<String> names() {
        return List.of(GAUSS_CHANNEL, CORR_GAUSSIAN, INDEPENDENT);
    }

    /**
     * Builds a task.
     *
     * @param name   one of {@link #names()}
     * @param dim    dimension of x and of y, or {@code null} for the task's default
     * @param miNats target MI in nats, or {@code null} for the task's default
     * @throws IllegalArgumentException for an unknown task or a value out of range
     */
    public static Task create(String name, Integer dim, Double miNats) {
        if (name == null) {
            throw new IllegalArgumentException("task: a task name is required, one of " + names());
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case GAUSS_CHANNEL: {
                int d = checkDim(dim == null ? 3 : dim);
                double noise = CHANNEL_NOISE_VARIANCE;
                if (miNats != null) {
                    checkMi(miNats);
                    // N = P / (e^{2I/d} - 1)
                    noise = CHANNEL_SIGNAL_VARIANCE / Math.expm1(2.0 * miNats / d);
                    if (!(noise > 0) || !Double.isFinite(noise)) {
                        throw new IllegalArgumentException("mi: " + miNats + " nats in " + d
                                + " dimensions needs a noise variance that is not representable (" + noise + ")");
                    }
                }
                return Task.channel(d, CHANNEL_SIGNAL_VARIANCE, noise);
            }
            case CORR_GAUSSIAN: {
                int d = checkDim(dim == null ? 20 : dim);
                double mi = miNats == null ? 2.0 : miNats;
                checkMi(mi);
                return Task.correlated(d, mi);
            }
            case INDEPENDENT: {
                int d = checkDim(dim == null ? 3 : dim);
                if (miNats != null && miNats != 0.0) {
                    throw new IllegalArgumentException("mi: task 'independent' has MI 0 by construction, got " + miNats);
                }
                return Task.independent(d);
            }
            default:
                throw new IllegalArgumentException("task: unknown task '" + name + "', expected one of " + names());
        }
    }

    private static int checkDim(int d) {
        if (d < 1 || d > MAX_DIM) {
            throw new IllegalArgumentException("dim must be in [1, " + MAX_DIM + "], got " + d);
        }
        return d;
    }

    private static void checkMi(double mi) {
        if (!(mi > 0) || !Double.isFinite(mi)) {
            throw new IllegalArgumentException("mi must be a finite number of nats > 0, got " + mi);
        }
    }

    /**
     * The random stream of one row: a {@link SplittableRandom} seeded with a 64-bit mix of
     * {@code seed} and {@code row} (SplitMix64 finaliser), so neighbouring rows get unrelated seeds
     * (a plain {@code seed + row} would give shifted copies of one sequence).
     */
    public static SplittableRandom rowRandom(long seed, long row) {
        return new SplittableRandom(mix64(mix64(seed) + row * GOLDEN_GAMMA));
    }

    /** SplitMix64 / Stafford variant 13 finaliser. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Fills {@code out} with independent standard normal variates, two per accepted point of
     * Marsaglia's polar method (for an odd length the last pair's second value is discarded).
     */
    public static void fillGaussian(SplittableRandom rng, double[] out) {
        int i = 0;
        while (i < out.length) {
            double u;
            double v;
            double s;
            do {
                u = 2.0 * rng.nextDouble() - 1.0;
                v = 2.0 * rng.nextDouble() - 1.0;
                s = u * u + v * v;
            } while (s >= 1.0 || s == 0.0);
            double f = Math.sqrt(-2.0 * Math.log(s) / s);
            out[i++] = u * f;
            if (i < out.length) {
                out[i++] = v * f;
            }
        }
    }

    /** One synthetic task: a joint distribution of (x, y) with known MI. Immutable, serialisable. */
    public static final class Task implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String name;
        private final int dim;
        /** Coefficient of the x draw: x = a·z1. */
        private final double xScale;
        /** y = b·x + c·z2. */
        private final double yFromX;
        private final double yNoise;
        private final double miNats;
        private final Map<String, Double> parameters;

        private Task(String name, int dim, double xScale, double yFromX, double yNoise, double miNats,
                     Map<String, Double> parameters) {
            this.name = name;
            this.dim = dim;
            this.xScale = xScale;
            this.yFromX = yFromX;
            this.yNoise = yNoise;
            this.miNats = miNats;
            this.parameters = parameters;
        }

        static Task channel(int d, double signalVar, double noiseVar) {
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("signal_variance", signalVar);
            p.put("noise_variance", noiseVar);
            double mi = d * 0.5 * Math.log1p(signalVar / noiseVar);
            return new Task(GAUSS_CHANNEL, d, Math.sqrt(signalVar), 1.0, Math.sqrt(noiseVar), mi, Map.copyOf(p));
        }

        static Task correlated(int d, double mi) {
            double oneMinusRho2 = Math.exp(-2.0 * mi / d);       // 1 - rho^2
            double rho = Math.sqrt(-Math.expm1(-2.0 * mi / d));  // sqrt(1 - e^{-2I/d}) without cancellation
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("rho", rho);
            return new Task(CORR_GAUSSIAN, d, 1.0, rho, Math.sqrt(oneMinusRho2), mi, Map.copyOf(p));
        }

        static Task independent(int d) {
            return new Task(INDEPENDENT, d, 1.0, 0.0, 1.0, 0.0, Map.of());
        }

        /** The task name, e.g. {@code gauss-channel}. */
        public String name() {
            return name;
        }

        public int dimX() {
            return dim;
        }

        public int dimY() {
            return dim;
        }

        /** The closed-form mutual information I(x; y) in nats. */
        public double trueMiNats() {
            return miNats;
        }

        /** The closed-form mutual information in bits ({@code nats / ln 2}). */
        public double trueMiBits() {
            return miNats / Math.log(2.0);
        }

        /** Task-specific parameters (e.g. {@code rho}, {@code noise_variance}) for _truth.json. */
        public Map<String, Double> parameters() {
            return parameters;
        }

        /**
         * Draws one (x, y) pair: {@code x} gets {@link #dimX()} values and {@code y}
         * {@link #dimY()}. Uses {@code y} as scratch for the noise, so no allocation.
         */
        public void fillRow(SplittableRandom rng, double[] x, double[] y) {
            if (x.length != dim || y.length != dim) {
                throw new IllegalArgumentException("fillRow: expected arrays of length " + dim
                        + ", got x=" + x.length + ", y=" + y.length);
            }
            fillGaussian(rng, x);
            fillGaussian(rng, y);
            for (int j = 0; j < dim; j++) {
                double xj = xScale * x[j];
                x[j] = xj;
                y[j] = yFromX * xj + yNoise * y[j];
            }
        }

        @Override
        public String toString() {
            return name + "{dim=" + dim + ", mi_nats=" + miNats + ", " + parameters + "}";
        }
    }
}
