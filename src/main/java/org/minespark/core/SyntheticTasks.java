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
 *   <li>{@code uniform-noise} (bmi's additive noise, in d dimensions): {@code x ~ U(0,1)^d},
 *       {@code y = x + U(−ε, ε)^d} independent noise. Per coordinate {@code h(Y|X) = ln 2ε}, and the
 *       density of {@code y}, the convolution of U(0,1) and U(−ε, ε), is a trapezoid with two linear ramps
 *       of width {@code a = min(1, 2ε)} and a plateau at height {@code 1/b}, {@code b = max(1, 2ε)}: the
 *       ramps contribute {@code (a/b)(ln b + ½)} nats of entropy and the plateau {@code ((b−a)/b)·ln b},
 *       so {@code h(Y) = ln b + a/(2b)}. Hence {@code I = d·(ε − ln 2ε)} for {@code ε ≤ ½} and
 *       {@code I = d/(4ε)} for {@code ε ≥ ½} (bmi's 1×1 tasks: ε = 0.1 gives 1.709 nats, ε = 0.75 gives
 *       ⅓). Defaults {@code d = 1}, {@code ε = 0.1}; a target MI is met with {@code ε = d/(4I)} below
 *       {@code d/2} nats and by solving {@code ε − ln 2ε = I/d} on {@code (0, ½]} above (the left side
 *       decreases from +∞ to ½ there).</li>
 *   <li>{@code binary-tensor} (seed 000): {@code x ∈ {−1,1}^{P·D}} uniform, {@code y = x + s} with
 *       {@code s ∈ {−1,1}^{P·D}} uniform and independent. Per coordinate {@code y = 0} (probability ½)
 *       says nothing about {@code x} and {@code y = ±2} reveals it, so {@code H(X|Y) = ½ ln 2} and
 *       {@code I = P·D·½·ln 2}. Defaults {@code D = 7}, {@code P = 1} ({@code I = 2.426} nats per
 *       7-vector). Written as two array columns {@code x}, {@code y} of length {@code P·D}.</li>
 * </ul>
 * The tasks of Czyż et al. (2023), "Beyond Normal" (Student-t, half-cube, asinh, spiral, swiss roll, noisy
 * discrete symbols, a discrete-continuous pair) are built by {@link BeyondNormalTasks}; rows are drawn
 * by {@link TaskSamplers}.
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
    /** Largest noise half-width ε of {@code uniform-noise}. */
    public static final double MAX_EPSILON = 1e6;
    /** Largest dimension accepted per side. */
    public static final int MAX_DIM = 4096;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private SyntheticTasks() {
    }

    /** The task names accepted by {@link #create(String, TaskOptions)}: these and {@link BeyondNormalTasks#names()}. */
    public static List<String> names() {
        List<String> all = new java.util.ArrayList<>(List.of(GAUSS_CHANNEL, CORR_GAUSSIAN, INDEPENDENT, CUBIC,
                UNIFORM_NOISE, BINARY_TENSOR));
        all.addAll(BeyondNormalTasks.names());
        all.addAll(CodeTasks.names());
        return List.copyOf(all);
    }

    /** As {@link #create(String, TaskOptions)} with only a dimension and a target MI. */
    public static Task create(String name, Integer dim, Double miNats) {
        return create(name, TaskOptions.of(dim, miNats));
    }

    /** As {@link #create(String, TaskOptions)} with the flags of the tasks of this class. */
    public static Task create(String name, Integer dim, Double miNats, Double epsilon, Integer positions) {
        return create(name, new TaskOptions(dim, null, miNats, epsilon, positions, null));
    }

    /**
     * Builds a task.
     *
     * @param name one of {@link #names()}
     * @param o    the settings; {@code dim} is the dimension of x and of y, {@code epsilon} the noise
     *             half-width of {@code uniform-noise} (not together with {@code miNats}),
     *             {@code positions} the number of 7-vectors of {@code binary-tensor} (default 1);
     *             {@code dimY} and {@code params} only for {@link BeyondNormalTasks}
     * @throws IllegalArgumentException for an unknown task, a setting of another task or a value out of range
     */
    public static Task create(String name, TaskOptions o) {
        if (name == null) {
            throw new IllegalArgumentException("task: a task name is required, one of " + names());
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        Integer dim = o.dim();
        Double miNats = o.miNats();
        Double epsilon = o.epsilon();
        Integer positions = o.positions();
        if (epsilon != null && !UNIFORM_NOISE.equals(n)) {
            throw new IllegalArgumentException("--epsilon applies only to task '" + UNIFORM_NOISE + "', not '" + name + "'");
        }
        if (positions != null && !BINARY_TENSOR.equals(n)) {
            throw new IllegalArgumentException("--positions applies only to task '" + BINARY_TENSOR + "', not '" + name + "'");
        }
        if (BeyondNormalTasks.names().contains(n)) {
            return BeyondNormalTasks.create(n, o);
        }
        if (CodeTasks.names().contains(n)) {
            return CodeTasks.create(n, o);
        }
        BeyondNormalTasks.rejectDimY(n, o);
        BeyondNormalTasks.rejectParams(n, o, List.of());
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
                    eps = epsilonForMi(miNats / d);
                } else {
                    eps = epsilon == null ? DEFAULT_EPSILON : epsilon;
                }
                if (!(eps > 0 && eps <= MAX_EPSILON)) {
                    throw new IllegalArgumentException("--epsilon must be in (0, 1e6], got " + eps);
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

    /**
     * {@code uniform-noise} MI per coordinate, {@code h(Y) − ln 2ε}: {@code ε − ln 2ε} nats for
     * {@code ε ≤ ½} and {@code 1/(4ε)} for {@code ε ≥ ½} (the two agree at ½).
     */
    public static double uniformNoiseMi(double epsilon) {
        return epsilon <= 0.5 ? epsilon - Math.log(2.0 * epsilon) : 0.25 / epsilon;
    }

    /**
     * The {@code ε} of {@code uniform-noise} with MI {@code i} per coordinate: {@code ε = 1/(4i)} for
     * {@code i < ½}; for {@code i ≥ ½} solves {@code ε − ln 2ε = i} on {@code (0, ½]} by bisection (the
     * left side decreases strictly there, derivative {@code 1 − 1/ε < 0}, so the root is unique; 200
     * halvings of [0, ½] reach the resolution of a double).
     */
    static double epsilonForMi(double i) {
        if (i < 0.5) {
            return 0.25 / i;
        }
        double eps = BeyondNormalTasks.solveDecreasing(SyntheticTasks::uniformNoiseMi, i, 0.0, 0.5, false);
        if (!(eps > 0)) {
            throw new IllegalArgumentException("mi: " + i + " nats per dimension needs an epsilon below the resolution of a double");
        }
        return eps;
    }

    static int checkDim(int d) {
        if (d < 1 || d > MAX_DIM) {
            throw new IllegalArgumentException("dim must be in [1, " + MAX_DIM + "], got " + d);
        }
        return d;
    }

    static void checkMi(double mi) {
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
        return new SplittableRandom(Seeds.mix(Seeds.mix(seed) + row * GOLDEN_GAMMA));
    }

    /**
     * Fills {@code out} with independent standard normal variates, two per accepted point of
     * Marsaglia's polar method (for an odd length the last pair's second value is discarded).
     */
    public static void fillGaussian(SplittableRandom rng, double[] out) {
        TaskSamplers.gaussians(rng, out);
    }

    /** One synthetic task: a joint distribution of (x, y) with known MI. Immutable, serialisable. */
    public static final class Task implements Serializable {
        private static final long serialVersionUID = 4L;

        private final String name;
        private final int dimX;
        private final int dimY;
        private final double miNats;
        private final Map<String, Double> parameters;
        private final TaskSamplers.Sampler sampler;
        private final boolean arrayColumns;
        private int stringLevels; // > 0: x and y are written as string levels of this many (CodeTasks.level)

        Task(String name, int dimX, int dimY, double miNats, Map<String, Double> parameters,
             TaskSamplers.Sampler sampler, boolean arrayColumns) {
            this.name = name;
            this.dimX = dimX;
            this.dimY = dimY;
            this.miNats = miNats;
            this.parameters = Map.copyOf(parameters);
            this.sampler = sampler;
            this.arrayColumns = arrayColumns;
        }

        static Task channel(int d, double signalVar, double noiseVar) {
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("signal_variance", signalVar);
            p.put("noise_variance", noiseVar);
            double mi = d * 0.5 * Math.log1p(signalVar / noiseVar);
            return new Task(GAUSS_CHANNEL, d, d, mi, p,
                    new TaskSamplers.LinearGaussian(Math.sqrt(signalVar), 1.0, Math.sqrt(noiseVar)), false);
        }

        static Task correlated(int d, double mi) {
            return correlated(CORR_GAUSSIAN, TaskSamplers.CoordinateMap.IDENTITY, d, mi);
        }

        static Task cubic(int d, double mi) {
            return correlated(CUBIC, TaskSamplers.CoordinateMap.CUBE, d, mi);
        }

        private static Task correlated(String name, TaskSamplers.CoordinateMap mapY, int d, double mi) {
            double oneMinusRho2 = Math.exp(-2.0 * mi / d);       // 1 - rho^2
            double rho = Math.sqrt(-Math.expm1(-2.0 * mi / d));  // sqrt(1 - e^{-2I/d}) without cancellation
            TaskSamplers.Sampler s = new TaskSamplers.LinearGaussian(1.0, rho, Math.sqrt(oneMinusRho2));
            if (mapY != TaskSamplers.CoordinateMap.IDENTITY) {
                s = new TaskSamplers.Mapped(s, TaskSamplers.CoordinateMap.IDENTITY, mapY);
            }
            return new Task(name, d, d, mi, Map.of("rho", rho), s, false);
        }

        static Task independent(int d) {
            return new Task(INDEPENDENT, d, d, 0.0, Map.of(), new TaskSamplers.LinearGaussian(1.0, 0.0, 1.0), false);
        }

        static Task uniformNoise(int d, double epsilon) {
            return new Task(UNIFORM_NOISE, d, d, d * uniformNoiseMi(epsilon), Map.of("epsilon", epsilon),
                    new TaskSamplers.UniformNoise(epsilon), false);
        }

        static Task binary(int width, int positions) {
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("width", (double) width);
            p.put("positions", (double) positions);
            int d = width * positions;
            return new Task(BINARY_TENSOR, d, d, d * 0.5 * Math.log(2.0), p, new TaskSamplers.BinarySigns(), true);
        }

        /** The task name, e.g. {@code gauss-channel}. */
        public String name() {
            return name;
        }

        public int dimX() {
            return dimX;
        }

        public int dimY() {
            return dimY;
        }

        /**
         * True when the task is written as two array columns {@code x} and {@code y} (of
         * {@link #dimX()} and {@link #dimY()} values) instead of scalar columns {@code x0..}, {@code y0..}.
         */
        public boolean arrayColumns() {
            return arrayColumns;
        }

        /** This task with x and y written as string columns of {@code k} levels ({@link CodeTasks#level}). */
        Task withStringLevels(int k) {
            Task t = new Task(name, dimX, dimY, miNats, parameters, sampler, arrayColumns);
            t.stringLevels = k;
            return t;
        }

        /** When positive, x and y are written as strings: value i as {@link CodeTasks#level}(i, this). */
        public int stringLevels() {
            return stringLevels;
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
         * {@link #dimY()}; allocates nothing.
         */
        public void fillRow(SplittableRandom rng, double[] x, double[] y) {
            if (x.length != dimX || y.length != dimY) {
                throw new IllegalArgumentException("fillRow: expected arrays of length " + dimX + " and " + dimY
                        + ", got x=" + x.length + ", y=" + y.length);
            }
            sampler.fill(rng, x, y);
        }

        @Override
        public String toString() {
            return name + "{dim_x=" + dimX + ", dim_y=" + dimY + ", mi_nats=" + miNats + ", " + parameters + "}";
        }
    }
}
