package org.minespark.core;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code --kernels auto} (the default): the faster of {@code vector} and {@code native-blas} on
 * this JVM, chosen once per JVM by a short timed trial and then cached. A Spark run resolves it on
 * the driver and sends the executors the chosen backend's name (see {@code spark.Pass}), so every
 * partition and every retried task of a run computes with the same rounding.
 *
 * <p><b>The trial</b> times the critic's real GEMMs, those of the default concat critic
 * (40 inputs, two hidden layers of 256) on {@value #TRIAL_ROWS} rows: both forward products, both
 * weight gradients and the hidden input gradient, ~0.11 GFLOP per round. Rounds alternate between
 * the two backends (so load from other processes hits both alike) for {@value #BUDGET_MS} ms and at
 * least {@value #MIN_ROUNDS} rounds each; each backend's fastest round counts (other load only adds
 * time). Before that the vector kernels are warmed up on the same rounds until C2 has compiled them
 * (until then the Vector API runs a fallback tens of times slower, and a trial would always pick
 * native-blas): until the rounds stop getting faster and the JIT has been idle for
 * {@value #QUIET_MS} ms, at most {@value #MAX_MS} ms. That warm-up is most of the trial's cost (1-3 s
 * on a loaded 2-core machine), and a run on the vector backend needs it anyway.
 * {@code native-blas} is taken only when it is more than {@value #MARGIN_PERCENT}% faster, so that a
 * near tie on a noisy machine keeps the vector backend (the two differ in float rounding; see below).
 *
 * <p>Without a native BLAS (or without the Vector API) there is no trial: the backend that loads
 * is used ({@code vector}, else {@code native-blas}, else {@code scalar}). The system property
 * {@value #PIN_PROPERTY} (e.g. {@code -Dmine.kernels.auto=vector}, also through
 * {@code spark.executor.extraJavaOptions}) fixes the choice without a trial.
 *
 * <p><b>Reproducibility.</b> {@code vector} and {@code native-blas} sum in different orders, so
 * their results differ in the last bits, and the trial's choice depends on the CPU and on the load
 * at the moment: two runs of the same job may pick differently (on a cluster: by the driver's
 * CPU, which may not be the executors'). Pin {@code --kernels vector} (or {@value #PIN_PROPERTY})
 * for results that are identical bit for bit across runs and machines.
 *
 * <p>{@link #name()} is the chosen backend's name (so result.json's {@code kernels} says which ran);
 * {@link #describe()} adds the trial's timings.
 */
final class AutoKernels implements Kernels {
    /** System property that fixes what {@code auto} resolves to, without a trial. */
    static final String PIN_PROPERTY = "mine.kernels.auto";
    static final int TRIAL_ROWS = 256;
    static final int BUDGET_MS = 150;
    static final int MAX_MS = 4000;
    static final long QUIET_MS = 150;
    static final int MIN_ROUNDS = 3;
    static final int MARGIN_PERCENT = 5;

    private static volatile AutoKernels instance;

    private final Kernels chosen;
    private final String reason;

    private AutoKernels(Kernels chosen, String reason) {
        this.chosen = chosen;
        this.reason = reason;
    }

    /** The JVM's choice, made on first use. */
    static AutoKernels get() {
        AutoKernels a = instance;
        if (a == null) {
            synchronized (AutoKernels.class) {
                a = instance;
                if (a == null) {
                    a = choose();
                    instance = a;
                }
            }
        }
        return a;
    }

    /** The backend {@code auto} resolved to. */
    Kernels chosen() {
        return chosen;
    }

    private static AutoKernels choose() {
        String pin = System.getProperty(PIN_PROPERTY);
        if (pin != null && !pin.isBlank() && !pin.equals("auto")) {
            return new AutoKernels(KernelRegistry.forName(pin.trim()), "pinned by -D" + PIN_PROPERTY);
        }
        Kernels vector = KernelRegistry.vectorApiAvailable() ? VectorKernels.INSTANCE : null;
        Kernels blas;
        String blasMissing = null;
        try {
            blas = NativeBlasKernels.create();
        } catch (IllegalStateException e) {
            blas = null;
            blasMissing = "native-blas not loaded";
        }
        if (vector == null || blas == null) {
            Kernels k = vector != null ? vector : blas != null ? blas : ScalarKernels.INSTANCE;
            return new AutoKernels(k, "no trial: " + (vector == null ? "no Vector API" : blasMissing));
        }
        double[] ms = trial(vector, blas, BUDGET_MS, MAX_MS);
        boolean pickBlas = ms[1] * (1 + MARGIN_PERCENT / 100.0) < ms[0];
        return new AutoKernels(pickBlas ? blas : vector, String.format(Locale.ROOT,
                "trial on the critic's GEMMs (%d rows): vector %.2f ms, native-blas %.2f ms per round", TRIAL_ROWS, ms[0], ms[1]));
    }

    /**
     * The trial (see the class comment): the fastest round of {@code a} and of {@code b} in ms.
     * First {@code a} (JIT-compiled) is warmed up until its rounds have stopped getting faster and
     * the JIT has been idle for {@value #QUIET_MS} ms (at most {@code maxMs} in all); then rounds
     * alternate between the two for {@code budgetMs}. Warm-up and timing use the same shapes: C2
     * compiles for the paths it has seen, and other shapes would cost a recompilation.
     */
    static double[] trial(Kernels a, Kernels b, long budgetMs, long maxMs) {
        long start = System.nanoTime();
        long deadline = start + maxMs * 1_000_000;
        Round round = new Round(TRIAL_ROWS);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTime = jit != null && jit.isCompilationTimeMonitoringSupported();
        double best = Double.POSITIVE_INFINITY;
        long lastFaster = start;
        long lastCompile = start;
        long compiled = jitTime ? jit.getTotalCompilationTime() : 0;
        for (long now = start; now < deadline; now = System.nanoTime()) {
            double t = round.time(a);
            now = System.nanoTime();
            if (t < 0.95 * best) {
                lastFaster = now;
            }
            best = Math.min(best, t);
            long c = jitTime ? jit.getTotalCompilationTime() : 0;
            if (c != compiled) {
                compiled = c;
                lastCompile = now;
            }
            if (now - lastFaster >= QUIET_MS * 1_000_000 && now - lastCompile >= QUIET_MS * 1_000_000) {
                break;
            }
        }
        double bestA = Double.POSITIVE_INFINITY;
        double bestB = Double.POSITIVE_INFINITY;
        long timed = System.nanoTime();
        for (int r = 0; r < MIN_ROUNDS || System.nanoTime() - timed < budgetMs * 1_000_000; r++) {
            bestA = Math.min(bestA, round.time(a));
            bestB = Math.min(bestB, round.time(b));
        }
        return new double[] {bestA, bestB};
    }

    /** One round of the trial: the critic's GEMMs on {@code rows} rows of fixed random data. */
    private static final class Round {
        private static final int IN = 40;
        private static final int H = 256;
        private final int rows;
        private final float[] x;
        private final float[] w1 = fill(IN * H, 2);
        private final float[] w2 = fill(H * H, 3);
        private final float[] d2;
        private final float[] h1;
        private final float[] z2;
        private final float[] g1 = new float[IN * H];
        private final float[] g2 = new float[H * H];
        private final float[] d1;

        Round(int rows) {
            this.rows = rows;
            x = fill(rows * IN, 1);
            d2 = fill(rows * H, 4);
            h1 = new float[rows * H];
            z2 = new float[rows * H];
            d1 = new float[rows * H];
        }

        private static float[] fill(int len, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            float[] v = new float[len];
            for (int i = 0; i < len; i++) {
                v[i] = (float) r.nextDouble(-1, 1);
            }
            return v;
        }

        /** Milliseconds of one round on {@code k}, with the calls and transposes of {@link Mlp}. */
        double time(Kernels k) {
            int n = rows;
            long t0 = System.nanoTime();
            k.sgemm(false, false, n, H, IN, 1f, x, w1, 0f, h1);
            k.sgemm(false, false, n, H, H, 1f, h1, w2, 0f, z2);
            k.sgemm(true, false, H, H, n, 1f, h1, d2, 1f, g2);
            k.sgemm(false, true, n, H, H, 1f, d2, w2, 0f, d1);
            k.sgemm(true, false, IN, H, n, 1f, x, d1, 1f, g1);
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    @Override
    public String name() {
        return chosen.name();
    }

    @Override
    public String describe() {
        return "auto -> " + chosen.describe() + " (" + reason + ")";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, float[] b, float beta, float[] c) {
        chosen.sgemm(transA, transB, m, n, k, alpha, a, b, beta, c);
    }

    @Override
    public void addBiasRelu(int rows, int cols, float[] z, float[] bias, float[] h) {
        chosen.addBiasRelu(rows, cols, z, bias, h);
    }

    @Override
    public void addBias(int rows, int cols, float[] z, float[] bias) {
        chosen.addBias(rows, cols, z, bias);
    }

    @Override
    public void reluBackward(int len, float[] z, float[] d) {
        chosen.reluBackward(len, z, d);
    }

    @Override
    public void addColumnSums(int rows, int cols, float[] d, float[] out) {
        chosen.addColumnSums(rows, cols, d, out);
    }

    @Override
    public void adam(int len, float[] params, float[] grad, float[] m, float[] v,
                     float lr, float beta1, float beta2, float eps, float biasCorr1, float biasCorr2) {
        chosen.adam(len, params, grad, m, v, lr, beta1, beta2, eps, biasCorr1, biasCorr2);
    }
}
