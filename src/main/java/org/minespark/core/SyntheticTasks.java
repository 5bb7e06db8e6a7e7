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
 *   <li>{@code cubic}: the {@code corr-gaussian} pair with {@code y → y³} coordinate-wise. The map is
 *       a smooth bijection of each coordinate, and MI is invariant under invertible maps of either
 *       variable (Kraskov et al. 2004), so {@code I = −(d/2)·ln(1−ρ²)} as for {@code corr-gaussian}.
 *       Defaults {@code d = 20}, {@code I = 2} nats.</li>
 *   <li>{@code uniform-noise}: {@code x ~ U(0,1)^d}, {@code y = x + U(−ε, ε)^d} independent noise,
 *       {@code ε ≤ ½}. Per coordinate {@code h(Y|X) = ln 2ε} and the density of {@code y} is a trapezoid
 *       (two linear ramps of width {@code 2ε}, each contributing {@code ε/2} nats of entropy, and a flat
 *       part at density 1 contributing 0), so {@code h(Y) = ε} and {@code I = d·(ε − ln 2ε)}. Defaults
 *       {@code d = 1}, {@code ε = 0.1} ({@code I = 1.709} nats); a target MI {@code I ≥ d/2} is met
 *       by solving {@code ε − ln 2ε = I/d} for {@code ε ∈ (0, ½]} (the left side decreases from +∞ to
 *       ½ on that interval).</li>
 *   <li>{@code binary-tensor} (seed 000): {@code x ∈ {−1,1}^{P·D}} uniform, {@code y = x + s} with
 *       {@code s ∈ {−1,1}^{P·D}} uniform and independent. Per coordinate {@code y = 0} (probability ½)
 *       says nothing about {@code x} and {@code y = ±2} reveals it, so {@code H(X|Y) = ½ ln 2} and
 *       {@code I = P·D·½·ln 2}. Defaults {@code D = 7}, {@code P = 1} ({@code I = 2.426} nats per
 *       7-vector). Written as two array columns {@code x}, {@code y} of length {@code P·D}.</li>
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
    public static final String CUBIC = "cubic";
    public static final String UNIFORM_NOISE = "uniform-noise";
    public static final String BINARY_TENSOR = "binary-tensor";

    /** Default noise half-width ε of {@code uniform-noise}: MI = 0.1 − ln 0.2 = 1.709 nats. */
    public static final double DEFAULT_EPSILON = 0.1;
    /** Vector width of {@code binary-tensor} (the last tensor axis of seed 000). */
    public static final int BINARY_WIDTH = 7;
    /** The 20-d {@code corr-gaussian} / {@code cubic} staircase, nats. */
    public static final List<Double> STAIRCASE_NATS = List.of(2.0, 4.0, 6.0, 8.0, 10.0);

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
        return List.of(GAUSS_CHANNEL, CORR_GAUSSIAN, INDEPENDENT, CUBIC, UNIFORM_NOISE, BINARY_TENSOR);
    }

    /** As {@link #create(String, Integer, Double, Double, Integer)} without {@code epsilon} and {@code positions}. */
    public static Task create(String name, Integer dim, Double miNats) {
        return create(name, dim, miNats, null, null);
    }

    /**
     * Builds a task.
     *
     * @param name   one of {@link #names()}
     * @param dim    dimension of x and of y, or {@code null} for the task's default
     * @param miNats target MI in nats, or {@code null} for the task's default
     * @param epsilon noise half-width of {@code uniform-noise} ({@code --epsilon}), or {@code null};
     *                not together with {@code miNats}, rejected for other tasks
     * @param positions number of 7-vectors of {@code binary-tensor} ({@code --positions}), or
     *                {@code null} for 1; rejected for other tasks
     * @throws IllegalArgumentException for an unknown task or a value out of range
     */
    public static Task create(String name, Integer dim, Double miNats, Double epsilon, Integer positions) {
        if (name == null) {
            throw new IllegalArgumentException("task: a task name is required, one of " + names());
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (epsilon != null && !UNIFORM_NOISE.equals(n)) {
            throw new IllegalArgumentException("--epsilon applies only to task '" + UNIFORM_NOISE + "', not '" + name + "'");
        }
        if (positions != null && !BINARY_TENSOR.equals(n)) {
            throw new IllegalArgumentException("--positions applies only to task '" + BINARY_TENSOR + "', not '" + name + "'");
        }
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
            case CUBIC: {
                int d = checkDim(dim == null ? 20 : dim);
                double mi = miNats == null ? 2.0 : miNats;
                checkMi(mi);
                return Task.cubic(d, mi);
            }
            case UNIFORM_NOISE: {
                int d = checkDim(dim == null ? 1 : dim);
                double eps;
                if (miNats != null) {
                    if (epsilon != null) {
                        throw new IllegalArgumentException("--epsilon " + epsilon + " and --mi " + miNats
                                + " both set the MI of '" + UNIFORM_NOISE + "': give one of them");
                    }
                    checkMi(miNats);
                    if (!(miNats >= d * 0.5)) {
                        throw new IllegalArgumentException("mi: task '" + UNIFORM_NOISE + "' in " + d
                                + " dimensions has MI >= " + d * 0.5 + " nats (d/2, at epsilon 0.5), got " + miNats);
                    }
                    eps = epsilonForMi(miNats / d);
                } else {
                    eps = epsilon == null ? DEFAULT_EPSILON : epsilon;
                }
                if (!(eps > 0 && eps <= 0.5)) {
                    throw new IllegalArgumentException("--epsilon must be in (0, 0.5], got " + eps);
                }
                return Task.uniformNoise(d, eps);
            }
            case BINARY_TENSOR: {
                int w = checkDim(dim == null ? BINARY_WIDTH : dim);
                int p = positions == null ? 1 : positions;
                if (p < 1 || (long) p * w > MAX_DIM) {
                    throw new IllegalArgumentException("--positions must be in [1, " + (MAX_DIM / w)
                            + "] (positions x dim <= " + MAX_DIM + "), got " + p);
                }
                Task t = Task.binary(w, p);
                if (miNats != null && Math.abs(miNats - t.trueMiNats()) > 1e-9) {
                    throw new IllegalArgumentException("mi: task '" + BINARY_TENSOR + "' has MI fixed at positions x dim x ln(2)/2 = "
                            + t.trueMiNats() + " nats (set --dim/--positions instead), got " + miNats);
                }
                return t;
            }
            default:
                throw new IllegalArgumentException("task: unknown task '" + name + "', expected one of " + names());
        }
    }

    /** {@code uniform-noise} MI per coordinate: {@code ε − ln 2ε} nats, for {@code ε ∈ (0, ½]}. */
    public static double uniformNoiseMi(double epsilon) {
        return epsilon - Math.log(2.0 * epsilon);
    }

    /**
     * Solves {@code ε − ln 2ε = i} for {@code ε ∈ (0, ½]} ({@code i ≥ ½}) by bisection: the left side
     * decreases strictly on the interval (derivative {@code 1 − 1/ε < 0}), so the root is unique; 200
     * halvings of [0, ½] reach the resolution of a double.
     */
    static double epsilonForMi(double i) {
        double lo = 0.0;
        double hi = 0.5;
        for (int k = 0; k < 200 && lo < hi; k++) {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi) {
                break;
            }
            if (uniformNoiseMi(mid) > i) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double eps = 0.5 * (lo + hi);
        if (!(eps > 0)) {
            throw new IllegalArgumentException("mi: " + i + " nats per dimension needs an epsilon below the resolution of a double");
        }
        return eps;
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

    /** How a task draws its rows. */
    private enum Kind {
        /** x = a·z1, y = b·x + c·z2 with standard normal z1, z2. */
        GAUSSIAN,
        /** As GAUSSIAN, then y → y³. */
        CUBIC,
        /** x ~ U(0,1), y = x + U(−ε, ε). */
        UNIFORM_NOISE,
        /** x, s uniform on {−1, 1}, y = x + s. */
        BINARY
    }

    /** One synthetic task: a joint distribution of (x, y) with known MI. Immutable, serialisable. */
    public static final class Task implements Serializable {
        private static final long serialVersionUID = 2L;

        private final String name;
        private final Kind kind;
        private final int dim;
        /** Coefficient of the x draw: x = a·z1 (Gaussian kinds). */
        private final double xScale;
        /** y = b·x + c·z2 (Gaussian kinds); for UNIFORM_NOISE {@code yNoise} is ε. */
        private final double yFromX;
        private final double yNoise;
        private final double miNats;
        private final Map<String, Double> parameters;

        private Task(String name, Kind kind, int dim, double xScale, double yFromX, double yNoise, double miNats,
                     Map<String, Double> parameters) {
            this.name = name;
            this.kind = kind;
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
            return new Task(GAUSS_CHANNEL, Kind.GAUSSIAN, d, Math.sqrt(signalVar), 1.0, Math.sqrt(noiseVar), mi,
                    Map.copyOf(p));
        }

        static Task correlated(int d, double mi) {
            return correlated(CORR_GAUSSIAN, Kind.GAUSSIAN, d, mi);
        }

        static Task cubic(int d, double mi) {
            return correlated(CUBIC, Kind.CUBIC, d, mi);
        }

        private static Task correlated(String name, Kind kind, int d, double mi) {
            double oneMinusRho2 = Math.exp(-2.0 * mi / d);       // 1 - rho^2
            double rho = Math.sqrt(-Math.expm1(-2.0 * mi / d));  // sqrt(1 - e^{-2I/d}) without cancellation
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("rho", rho);
            return new Task(name, kind, d, 1.0, rho, Math.sqrt(oneMinusRho2), mi, Map.copyOf(p));
        }

        static Task independent(int d) {
            return new Task(INDEPENDENT, Kind.GAUSSIAN, d, 1.0, 0.0, 1.0, 0.0, Map.of());
        }

        static Task uniformNoise(int d, double epsilon) {
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("epsilon", epsilon);
            return new Task(UNIFORM_NOISE, Kind.UNIFORM_NOISE, d, 1.0, 1.0, epsilon, d * uniformNoiseMi(epsilon),
                    Map.copyOf(p));
        }

        static Task binary(int width, int positions) {
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("width", (double) width);
            p.put("positions", (double) positions);
            int d = width * positions;
            return new Task(BINARY_TENSOR, Kind.BINARY, d, 1.0, 1.0, 1.0, d * 0.5 * Math.log(2.0), Map.copyOf(p));
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

        /**
         * True when the task is written as two array columns {@code x} and {@code y} (of
         * {@link #dimX()} and {@link #dimY()} values) instead of scalar columns {@code x0..}, {@code y0..}.
         */
        public boolean arrayColumns() {
            return kind == Kind.BINARY;
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
            switch (kind) {
                case GAUSSIAN:
                case CUBIC:
                    fillGaussian(rng, x);
                    fillGaussian(rng, y);
                    for (int j = 0; j < dim; j++) {
                        double xj = xScale * x[j];
                        x[j] = xj;
                        double yj = yFromX * xj + yNoise * y[j];
                        y[j] = kind == Kind.CUBIC ? yj * yj * yj : yj;
                    }
                    break;
                case UNIFORM_NOISE:
                    for (int j = 0; j < dim; j++) {
                        double xj = rng.nextDouble();
                        x[j] = xj;
                        y[j] = xj + yNoise * (2.0 * rng.nextDouble() - 1.0);
                    }
                    break;
                case BINARY:
                    for (int j = 0; j < dim; j++) {
                        double xj = rng.nextBoolean() ? 1.0 : -1.0;
                        x[j] = xj;
                        y[j] = xj + (rng.nextBoolean() ? 1.0 : -1.0);
                    }
                    break;
                default:
                    throw new IllegalStateException("unknown kind " + kind);
            }
        }

        @Override
        public String toString() {
            return name + "{dim=" + dim + ", mi_nats=" + miNats + ", " + parameters + "}";
        }
    }
}
