package org.minespark.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * The generated tasks of Czyż et al. (2023), "Beyond Normal: On the Evaluation of Mutual Information
 * Estimators" (the {@code bmi} benchmark), each with its truth in nats. Built through
 * {@link SyntheticTasks#create(String, TaskOptions)}; rows are drawn by {@link TaskSamplers}.
 *
 * <p>The Gaussian core of several tasks is the identity-block pair: {@code x ~ N(0, I_dx)},
 * {@code y ~ N(0, I_dy)}, {@code corr(x_j, y_j) = ρ} for {@code j < k = min(dx, dy)} and no other
 * correlation, so {@code I_gauss = −(k/2)·ln(1 − ρ²)}; a target MI gives
 * {@code ρ = √(1 − e^{−2I/k})}. MI is invariant under injective measurable maps of x or of y with
 * measurable inverse on the image (Kraskov et al. 2004; Czyż et al. 2023, Thm. 2.1), which is why the
 * transformed tasks keep the truth of their base.
 *
 * <ul>
 *   <li>{@code student-t}: the multivariate t with {@code ν} degrees of freedom and the identity-block
 *       dispersion Σ above: {@code (x, y) = g/√(W/ν)}, {@code g} the Gaussian pair, {@code W ~ χ²_ν}
 *       shared by x and y. Its marginals are t with the same ν and the diagonal blocks of Σ, and the
 *       differential entropy of a d-dimensional t is (Arellano-Valle et al. 2013)
 *       {@code h_d = −ln Γ((ν+d)/2) + ln Γ(ν/2) + (d/2) ln(νπ) + ½ ln det Σ + ((ν+d)/2)(ψ((ν+d)/2) − ψ(ν/2))}.
 *       In {@code I = h_dx + h_dy − h_{dx+dy}} the {@code ln(νπ)} terms cancel and the log-determinants
 *       give {@code I_gauss}, so {@code I = I_gauss + f(dx) + f(dy) − f(dx+dy)} with
 *       {@code f(d) = −ln Γ((ν+d)/2) + ln Γ(ν/2) + ((ν+d)/2)(ψ((ν+d)/2) − ψ(ν/2))}
 *       ({@link #studentTScaleMi}). That second part is positive: the shared W makes x and y dependent
 *       even at ρ = 0. Defaults as bmi's "Student-t 2 × 2 (dof = 2)": {@code dx = dy = 2}, {@code ν = 2},
 *       {@code ρ = 0} (identity dispersion), I = ln 2 − ½ = 0.193 nats. {@code --param dof=N} (integer
 *       1..1000); {@code --mi} at least the ρ = 0 value sets ρ.</li>
 *   <li>{@code asinh-student-t}: {@code student-t} with {@code asinh} applied to every coordinate
 *       (bmi's "Asinh @ Student-t", which tames the heavy tails); same truth and defaults.</li>
 *   <li>{@code half-cube}: the Gaussian pair with {@code v ↦ v·|v|^{1/2}} on every coordinate of x and
 *       y (bmi's "Half-cube @ Normal"). Defaults {@code dx = dy = 2}, {@code ρ = 0.75}:
 *       {@code I = −ln(1 − 0.75²) = 0.827} nats; {@code --mi} sets ρ.</li>
 *   <li>{@code asinh}: the Gaussian pair with {@code asinh} on every coordinate; as {@code half-cube}.</li>
 *   <li>{@code spiral}: the Gaussian pair with bmi's spiral on x and on y: a rotation by the angle
 *       {@code (speed/d)·‖v‖²} in one coordinate plane ({@link TaskSamplers.Spiral}). The rotation keeps
 *       ‖v‖, so the angle can be read off the image and the map undone: a diffeomorphism. Defaults
 *       {@code dx = dy = 3}, {@code ρ = 0.75} (I = 1.240 nats), {@code speed = 1}; {@code --param speed=S},
 *       {@code --mi} sets ρ; both dimensions at least 2.</li>
 *   <li>{@code swiss-roll}: a bivariate normal pair (ρ) whose x is mapped to {@code u = Φ(x)} and then
 *       onto the swiss roll {@code (t cos t, t sin t)/21}, {@code t = 1.5π(1 + 2u)}: x has 2 columns, y 1.
 *       Φ is strictly increasing and the radius {@code t/21} grows strictly with u, so the map is injective
 *       with a continuous inverse on its image (the radius gives t), and {@code I = −½ ln(1 − ρ²)}.
 *       Default {@code ρ = 0.75} (0.413 nats); {@code --mi} sets ρ.</li>
 *   <li>{@code discrete-symbols}: per coordinate x uniform on the integer codes {@code 0..K−1},
 *       {@code y = x} with probability {@code 1 − p}, else one of the other K − 1 codes uniformly. y is
 *       uniform too, so {@code H(Y) = ln K}, and {@code H(Y|X) = H_b(p) + p ln(K − 1)}:
 *       {@code I = d·(ln K − H_b(p) − p ln(K − 1))}. Defaults {@code d = 1}, {@code K = 4}, {@code p = 0.1}
 *       (0.951 nats); {@code --param symbols=K}, {@code --param flip=P}; {@code --mi} (at most d·ln K)
 *       solves for p on {@code [0, (K−1)/K]}, where I falls strictly from ln K to 0 (bisection).</li>
 *   <li>{@code mixed-discrete-continuous}: per coordinate x uniform on the codes {@code 0..K−1} and
 *       {@code y = x + σz}. {@code I = h(Y) − h(Y|X)}, {@code h(Y|X) = ½ ln(2πeσ²)}, and {@code h(Y)} of the
 *       Gaussian mixture has no closed form: it is computed by quadrature ({@link #symbolsInNoiseMi}),
 *       a numerically exact truth (error below 1e-9 nats, checked against scipy). Defaults {@code d = 1},
 *       {@code K = 4}, {@code σ = 0.5} (0.845 nats); {@code --param symbols=K}, {@code --param sigma=S};
 *       {@code --mi} (below d·ln K) solves for σ by bisection (I falls with σ: a larger σ adds independent
 *       noise to y).</li>
 * </ul>
 * The tasks without a --dim-y take one {@code --dim} for both sides; discrete and mixed coordinates
 * are independent copies, so their MI is d times the per-coordinate value.
 */
public final class BeyondNormalTasks {
    public static final String STUDENT_T = "student-t";
    public static final String ASINH_STUDENT_T = "asinh-student-t";
    public static final String HALF_CUBE = "half-cube";
    public static final String ASINH = "asinh";
    public static final String SPIRAL = "spiral";
    public static final String SWISS_ROLL = "swiss-roll";
    public static final String DISCRETE_SYMBOLS = "discrete-symbols";
    public static final String MIXED = "mixed-discrete-continuous";

    /** The tasks that take {@code --dim-y}. */
    public static final List<String> DIM_Y_TASKS = List.of(STUDENT_T, ASINH_STUDENT_T, HALF_CUBE, ASINH, SPIRAL);

    /** Default correlation of the Gaussian pairs (bmi's "Normal 1 × 1 (0.75)"). */
    public static final double DEFAULT_RHO = 0.75;
    public static final int DEFAULT_DOF = 2;
    public static final int MAX_DOF = 1000;
    public static final double DEFAULT_SPEED = 1.0;
    public static final int DEFAULT_SYMBOLS = 4;
    public static final double DEFAULT_FLIP = 0.1;
    public static final double DEFAULT_SIGMA = 0.5;
    /** Most codes of {@code discrete-symbols}. */
    public static final int MAX_SYMBOLS = 1_000_000;
    /** Most codes of {@code mixed-discrete-continuous} (its truth's quadrature grows with K). */
    public static final int MAX_MIXED_SYMBOLS = 1000;
    /**
     * Below this σ the codes of {@code mixed-discrete-continuous} are told apart but for an error of
     * probability {@code P_e ≤ 2Q(1/(2σ)) = 2Q(10) ≈ 1.5e-23}, so by Fano's inequality
     * {@code ln K − I = H(X|Y) ≤ H_b(P_e) + P_e ln(K−1) < 1e-20}: the truth is taken as {@code ln K}.
     */
    static final double SEPARATED_SIGMA = 0.05;
    /** Largest σ accepted when solving {@code mixed-discrete-continuous} for a target MI. */
    private static final double MAX_SOLVED_SIGMA = 1e4;

    private BeyondNormalTasks() {
    }

    public static List<String> names() {
        return List.of(STUDENT_T, ASINH_STUDENT_T, HALF_CUBE, ASINH, SPIRAL, SWISS_ROLL, DISCRETE_SYMBOLS, MIXED);
    }

    /** Builds task {@code n} (lower case, one of {@link #names()}); see the class comment for the settings. */
    static SyntheticTasks.Task create(String n, TaskOptions o) {
        switch (n) {
            case STUDENT_T:
            case ASINH_STUDENT_T:
                return studentT(n, o);
            case HALF_CUBE:
            case ASINH:
            case SPIRAL: {
                boolean spiral = SPIRAL.equals(n);
                rejectParams(n, o, spiral ? List.of("speed") : List.of());
                int dx = SyntheticTasks.checkDim(o.dim() == null ? (spiral ? 3 : 2) : o.dim());
                int dy = SyntheticTasks.checkDim(o.dimY() == null ? dx : o.dimY());
                int k = Math.min(dx, dy);
                double rho = rho(n, o.miNats(), k);
                Map<String, Double> p = new LinkedHashMap<>();
                p.put("rho", rho);
                TaskSamplers.Sampler s = TaskSamplers.LinearGaussian.correlated(rho);
                if (spiral) {
                    if (k < 2) {
                        throw new IllegalArgumentException("dim: task '" + SPIRAL + "' rotates x and y in a plane, so --dim and "
                                + "--dim-y must be >= 2, got " + dx + " and " + dy);
                    }
                    double speed = param(o, "speed", DEFAULT_SPEED);
                    p.put("speed", speed);
                    s = new TaskSamplers.Spiral(s, speed);
                } else {
                    TaskSamplers.CoordinateMap m = HALF_CUBE.equals(n)
                            ? TaskSamplers.CoordinateMap.HALF_CUBE : TaskSamplers.CoordinateMap.ASINH;
                    s = new TaskSamplers.Mapped(s, m, m);
                }
                return new SyntheticTasks.Task(n, dx, dy, gaussianMi(rho, k), p, s, false);
            }
            case SWISS_ROLL: {
                rejectParams(n, o, List.of());
                if ((o.dim() != null && o.dim() != 2) || (o.dimY() != null && o.dimY() != 1)) {
                    throw new IllegalArgumentException("dim: task '" + SWISS_ROLL + "' has x in 2 dimensions and y in 1, got --dim "
                            + o.dim() + ", --dim-y " + o.dimY());
                }
                double rho = rho(n, o.miNats(), 1);
                return new SyntheticTasks.Task(n, 2, 1, gaussianMi(rho, 1), Map.of("rho", rho),
                        new TaskSamplers.SwissRoll(rho), false);
            }
            case DISCRETE_SYMBOLS:
            case MIXED:
                return symbols(n, o);
            default:
                throw new IllegalArgumentException("task: unknown task '" + n + "', expected one of " + names());
        }
    }

    private static SyntheticTasks.Task studentT(String n, TaskOptions o) {
        rejectParams(n, o, List.of("dof"));
        int dx = SyntheticTasks.checkDim(o.dim() == null ? 2 : o.dim());
        int dy = SyntheticTasks.checkDim(o.dimY() == null ? dx : o.dimY());
        int dof = intParam(o, "dof", DEFAULT_DOF, 1, MAX_DOF);
        double scaleMi = studentTScaleMi(dof, dx, dy);
        int k = Math.min(dx, dy);
        double rho = 0.0;
        if (o.miNats() != null) {
            SyntheticTasks.checkMi(o.miNats());
            double gauss = o.miNats() - scaleMi;
            if (gauss < -1e-12) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "mi: task '%s' with dof %d in %d x %d dimensions has MI >= %.6f nats (its value at correlation 0, "
                                + "from the shared scale alone), got %s", n, dof, dx, dy, scaleMi, o.miNats()));
            }
            rho = gauss <= 0 ? 0.0 : rho(n, gauss, k);
        }
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("dof", (double) dof);
        p.put("rho", rho);
        p.put("scale_mi_nats", scaleMi);
        TaskSamplers.Sampler s = new TaskSamplers.StudentT(TaskSamplers.LinearGaussian.correlated(rho), dof);
        if (ASINH_STUDENT_T.equals(n)) {
            s = new TaskSamplers.Mapped(s, TaskSamplers.CoordinateMap.ASINH, TaskSamplers.CoordinateMap.ASINH);
        }
        return new SyntheticTasks.Task(n, dx, dy, gaussianMi(rho, k) + scaleMi, p, s, false);
    }

    private static SyntheticTasks.Task symbols(String n, TaskOptions o) {
        boolean discrete = DISCRETE_SYMBOLS.equals(n);
        String noiseKey = discrete ? "flip" : "sigma";
        rejectDimY(n, o);
        rejectParams(n, o, List.of("symbols", noiseKey));
        int d = SyntheticTasks.checkDim(o.dim() == null ? 1 : o.dim());
        int k = intParam(o, "symbols", DEFAULT_SYMBOLS, 2, discrete ? MAX_SYMBOLS : MAX_MIXED_SYMBOLS);
        DoubleUnaryOperator perCoordinate = discrete ? p -> noisySymbolsMi(k, p) : s -> symbolsInNoiseMi(k, s);
        double noise;
        if (o.miNats() != null) {
            if (o.params().containsKey(noiseKey)) {
                throw new IllegalArgumentException("--param " + noiseKey + " and --mi both set the MI of '" + n + "': give one of them");
            }
            SyntheticTasks.checkMi(o.miNats());
            double i = o.miNats() / d;
            double lo = discrete ? 0.0 : SEPARATED_SIGMA;
            double hi = discrete ? (k - 1.0) / k : MAX_SOLVED_SIGMA;
            if (!(i <= perCoordinate.applyAsDouble(lo) && i > perCoordinate.applyAsDouble(hi))) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "mi: task '%s' with %d symbols in %d dimensions has MI in (%.6g, %.6f] nats (d ln K at most), got %s",
                        n, k, d, d * perCoordinate.applyAsDouble(hi), d * perCoordinate.applyAsDouble(lo), o.miNats()));
            }
            noise = solveDecreasing(perCoordinate, i, lo, hi, !discrete);
        } else {
            noise = param(o, noiseKey, discrete ? DEFAULT_FLIP : DEFAULT_SIGMA);
        }
        if (discrete ? !(noise >= 0 && noise <= 1) : !(noise > 0 && noise <= MAX_SOLVED_SIGMA)) {
            throw new IllegalArgumentException("--param " + noiseKey + " must be in " + (discrete ? "[0, 1]" : "(0, 1e4]")
                    + ", got " + noise);
        }
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("symbols", (double) k);
        p.put(noiseKey, noise);
        TaskSamplers.Sampler s = discrete ? new TaskSamplers.NoisySymbols(k, noise) : new TaskSamplers.SymbolsInNoise(k, noise);
        return new SyntheticTasks.Task(n, d, d, d * perCoordinate.applyAsDouble(noise), p, s, false);
    }

    /**
     * The part of the Student-t MI that comes from the shared scale W: {@code f(dx) + f(dy) − f(dx+dy)},
     * {@code f(d) = −ln Γ((ν+d)/2) + ln Γ(ν/2) + ((ν+d)/2)(ψ((ν+d)/2) − ψ(ν/2))} (see the class comment).
     */
    public static double studentTScaleMi(double nu, int dx, int dy) {
        return tEntropyPart(nu, dx) + tEntropyPart(nu, dy) - tEntropyPart(nu, dx + dy);
    }

    private static double tEntropyPart(double nu, int d) {
        double a = 0.5 * (nu + d);
        double b = 0.5 * nu;
        return -SpecialFunctions.lnGamma(a) + SpecialFunctions.lnGamma(b)
                + a * (SpecialFunctions.digamma(a) - SpecialFunctions.digamma(b));
    }

    /** {@code −(k/2)·ln(1 − ρ²)}: the MI of k pairs with correlation ρ. */
    public static double gaussianMi(double rho, int k) {
        return -0.5 * k * Math.log1p(-rho * rho);
    }

    private static double rhoForMi(double mi, int k) {
        return Math.sqrt(-Math.expm1(-2.0 * mi / k));
    }

    private static double rho(String n, Double miNats, int k) {
        if (miNats == null) {
            return DEFAULT_RHO;
        }
        SyntheticTasks.checkMi(miNats);
        double rho = rhoForMi(miNats, k);
        if (!(rho < 1.0)) {
            throw new IllegalArgumentException("mi: " + miNats + " nats over " + k + " pairs of task '" + n
                    + "' needs a correlation that rounds to 1");
        }
        return rho;
    }

    /** {@code ln K − H_b(p) − p ln(K − 1)}: the MI of one noisy symbol. */
    public static double noisySymbolsMi(int k, double p) {
        return Math.log(k) - SpecialFunctions.binaryEntropy(p) - (p > 0 ? p * Math.log(k - 1.0) : 0.0);
    }

    /**
     * The MI of one code {@code x} uniform on {@code 0..K−1} and {@code y = x + σz}:
     * {@code h(Y) − ½ ln(2πeσ²)}, with {@code h(Y) = −∫ p ln p} of the mixture density
     * {@code p(y) = (1/K) Σ_j φ((y − j)/σ)/σ} by the trapezoidal rule with step σ/32 on
     * {@code [−12σ, K − 1 + 12σ]}, the components farther than 12σ left out (each below
     * {@code e^{−72}} of its peak). The integrand is smooth and decays like a Gaussian at both ends,
     * where the trapezoidal rule converges geometrically; against scipy's adaptive quadrature the error
     * is below 1e-9 nats. For {@code σ ≤} {@link #SEPARATED_SIGMA} it is {@code ln K}.
     */
    public static double symbolsInNoiseMi(int k, double sigma) {
        if (!(sigma > 0) || k < 2) {
            throw new IllegalArgumentException("symbolsInNoiseMi: need K >= 2 and sigma > 0, got " + k + ", " + sigma);
        }
        if (sigma <= SEPARATED_SIGMA) {
            return Math.log(k);
        }
        double[] means = new double[k];
        for (int j = 0; j < k; j++) {
            means[j] = j;
        }
        return mixtureMi(means, sigma);
    }

    /**
     * The MI of x uniform on the K components and {@code y = m[x] + σz}: {@code h(Y) − ½ ln(2πeσ²)},
     * {@code h(Y)} of the equal-weight mixture {@code p(y) = (1/K) Σ_j φ((y − m_j)/σ)/σ} by the
     * trapezoidal rule with step σ/32 on {@code [min m − 12σ, max m + 12σ]}, the components farther
     * than 12σ left out (each below {@code e^{−72}} of its peak); see {@link #symbolsInNoiseMi}.
     * Equal means are one component of double weight, as they should be.
     */
    public static double mixtureMi(double[] means, double sigma) {
        if (!(sigma > 0) || means.length < 1) {
            throw new IllegalArgumentException("mixtureMi: need K >= 1 and sigma > 0, got " + means.length + ", " + sigma);
        }
        double[] m = means.clone();
        java.util.Arrays.sort(m);
        int k = m.length;
        double reach = 12.0 * sigma;
        double lo = m[0] - reach;
        double hi = m[k - 1] + reach;
        int n = (int) Math.ceil((hi - lo) / (sigma / 32.0));
        double h = (hi - lo) / n;
        double norm = 1.0 / (k * sigma * Math.sqrt(2.0 * Math.PI));
        double sum = 0.0;
        int from = 0;
        for (int i = 0; i <= n; i++) {
            double y = lo + i * h;
            while (from < k && m[from] < y - reach) {
                from++;
            }
            double p = 0.0;
            for (int j = from; j < k && m[j] <= y + reach; j++) {
                double z = (y - m[j]) / sigma;
                p += Math.exp(-0.5 * z * z);
            }
            p *= norm;
            if (p > 0) {
                sum += (i == 0 || i == n ? 0.5 : 1.0) * p * Math.log(p);
            }
        }
        double hY = -sum * h;
        return hY - 0.5 * Math.log(2.0 * Math.PI * Math.E * sigma * sigma);
    }

    /**
     * The {@code v ∈ [lo, hi]} with {@code f(v) = target} for a decreasing f, by bisection (in
     * {@code ln v} when {@code logScale}); 200 halvings reach the resolution of a double.
     */
    static double solveDecreasing(DoubleUnaryOperator f, double target, double lo, double hi, boolean logScale) {
        double a = logScale ? Math.log(lo) : lo;
        double b = logScale ? Math.log(hi) : hi;
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (a + b);
            if (mid == a || mid == b) {
                break;
            }
            if (f.applyAsDouble(logScale ? Math.exp(mid) : mid) > target) {
                a = mid;
            } else {
                b = mid;
            }
        }
        double v = 0.5 * (a + b);
        return logScale ? Math.exp(v) : v;
    }

    static void rejectDimY(String task, TaskOptions o) {
        if (o.dimY() != null && !DIM_Y_TASKS.contains(task)) {
            throw new IllegalArgumentException("--dim-y applies only to tasks " + DIM_Y_TASKS + ", not '" + task + "'");
        }
    }

    static void rejectParams(String task, TaskOptions o, List<String> allowed) {
        for (String key : o.params().keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("--param " + key + ": task '" + task + "' takes "
                        + (allowed.isEmpty() ? "no --param" : "only " + allowed));
            }
        }
    }

    static double param(TaskOptions o, String key, double dflt) {
        Double v = o.params().get(key);
        if (v != null && !Double.isFinite(v)) {
            throw new IllegalArgumentException("--param " + key + " must be a finite number, got " + v);
        }
        return v == null ? dflt : v;
    }

    static int intParam(TaskOptions o, String key, int dflt, int min, int max) {
        double v = param(o, key, dflt);
        if (v != Math.rint(v) || v < min || v > max) {
            throw new IllegalArgumentException("--param " + key + " must be an integer in [" + min + ", " + max + "], got " + v);
        }
        return (int) v;
    }
}
