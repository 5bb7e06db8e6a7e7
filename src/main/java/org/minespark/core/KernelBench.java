package org.minespark.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Workload W of {@code BENCHMARKS.md}: one MINE training step of the concat critic
 * Linear(40,256)-ReLU-Linear(256,256)-ReLU-Linear(256,1) in fp32 on B joint rows (x, y) and B
 * marginal rows (x, y shuffled), Donsker-Varadhan loss
 * {@code -(mean_joint T - log mean_marg exp T)}, backward for all weight and bias gradients, Adam.
 * The same maths the critic does, written directly against {@link Kernels} so that backends can be
 * compared in isolation: 8 GEMMs, {@value #FLOP_PER_SAMPLE} GEMM FLOP per joint sample
 * (so GFLOP/s = samples/s x 8.714e-4; "samples" are joint samples, B per step).
 *
 * <p>With {@code threads = 2} the batch rows are split between two threads, each with its own
 * activations and gradient buffers (the way one executor task could use two cores); the DV
 * statistics (max and scaled sum of exp T over the marginal rows, sum of T over the joint rows)
 * are combined after the forward pass, the per-thread gradients are summed exactly once after the
 * backward pass (g = g0 + g1), and the Adam update is split between the threads by parameter.
 *
 * <p>Timing: after {@code warmupReps} repetitions (JIT; at least {@value #WARMUP_SECONDS} s when
 * {@code warmupReps > 0}), each of {@code reps} repetitions times
 * enough steps for about {@value #TARGET_REP_SECONDS} s; the median is reported. The input rows are
 * built once (their construction is data preparation, not part of W).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp target/classes org.minespark.core.KernelBench
 * [--kernels scalar,vector,native-blas] [--batches 64,512,4096] [--threads 1,2] [--warmup 3] [--reps 5] [--profile [--cpu-time]]}.
 * For {@code native-blas} set {@code OPENBLAS_NUM_THREADS=1} so that OpenBLAS does not add its own threads.
 */
public final class KernelBench {
    /** GEMM FLOP per joint sample (two rows: joint and marginal), 8 GEMMs of 2mnk FLOP. */
    public static final double FLOP_PER_SAMPLE = 871_424d;
    static final double TARGET_REP_SECONDS = 0.25;
    /** Minimum warm-up per configuration (see {@link #runWorkloadW}). */
    static final double WARMUP_SECONDS = 3.0;

    static final int DX = 20;
    static final int DY = 20;
    static final int IN = DX + DY;
    static final int HIDDEN = 256;

    /**
     * When set, {@link #profileWorkloadW} times phases by this thread's CPU time instead of wall
     * time: on a shared, overloaded machine the time the thread is descheduled is then left out.
     */
    static volatile boolean profileCpuTime;

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private static long profileNow() {
        return profileCpuTime ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private KernelBench() {
    }

    /**
     * One measured configuration.
     *
     * @param kernels        the backend's {@link Kernels#name()}
     * @param batch          joint rows per step (the step also has as many marginal rows)
     * @param threads        threads the batch is split over
     * @param reps           timed repetitions
     * @param stepsPerRep    steps per repetition
     * @param samplesPerSec  median over the repetitions, joint samples per second
     * @param minSamplesPerSec slowest repetition
     * @param maxSamplesPerSec fastest repetition
     * @param gflops         median GEMM GFLOP/s ({@code samplesPerSec * FLOP_PER_SAMPLE / 1e9})
     * @param msPerStep      median milliseconds per step
     * @param finalLoss      DV loss of the last step (a sanity check that training ran)
     */
    public record Result(String kernels, int batch, int threads, int reps, int stepsPerRep,
                         double samplesPerSec, double minSamplesPerSec, double maxSamplesPerSec,
                         double gflops, double msPerStep, double finalLoss) {
    }

    /**
     * Measures workload W.
     *
     * @throws IllegalArgumentException for a batch below 2 x threads, threads outside 1..2, or
     *                                  non-positive repetitions
     */
    public static Result runWorkloadW(Kernels k, int batch, int threads, int warmupReps, int reps) {
        if (k == null) {
            throw new IllegalArgumentException("kernels must not be null");
        }
        if (threads < 1 || threads > 2) {
            throw new IllegalArgumentException("threads must be 1 or 2, got " + threads);
        }
        if (batch < 2 * threads) {
            throw new IllegalArgumentException("batch must be >= " + (2 * threads) + ", got " + batch);
        }
        if (warmupReps < 0 || reps < 1) {
            throw new IllegalArgumentException("warmupReps must be >= 0 and reps >= 1, got " + warmupReps + ", " + reps);
        }
        Step w = new Step(k, batch, threads, 12345L);
        // calibrate: a few steps (also starts the JIT), then warm-up repetitions
        long t0 = System.nanoTime();
        w.run(3);
        double perStep = (System.nanoTime() - t0) / 3e9;
        int steps = stepsFor(perStep);
        // warm-up: at least warmupReps repetitions and, when warmupReps > 0, WARMUP_SECONDS: C2 needs
        // seconds for the big Vector API micro-kernels on a loaded 2-core machine, and until then
        // they run the API's non-intrinsified Java fallback (tens of times slower)
        long warmStart = System.nanoTime();
        for (int r = 0; r < warmupReps
                || (warmupReps > 0 && System.nanoTime() - warmStart < (long) (WARMUP_SECONDS * 1e9)); r++) {
            long s = System.nanoTime();
            w.run(steps);
            perStep = (System.nanoTime() - s) / 1e9 / steps;
            steps = stepsFor(perStep);
        }
        double[] sps = new double[reps];
        for (int r = 0; r < reps; r++) {
            long s = System.nanoTime();
            w.run(steps);
            double sec = (System.nanoTime() - s) / 1e9;
            sps[r] = (double) batch * steps / sec;
        }
        w.close();
        double[] sorted = sps.clone();
        Arrays.sort(sorted);
        double median = reps % 2 == 1 ? sorted[reps / 2] : 0.5 * (sorted[reps / 2 - 1] + sorted[reps / 2]);
        return new Result(k.name(), batch, threads, reps, steps, median, sorted[0], sorted[reps - 1],
                median * FLOP_PER_SAMPLE / 1e9, 1e3 * batch / median, w.lastLoss);
    }

    /** The DV loss after exactly {@code steps} steps (deterministic for a backend; used by tests). */
    static double lossAfterSteps(Kernels k, int batch, int threads, int steps) {
        Step w = new Step(k, batch, threads, 12345L);
        try {
            w.run(steps);
            return w.lastLoss;
        } finally {
            w.close();
        }
    }

    private static int stepsFor(double secondsPerStep) {
        return (int) Math.max(3, Math.min(100_000, Math.round(TARGET_REP_SECONDS / Math.max(secondsPerStep, 1e-7))));
    }

    /**
     * Milliseconds per step spent in each phase of W on one thread (the fastest of {@code reps}
     * timed steps after {@code warmupSteps}, as other load only ever adds time), in execution order; also the fraction of zeros in
     * the ReLU activations under {@code "zeros H1"} and {@code "zeros H2"}.
     */
    public static Map<String, Double> profileWorkloadW(Kernels k, int batch, int warmupSteps, int reps) {
        Step w = new Step(k, batch, 1, 12345L);
        w.profile = new long[Step.PHASES.length];
        w.run(Math.max(0, warmupSteps));
        if (warmupSteps > 0) { // as in runWorkloadW: give C2 WARMUP_SECONDS
            long warmStart = System.nanoTime();
            while (System.nanoTime() - warmStart < (long) (WARMUP_SECONDS * 1e9)) {
                w.run(Math.max(1, warmupSteps / 10));
            }
        }
        long[][] samples = new long[reps][];
        for (int r = 0; r < reps; r++) {
            Arrays.fill(w.profile, 0L);
            w.run(1);
            samples[r] = w.profile.clone();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int p = 0; p < Step.PHASES.length; p++) {
            long[] col = new long[reps];
            for (int r = 0; r < reps; r++) {
                col[r] = samples[r][p];
            }
            Arrays.sort(col);
            out.put(Step.PHASES[p], col[0] / 1e6); // fastest: robust against other load on a shared machine
        }
        Worker wk = w.workers[0];
        out.put("zeros H1", zeroFraction(wk.h1, wk.rows * HIDDEN));
        out.put("zeros H2", zeroFraction(wk.h2, wk.rows * HIDDEN));
        w.close();
        return out;
    }

    /** /proc/loadavg where readable (the machines are shared: quote it with the numbers). */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Paths.get("/proc/loadavg")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double zeroFraction(float[] a, int len) {
        int z = 0;
        for (int i = 0; i < len; i++) {
            if (a[i] == 0f) {
                z++;
            }
        }
        return (double) z / len;
    }

    /** Prints a table; see the class comment for the arguments. */
    public static void main(String[] args) {
        List<String> kernels = List.of("scalar", "vector", "native-blas");
        int[] batches = {64, 512, 4096};
        int[] threads = {1, 2};
        int warmup = 3;
        int reps = 5;
        boolean profile = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kernels" -> kernels = List.of(args[++i].split(","));
                case "--batches" -> batches = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--threads" -> threads = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                case "--cpu-time" -> profileCpuTime = true;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; expected --kernels, --batches, --threads, --warmup, --reps, --profile, --cpu-time");
            }
        }
        System.out.printf(Locale.ROOT, "# workload W, %s, %s %s, %d cpus%n",
                java.time.LocalDate.now(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        System.out.println("# load average at start: " + loadAverage());
        List<Kernels> ks = new ArrayList<>();
        for (String name : kernels) {
            try {
                Kernels k = Kernels.forName(name);
                ks.add(k);
                System.out.println("# " + k.describe());
            } catch (IllegalStateException e) {
                System.out.println("# skipped " + name + ": " + e.getMessage());
            }
        }
        if (profile) {
            for (Kernels k : ks) {
                for (int b : batches) {
                    Map<String, Double> p = profileWorkloadW(k, b, k.name().equals("scalar") ? 3 : 200, 21);
                    double total = 0;
                    for (Map.Entry<String, Double> e : p.entrySet()) {
                        if (!e.getKey().startsWith("zeros")) {
                            total += e.getValue();
                        }
                    }
                    System.out.printf(Locale.ROOT, "%n## profile %s B=%d, 1 thread: %.3f ms/step%n", k.name(), b, total);
                    for (Map.Entry<String, Double> e : p.entrySet()) {
                        if (e.getKey().startsWith("zeros")) {
                            System.out.printf(Locale.ROOT, "  %-26s %6.1f%%%n", e.getKey(), 100 * e.getValue());
                        } else {
                            System.out.printf(Locale.ROOT, "  %-26s %8.4f ms %5.1f%%%n", e.getKey(), e.getValue(),
                                    100 * e.getValue() / total);
                        }
                    }
                }
            }
            return;
        }
        System.out.println();
        System.out.println("| kernels | B | threads | samples/s (median) | GFLOP/s | ms/step | min..max samples/s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|");
        for (Kernels k : ks) {
            for (int b : batches) {
                for (int t : threads) {
                    int r = k.name().equals("scalar") ? Math.min(reps, 5) : reps;
                    Result res = runWorkloadW(k, b, t, k.name().equals("scalar") ? 1 : warmup, r);
                    System.out.printf(Locale.ROOT, "| %s | %d | %d | %,.0f | %.1f | %.3f | %,.0f..%,.0f |%n",
                            res.kernels(), res.batch(), res.threads(), res.samplesPerSec(), res.gflops(),
                            res.msPerStep(), res.minSamplesPerSec(), res.maxSamplesPerSec());
                }
            }
        }
        System.out.println("# load average at end: " + loadAverage());
    }

    // ------------------------------------------------------------------------------------ state

    /** Activations and gradients of one thread's share of the rows. */
    private static final class Worker {
        final int nJoint;
        final int rows;
        final float[] x;
        final float[] z1;
        final float[] h1;
        final float[] z2;
        final float[] h2;
        final float[] t;
        final float[] dt;
        final float[] dz2;
        final float[] dz1;
        final float[] gW1 = new float[IN * HIDDEN];
        final float[] gb1 = new float[HIDDEN];
        final float[] gW2 = new float[HIDDEN * HIDDEN];
        final float[] gb2 = new float[HIDDEN];
        final float[] gW3 = new float[HIDDEN];
        final float[] gb3 = new float[1];
        double sumTJoint;
        double maxTMarg;
        double sumExpMarg;

        Worker(int nJoint, SplittableRandom rnd) {
            this.nJoint = nJoint;
            this.rows = 2 * nJoint;
            x = new float[rows * IN];
            z1 = new float[rows * HIDDEN];
            h1 = new float[rows * HIDDEN];
            z2 = new float[rows * HIDDEN];
            h2 = new float[rows * HIDDEN];
            t = new float[rows];
            dt = new float[rows];
            dz2 = new float[rows * HIDDEN];
            dz1 = new float[rows * HIDDEN];
            // 20-d correlated Gaussian, rho = 0.8 per coordinate; marginal rows pair x_i with y_pi(i)
            float rho = 0.8f;
            float s = (float) Math.sqrt(1 - rho * rho);
            float[] xs = new float[nJoint * DX];
            float[] ys = new float[nJoint * DY];
            for (int i = 0; i < nJoint * DX; i++) {
                xs[i] = (float) gaussian(rnd);
                ys[i] = rho * xs[i] + s * (float) gaussian(rnd);
            }
            int[] perm = new int[nJoint];
            for (int i = 0; i < nJoint; i++) {
                perm[i] = i;
            }
            for (int i = nJoint - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
            for (int i = 0; i < nJoint; i++) {
                System.arraycopy(xs, i * DX, x, i * IN, DX);
                System.arraycopy(ys, i * DY, x, i * IN + DX, DY);
                System.arraycopy(xs, i * DX, x, (nJoint + i) * IN, DX);
                System.arraycopy(ys, perm[i] * DY, x, (nJoint + i) * IN + DX, DY);
            }
        }

        private static double gaussian(SplittableRandom r) {
            double u = r.nextDouble();
            double v = r.nextDouble();
            return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
        }
    }

    /** Parameters, Adam state and the workers; runs steps on 1 or 2 threads in lockstep. */
    private static final class Step {
        static final String[] PHASES = {
            "fwd Z1=X*W1 gemm", "fwd bias+relu 1", "fwd Z2=H1*W2 gemm", "fwd bias+relu 2",
            "fwd T=H2*W3 gemv", "fwd bias 3 + DV", "bwd dH2=dT*W3^T", "bwd dW3=H2^T*dT",
            "bwd relu mask 2", "bwd dW2=H1^T*dZ2 gemm", "bwd col sums 2", "bwd dH1=dZ2*W2^T gemm",
            "bwd relu mask 1", "bwd dW1=X^T*dZ1 gemm", "bwd col sums 1", "adam",
        };
        final Kernels k;
        final int batch;
        final Worker[] workers;
        final float[] w1 = new float[IN * HIDDEN];
        final float[] b1 = new float[HIDDEN];
        final float[] w2 = new float[HIDDEN * HIDDEN];
        final float[] b2 = new float[HIDDEN];
        final float[] w3 = new float[HIDDEN];
        final float[] b3 = new float[1];
        final float[][] params = {w1, b1, w2, b2, w3, b3};
        final float[][] adamM = new float[6][];
        final float[][] adamV = new float[6][];
        final SpinBarrier barrier;
        final Thread helper;
        long[] profile;
        volatile int helperSteps;
        volatile boolean closed;
        volatile Throwable helperFailure;
        double lastLoss = Double.NaN;

        Step(Kernels k, int batch, int threads, long seed) {
            this.k = k;
            this.batch = batch;
            SplittableRandom rnd = new SplittableRandom(seed);
            init(w1, IN, rnd);
            init(b1, IN, rnd);
            init(w2, HIDDEN, rnd);
            init(b2, HIDDEN, rnd);
            init(w3, HIDDEN, rnd);
            init(b3, HIDDEN, rnd);
            for (int i = 0; i < 6; i++) {
                adamM[i] = new float[params[i].length];
                adamV[i] = new float[params[i].length];
            }
            workers = new Worker[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = new Worker(batch / threads + (t < batch % threads ? 1 : 0), rnd.split());
            }
            if (threads == 2) {
                barrier = new SpinBarrier(2);
                helper = new Thread(this::helperLoop, "kernel-bench-helper");
                helper.setDaemon(true);
                helper.start();
            } else {
                barrier = null;
                helper = null;
            }
        }

        /** PyTorch's default Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
        private static void init(float[] p, int fanIn, SplittableRandom rnd) {
            double bound = 1 / Math.sqrt(fanIn);
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
            }
        }

        /** Runs {@code steps} steps (both threads when there are two). */
        void run(int steps) {
            if (helper != null) {
                helperSteps = steps;
                barrier.await(); // start signal
            }
            for (int s = 0; s < steps; s++) {
                step(0);
            }
            if (helper != null) {
                barrier.await(); // helper done
                if (helperFailure != null) {
                    throw new IllegalStateException("benchmark helper thread failed", helperFailure);
                }
            }
        }

        void close() {
            if (helper != null) {
                closed = true;
                barrier.await();
                try {
                    helper.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void helperLoop() {
            while (true) {
                barrier.await();
                if (closed) {
                    return;
                }
                try {
                    int n = helperSteps;
                    for (int s = 0; s < n; s++) {
                        step(1);
                    }
                } catch (Throwable e) {
                    helperFailure = e;
                }
                barrier.await();
            }
        }

        private long mark(int phase, long since) {
            long now = profileNow();
            profile[phase] += now - since;
            return now;
        }

        /** One training step of thread {@code id}'s share; all threads call it in lockstep. */
        void step(int id) {
            Worker w = workers[id];
            int r = w.rows;
            int nj = w.nJoint;
            boolean prof = profile != null;
            long ts = prof ? profileNow() : 0L;
            // forward
            k.sgemm(false, false, r, HIDDEN, IN, 1f, w.x, w1, 0f, w.z1);
            if (prof) ts = mark(0, ts);
            k.addBiasRelu(r, HIDDEN, w.z1, b1, w.h1);
            if (prof) ts = mark(1, ts);
            k.sgemm(false, false, r, HIDDEN, HIDDEN, 1f, w.h1, w2, 0f, w.z2);
            if (prof) ts = mark(2, ts);
            k.addBiasRelu(r, HIDDEN, w.z2, b2, w.h2);
            if (prof) ts = mark(3, ts);
            k.sgemm(false, false, r, 1, HIDDEN, 1f, w.h2, w3, 0f, w.t);
            if (prof) ts = mark(4, ts);
            k.addBias(r, 1, w.t, b3);
            // DV statistics of this share
            double sj = 0;
            for (int i = 0; i < nj; i++) {
                sj += w.t[i];
            }
            double mx = Double.NEGATIVE_INFINITY;
            for (int i = nj; i < r; i++) {
                mx = Math.max(mx, w.t[i]);
            }
            double se = 0;
            for (int i = nj; i < r; i++) {
                se += Math.exp(w.t[i] - mx);
            }
            w.sumTJoint = sj;
            w.maxTMarg = mx;
            w.sumExpMarg = se;
            if (barrier != null) {
                barrier.await();
            }
            // combine (every thread computes the same values in the same order)
            double m = Double.NEGATIVE_INFINITY;
            for (Worker o : workers) {
                m = Math.max(m, o.maxTMarg);
            }
            double sumExp = 0;
            double sumJ = 0;
            for (Worker o : workers) {
                sumExp += o.sumExpMarg * Math.exp(o.maxTMarg - m);
                sumJ += o.sumTJoint;
            }
            if (id == 0) {
                // loss = -(mean_joint T - log mean_marg exp T)
                lastLoss = -(sumJ / batch - (m + Math.log(sumExp / batch)));
            }
            // upstream gradient dL/dT per row
            float gj = -1f / batch;
            for (int i = 0; i < nj; i++) {
                w.dt[i] = gj;
            }
            for (int i = nj; i < r; i++) {
                w.dt[i] = (float) (Math.exp(w.t[i] - m) / sumExp);
            }
            if (prof) ts = mark(5, ts);
            // backward
            k.sgemm(false, true, r, HIDDEN, 1, 1f, w.dt, w3, 0f, w.dz2);
            if (prof) ts = mark(6, ts);
            k.sgemm(true, false, HIDDEN, 1, r, 1f, w.h2, w.dt, 0f, w.gW3);
            w.gb3[0] = 0f;
            k.addColumnSums(r, 1, w.dt, w.gb3);
            if (prof) ts = mark(7, ts);
            k.reluBackward(r * HIDDEN, w.z2, w.dz2);
            if (prof) ts = mark(8, ts);
            k.sgemm(true, false, HIDDEN, HIDDEN, r, 1f, w.h1, w.dz2, 0f, w.gW2);
            if (prof) ts = mark(9, ts);
            Arrays.fill(w.gb2, 0f);
            k.addColumnSums(r, HIDDEN, w.dz2, w.gb2);
            if (prof) ts = mark(10, ts);
            k.sgemm(false, true, r, HIDDEN, HIDDEN, 1f, w.dz2, w2, 0f, w.dz1);
            if (prof) ts = mark(11, ts);
            k.reluBackward(r * HIDDEN, w.z1, w.dz1);
            if (prof) ts = mark(12, ts);
            k.sgemm(true, false, IN, HIDDEN, r, 1f, w.x, w.dz1, 0f, w.gW1);
            if (prof) ts = mark(13, ts);
            Arrays.fill(w.gb1, 0f);
            k.addColumnSums(r, HIDDEN, w.dz1, w.gb1);
            if (prof) ts = mark(14, ts);
            if (barrier != null) {
                barrier.await();
            }
            // reduce (g = g0 + g1, once) and Adam: with two threads, thread 0 owns W2 and thread 1 the rest
            int t = stepNumber(id);
            float bc1 = (float) (1 - Math.pow(0.9, t));
            float bc2 = (float) (1 - Math.pow(0.999, t));
            Worker w0 = workers[0];
            float[][] g0 = {w0.gW1, w0.gb1, w0.gW2, w0.gb2, w0.gW3, w0.gb3};
            for (int p = 0; p < 6; p++) {
                boolean mine = workers.length == 1 || (p == 2) == (id == 0);
                if (!mine) {
                    continue;
                }
                if (workers.length == 2) {
                    Worker w1r = workers[1];
                    float[] o = p == 0 ? w1r.gW1 : p == 1 ? w1r.gb1 : p == 2 ? w1r.gW2 : p == 3 ? w1r.gb2 : p == 4 ? w1r.gW3 : w1r.gb3;
                    float[] g = g0[p];
                    for (int i = 0; i < g.length; i++) {
                        g[i] += o[i];
                    }
                }
                k.adam(params[p].length, params[p], g0[p], adamM[p], adamV[p], 1e-4f, 0.9f, 0.999f, 1e-8f, bc1, bc2);
            }
            if (prof) mark(15, ts);
            if (barrier != null) {
                barrier.await();
            }
        }

        private final int[] stepCount = new int[2];

        /** Adam's step number t as seen by thread {@code id} (each thread counts its own steps). */
        private int stepNumber(int id) {
            return ++stepCount[id];
        }
    }

    /** A reusable sense-reversing barrier that spins (then yields): two cores, two threads. */
    private static final class SpinBarrier {
        private final int parties;
        private final AtomicInteger waiting = new AtomicInteger();
        private volatile int generation;

        SpinBarrier(int parties) {
            this.parties = parties;
        }

        void await() {
            int gen = generation;
            if (waiting.incrementAndGet() == parties) {
                waiting.set(0);
                generation = gen + 1;
                return;
            }
            int spins = 0;
            while (generation == gen) {
                if (++spins < 20_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }
}
