package org.minespark.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.minespark.core.Kernels;

/**
 * Workload W of {@code BENCHMARKS.md}: one MINE training step of the concat critic
 * Linear(40,256)-ReLU-Linear(256,256)-ReLU-Linear(256,1) in fp32 on B joint rows (x, y) and B
 * marginal rows (x, y shuffled), Donsker-Varadhan loss, backward for all weight and bias gradients,
 * Adam. The step is the production one ({@code PartitionWorker.trainStep} per partition, merge,
 * {@code MineOptimizer.step}; see {@link WorkloadW}), so the backends are compared on the code
 * training runs: 8 GEMMs, {@value #FLOP_PER_SAMPLE} GEMM FLOP per joint sample (so GFLOP/s =
 * samples/s x 8.714e-4; "samples" are joint samples, B per step). The time also holds what the
 * step does besides GEMMs (minibatch draw and gather, DV weights, aggregate, merge, Adam).
 *
 * <p>With {@code threads = 2} the batch is split between two partitions run by two threads, each
 * with its own rows and {@code PartitionWorker}; their aggregates are merged in order and the
 * update runs on the calling thread.
 *
 * <p>Timing: after {@code warmupReps} repetitions (JIT; at least {@value #WARMUP_SECONDS} s when
 * {@code warmupReps > 0}), each of {@code reps} repetitions times enough steps for about
 * {@value #TARGET_REP_SECONDS} s; the median is reported. Backends compared in one run have their
 * repetitions interleaved ({@link #runWorkloadWInterleaved}). The rows are built once (data
 * preparation, not part of W).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp target/classes org.minespark.bench.KernelBench
 * [--kernels scalar,vector,native-blas] [--batches 64,512,4096] [--threads 1,2] [--warmup 3] [--reps 5] [--profile [--cpu-time]]}.
 * The table also gives each result's share of the FMA peak ({@link FmaPeak}) on as many threads.
 * For {@code native-blas} set {@code OPENBLAS_NUM_THREADS=1} so that OpenBLAS does not add its own threads.
 */
public final class KernelBench {
    /** GEMM FLOP per joint sample (two critic rows: joint and marginal), 8 GEMMs of 2mnk FLOP. */
    public static final double FLOP_PER_SAMPLE = 871_424d;
    static final double TARGET_REP_SECONDS = 0.25;
    /** Minimum warm-up per configuration (see {@link #runWorkloadW}). */
    static final double WARMUP_SECONDS = 3.0;
    static final long SEED = 12345L;

    private KernelBench() {
    }

    /**
     * One measured configuration.
     *
     * @param kernels          the backend's {@link Kernels#name()}
     * @param batch            joint rows per step (the step also has as many marginal rows)
     * @param threads          threads the batch is split over
     * @param reps             timed repetitions
     * @param stepsPerRep      steps per repetition
     * @param samplesPerSec    median over the repetitions, joint samples per second
     * @param minSamplesPerSec slowest repetition
     * @param maxSamplesPerSec fastest repetition
     * @param gflops           median GEMM GFLOP/s ({@code samplesPerSec * FLOP_PER_SAMPLE / 1e9})
     * @param msPerStep        median milliseconds per step
     * @param finalLoss        DV loss of the last step (a sanity check that training ran)
     */
    public record Result(String kernels, int batch, int threads, int reps, int stepsPerRep,
                         double samplesPerSec, double minSamplesPerSec, double maxSamplesPerSec,
                         double gflops, double msPerStep, double finalLoss) {

        /** {@link #gflops()} as a fraction of {@code peakGflops} (e.g. {@link FmaPeak.Result#gflops()} on as many threads). */
        public double peakShare(double peakGflops) {
            return gflops / peakGflops;
        }
    }

    /**
     * Measures workload W of one backend ({@link #runWorkloadWInterleaved} with one backend).
     *
     * @throws IllegalArgumentException for a batch below 2 x threads, threads outside 1..2, or
     *                                  non-positive repetitions
     */
    public static Result runWorkloadW(Kernels k, int batch, int threads, int warmupReps, int reps) {
        if (k == null) {
            throw new IllegalArgumentException("kernels must not be null");
        }
        return runWorkloadWInterleaved(List.of(k), batch, threads, warmupReps, reps).get(0);
    }

    /**
     * Measures workload W of several backends at one batch size and thread count, their timed
     * repetitions in alternating rounds (round r runs the backends in order, round r + 1 in
     * reverse), so that a change of machine state during the measurement (load from elsewhere,
     * the second core's first seconds of work, a late recompilation) falls on all of them alike.
     * Measured one after the other, the first two-thread configuration of a JVM came out 5-15 %
     * below the same backend measured second (2026-12-07, Zen 4 guest), whichever backend it was.
     * Every backend is warmed up first (see {@link #runWorkloadW}'s timing).
     *
     * @return one result per backend, in the order given
     * @throws IllegalArgumentException for no backend, a batch below 2 x threads, threads outside 1..2,
     *                                  or non-positive repetitions
     */
    public static List<Result> runWorkloadWInterleaved(List<Kernels> ks, int batch, int threads, int warmupReps,
                                                       int reps) {
        if (ks == null || ks.isEmpty() || ks.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("kernels must be a non-empty list without null, got " + ks);
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
        int n = ks.size();
        double[][] sps = new double[n][reps];
        int[] steps = new int[n];
        List<WorkloadW> ws = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                WorkloadW w = new WorkloadW(ks.get(i), batch, threads, SEED);
                ws.add(w);
                // calibrate: a few steps (also starts the JIT), then warm-up repetitions
                long t0 = System.nanoTime();
                w.run(3);
                steps[i] = stepsFor((System.nanoTime() - t0) / 3e9);
                // warm-up: at least warmupReps repetitions and, when warmupReps > 0, WARMUP_SECONDS: C2 needs
                // seconds for the big Vector API micro-kernels on a loaded 2-core machine, and until then
                // they run the API's non-intrinsified Java fallback (tens of times slower)
                long warmStart = System.nanoTime();
                for (int r = 0; r < warmupReps
                        || (warmupReps > 0 && System.nanoTime() - warmStart < (long) (WARMUP_SECONDS * 1e9)); r++) {
                    long s = System.nanoTime();
                    w.run(steps[i]);
                    steps[i] = stepsFor((System.nanoTime() - s) / 1e9 / steps[i]);
                }
            }
            for (int r = 0; r < reps; r++) {
                for (int j = 0; j < n; j++) {
                    int i = r % 2 == 0 ? j : n - 1 - j;
                    long s = System.nanoTime();
                    ws.get(i).run(steps[i]);
                    sps[i][r] = (double) batch * steps[i] / ((System.nanoTime() - s) / 1e9);
                }
            }
            List<Result> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                double[] sorted = sps[i].clone();
                Arrays.sort(sorted);
                double median = reps % 2 == 1 ? sorted[reps / 2] : 0.5 * (sorted[reps / 2 - 1] + sorted[reps / 2]);
                out.add(new Result(ks.get(i).name(), batch, threads, reps, steps[i], median, sorted[0],
                        sorted[reps - 1], median * FLOP_PER_SAMPLE / 1e9, 1e3 * batch / median, ws.get(i).lastLoss()));
            }
            return out;
        } finally {
            for (WorkloadW w : ws) {
                w.close();
            }
        }
    }

    /** The DV loss of the minibatch of step {@code steps} (deterministic for a backend; used by tests). */
    static double lossAfterSteps(Kernels k, int batch, int threads, int steps) {
        try (WorkloadW w = new WorkloadW(k, batch, threads, SEED)) {
            w.run(steps);
            return w.lastLoss();
        }
    }

    private static int stepsFor(double secondsPerStep) {
        return (int) Math.max(3, Math.min(100_000, Math.round(TARGET_REP_SECONDS / Math.max(secondsPerStep, 1e-7))));
    }

    /**
     * Milliseconds per step spent in each kernel call of W's production step on one thread, by
     * operation and shape ({@link TimingKernels}), in the order first called, then {@code "other"}
     * (the step's time outside the kernels: minibatch draw and gather, DV weights, aggregate and
     * merge); each the fastest of {@code reps} timed steps after {@code warmupSteps}, as other load
     * only ever adds time. Then the fraction of exact zeros in the ReLU outputs (keys starting with
     * {@code "zeros"}; {@code k=40} is H1 and {@code k=256} H2). With {@code cpuTime} the phases
     * are timed by the thread's CPU time instead of wall time.
     */
    public static Map<String, Double> profileWorkloadW(Kernels k, int batch, int warmupSteps, int reps, boolean cpuTime) {
        if (reps < 1) {
            throw new IllegalArgumentException("reps must be >= 1, got " + reps);
        }
        TimingKernels tk = new TimingKernels(k, cpuTime);
        Map<String, long[]> samples = new LinkedHashMap<>();
        Map<String, Double> out = new LinkedHashMap<>();
        try (WorkloadW w = new WorkloadW(tk, batch, 1, SEED)) {
            w.run(Math.max(0, warmupSteps));
            if (warmupSteps > 0) { // as in runWorkloadW: give C2 WARMUP_SECONDS
                long warmStart = System.nanoTime();
                while (System.nanoTime() - warmStart < (long) (WARMUP_SECONDS * 1e9)) {
                    w.run(Math.max(1, warmupSteps / 10));
                }
            }
            for (int r = 0; r < reps; r++) {
                tk.resetTimes();
                long t0 = tk.now();
                w.run(1);
                long total = tk.now() - t0;
                long inKernels = 0;
                for (Map.Entry<String, Long> e : tk.nanosBySlot().entrySet()) {
                    samples.computeIfAbsent(e.getKey(), s -> new long[reps])[r] = e.getValue();
                    inKernels += e.getValue();
                }
                samples.computeIfAbsent("other", s -> new long[reps])[r] = total - inKernels;
            }
            samples.forEach((name, col) -> out.put(name, Arrays.stream(col).min().orElse(0L) / 1e6));
            tk.countZeros = true; // one more, untimed step for the zero fractions
            w.run(1);
        }
        out.putAll(tk.zeroFractions());
        return out;
    }

    /** Prints a table; see the class comment for the arguments. */
    public static void main(String[] args) {
        List<String> kernels = List.of("scalar", "vector", "native-blas");
        int[] batches = {64, 512, 4096};
        int[] threads = {1, 2};
        int warmup = 3;
        int reps = 5;
        boolean profile = false;
        boolean cpuTime = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kernels" -> kernels = List.of(args[++i].split(","));
                case "--batches" -> batches = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--threads" -> threads = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                case "--cpu-time" -> cpuTime = true;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; expected --kernels, --batches, --threads, --warmup, --reps, --profile, --cpu-time");
            }
        }
        System.out.printf(Locale.ROOT, "# workload W (production step), %s, %s %s, %d cpus, %s%n",
                java.time.LocalDate.now(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Machine.cpuModel());
        System.out.println("# load average at start: " + Machine.loadAverage());
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
                    printProfile(k, b, profileWorkloadW(k, b, k.name().equals("scalar") ? 3 : 200, 21, cpuTime));
                }
            }
            return;
        }
        Map<Integer, Double> peak = new TreeMap<>();
        for (int t : threads) {
            FmaPeak.Result p = FmaPeak.measure(t, peak.isEmpty() ? 1.0 : 0.0, 5);
            peak.put(t, p.gflops());
            System.out.printf(Locale.ROOT, "# FMA peak (%d-bit Vector API, %d accumulators), %d thread(s): %.1f GFLOP/s%n",
                    FmaPeak.vectorBits(), FmaPeak.ACCUMULATORS, t, p.gflops());
        }
        System.out.println();
        System.out.println("| kernels | B | threads | samples/s (median) | GFLOP/s | share of FMA peak | ms/step | min..max samples/s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
        for (int b : batches) {
            for (int t : threads) {
                for (Result res : runWorkloadWInterleaved(ks, b, t, warmup, reps)) {
                    System.out.printf(Locale.ROOT, "| %s | %d | %d | %,.0f | %.1f | %.2f | %.3f | %,.0f..%,.0f |%n",
                            res.kernels(), res.batch(), res.threads(), res.samplesPerSec(), res.gflops(),
                            res.peakShare(peak.get(t)), res.msPerStep(), res.minSamplesPerSec(), res.maxSamplesPerSec());
                }
            }
        }
        System.out.println("# load average at end: " + Machine.loadAverage());
    }

    private static void printProfile(Kernels k, int batch, Map<String, Double> p) {
        double total = 0;
        for (Map.Entry<String, Double> e : p.entrySet()) {
            if (!e.getKey().startsWith("zeros")) {
                total += e.getValue();
            }
        }
        System.out.printf(Locale.ROOT, "%n## profile %s B=%d, 1 thread: %.3f ms/step%n", k.name(), batch, total);
        for (Map.Entry<String, Double> e : p.entrySet()) {
            if (e.getKey().startsWith("zeros")) {
                System.out.printf(Locale.ROOT, "  %-30s %6.1f%%%n", e.getKey(), 100 * e.getValue());
            } else {
                System.out.printf(Locale.ROOT, "  %-30s %8.4f ms %5.1f%%%n", e.getKey(), e.getValue(), 100 * e.getValue() / total);
            }
        }
    }
}
