package org.minespark.job;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.minespark.spec.MineSpec;
import org.minespark.api.Benchmarks;
import org.minespark.bench.FmaPeak;
import org.minespark.bench.KernelBench;
import org.minespark.bench.Machine;
import org.minespark.core.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: workload W (the production critic step) per kernel backend, batch size and thread
 * count, with this machine's Vector API FMA peak on 1 and 2 threads and W's share of it; the whole
 * Spark training loop on the current master; and the PyTorch reference when the system Python has
 * torch. Medians of repeated runs after warm-up (the FMA peak: the fastest repetition). Not a test:
 * numbers go to docs/benchmarks.md by hand.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Measures workload W (BENCHMARKS.md: Linear(40,256)-ReLU-Linear(256,256)-ReLU-Linear(256,1), "
                + "forward+DV+backward+Adam, the production training step) per kernel backend at B = 64, 512, "
                + "4096 on 1 and 2 threads, with the machine's FMA peak (Vector API) and W's share of it, "
                + "the Spark training loop at global batch 512 and 4096, and the PyTorch reference "
                + "(../shared/tools/ref_torch_mine.py) when /usr/bin/python3 has torch.",
            "Records the CPU (model, vector flags, the Vector API species and width, the vector micro-kernel "
                + "shape, what --kernels auto picks and each backend's share of the FMA peak).",
            "Prints a table, or one JSON object with --json."
        })
final class BenchCommand implements Callable<Integer> {
    private final JobContext ctx;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--kernels", split = ",", paramLabel = "NAME[,NAME...]",
            defaultValue = "vector,native-blas,scalar", description = "Backends to measure (default: ${DEFAULT-VALUE}); "
                    + "vector:6x4, vector:6x2, vector:4x3 fix the vector micro-kernel's rows x vectors.")
    List<String> kernels;

    @Option(names = "--batches", split = ",", paramLabel = "B[,B...]", defaultValue = "64,512,4096",
            description = "Workload W batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--reps", defaultValue = "5", description = "Measured repetitions, >= 5 for the record (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--spark-steps", defaultValue = "200", description = "Measured synchronous steps per Spark batch size (default: ${DEFAULT-VALUE}).")
    int sparkSteps;

    @Option(names = "--torch-script", paramLabel = "FILE",
            description = "PyTorch reference trainer (default: $MINE_TORCH_REF or ../shared/tools/ref_torch_mine.py).")
    String torchScript;

    @Option(names = "--torch-steps", defaultValue = "400", description = "Steps of the PyTorch reference per thread setting (default: ${DEFAULT-VALUE}).")
    int torchSteps;

    @Option(names = "--loop-kernels", defaultValue = "auto",
            description = "Kernel backend of the Spark training-loop measurement (default: ${DEFAULT-VALUE}).")
    String loopKernels;

    @Option(names = "--skip-spark", description = "Only the kernel and PyTorch measurements.")
    boolean skipSpark;

    @Option(names = "--skip-kernels", description = "Skip the workload W kernel and FMA peak measurements.")
    boolean skipKernels;

    @Option(names = "--skip-torch", description = "Skip the PyTorch reference.")
    boolean skipTorch;

    @Option(names = "--trainers", split = ",", paramLabel = "NAME[,NAME...]", defaultValue = "stream,jobs",
            description = "Training loops to measure (stream, jobs; default: ${DEFAULT-VALUE}). The contract keys "
                    + "spark_local2_samples_per_s and spark_step_overhead_ms report the default trainer "
                    + "(" + MineSpec.DEFAULT_TRAINER + "); spark_local2_<name>_samples_per_s, "
                    + "spark_<name>_step_overhead_ms and spark_<name>_step_compute_ms report each one measured.")
    List<String> trainers;

    BenchCommand(JobContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (reps < 1) {
            throw new IllegalArgumentException("--reps must be >= 1, got " + reps);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", java.time.LocalDate.now().toString());
        out.put("machine", machine());
        // the CPU the numbers come from, and what the JVM makes of it
        out.put("cpu_model", Machine.cpuModel());
        out.put("cpu_vector_flags", String.join(" ", Machine.vectorFlags()));
        out.put("vector_species", FmaPeak.speciesName());
        out.put("vector_species_bits", FmaPeak.vectorBits());
        out.put("vector_kernels", Kernels.forName("vector").describe());
        Kernels auto = Kernels.forName("auto");
        out.put("kernels_auto", auto.name());
        out.put("kernels_auto_trial", auto.describe());
        ctx.err.println("bench: CPU " + out.get("cpu_model") + ", flags " + out.get("cpu_vector_flags") + "; "
                + out.get("vector_kernels") + "; " + auto.describe());
        List<Map<String, Object>> rows = new ArrayList<>();
        Double k1 = null;
        Double k2 = null;
        double[] peak = skipKernels ? null : fmaPeaks(); // index: threads
        Map<String, Object> shares = new LinkedHashMap<>(); // <backend>_<n>t_peak_share at shareBatch
        double[][] rateAtShare = new double[3][]; // [threads] = {auto's backend, best backend} samples/s at shareBatch
        int shareBatch = batches.contains(512) ? 512 : batches.stream().mapToInt(Integer::intValue).max().orElse(0);
        List<Kernels> available = new ArrayList<>();
        List<String> names = new ArrayList<>(); // as given (--kernels auto is measured under its own name)
        for (String name : skipKernels ? List.<String>of() : kernels) {
            try {
                Kernels k = Kernels.forName(name);
                available.add(k);
                names.add(name);
                ctx.err.println("bench: " + k.describe());
            } catch (IllegalStateException e) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("kernels", name);
                r.put("unavailable", e.getMessage());
                rows.add(r);
                ctx.err.println("bench: skipping " + name + ": " + e.getMessage());
            }
        }
        for (int b : available.isEmpty() ? List.<Integer>of() : batches) {
            for (int threads = 1; threads <= 2; threads++) {
                // the backends' repetitions alternate, so that they are compared under the same conditions
                List<KernelBench.Result> results = KernelBench.runWorkloadWInterleaved(available, b, threads, 2, reps);
                for (int i = 0; i < results.size(); i++) {
                    KernelBench.Result res = results.get(i);
                    String name = names.get(i);
                    double share = res.peakShare(peak[threads]);
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("kernels", name);
                    r.put("batch", b);
                    r.put("threads", threads);
                    r.put("samples_per_s", Math.round(res.samplesPerSec()));
                    r.put("gflops", round(res.gflops(), 1));
                    r.put("ms_per_step", round(res.msPerStep(), 3));
                    r.put("peak_share", round(share, 3));
                    rows.add(r);
                    ctx.err.printf(Locale.ROOT, "  W %-11s B=%-5d %dt  %,10.0f samples/s  %6.1f GFLOP/s  %5.1f %% of FMA peak%n",
                            name, b, threads, res.samplesPerSec(), res.gflops(), 100 * share);
                    if (b == shareBatch) {
                        shares.put(key(name) + "_" + threads + "t_peak_share", round(share, 3));
                        double[] ab = rateAtShare[threads] == null ? (rateAtShare[threads] = new double[2]) : rateAtShare[threads];
                        if (name.equals(auto.name())) {
                            ab[0] = res.samplesPerSec();
                        }
                        if (!name.equals("scalar")) {
                            ab[1] = Math.max(ab[1], res.samplesPerSec());
                        }
                    }
                    if (name.equals("vector") && b == 512) {
                        if (threads == 1) {
                            k1 = res.samplesPerSec();
                        } else {
                            k2 = res.samplesPerSec();
                        }
                    }
                }
            }
        }
        out.put("kernel_1t_samples_per_s", k1 == null ? null : (Object) Math.round(k1));
        out.put("kernel_2t_samples_per_s", k2 == null ? null : (Object) Math.round(k2));
        out.put("fma_peak_1t_gflops", peak == null ? null : (Object) round(peak[1], 1));
        out.put("fma_peak_2t_gflops", peak == null ? null : (Object) round(peak[2], 1));
        if (peak != null && peak.length > 3) {
            out.put("fma_peak_" + (peak.length - 1) + "t_gflops", round(peak[peak.length - 1], 1));
        }
        out.put("peak_share_batch", shares.isEmpty() ? null : (Object) shareBatch);
        out.putAll(shares);
        for (int t = 1; t <= 2; t++) {
            double[] ab = rateAtShare[t];
            // the default backend's W rate as a fraction of the fastest backend measured (issue 18: >= 0.95)
            out.put("auto_" + t + "t_vs_best", ab == null || ab[0] == 0 || ab[1] == 0 ? null : (Object) round(ab[0] / ab[1], 3));
        }
        out.put("workload_w", rows);

        Double spark4096 = null;
        Double overhead4096 = null;
        Double compute4096 = null;
        if (!skipSpark) {
            for (String t : trainers) {
                MineSpec.x("x").y("y").withTrainer(t); // validates the name
            }
            SparkSession spark = ctx.spark("bench");
            List<Map<String, Object>> loop = new ArrayList<>();
            for (String trainer : trainers) {
                for (int b : new int[] {512, 4096}) {
                    Benchmarks.LoopResult r = Benchmarks.trainingLoop(spark, trainer, loopKernels, b, 20, sparkSteps, 50_000);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("master", spark.sparkContext().master());
                    m.put("trainer", trainer);
                    m.put("kernels", loopKernels);
                    m.put("partitions", r.partitions());
                    m.put("batch", b);
                    m.put("steps", r.steps());
                    m.put("samples_per_s", Math.round(r.samplesPerS()));
                    m.put("median_step_ms", round(r.medianStepMs(), 2));
                    m.put("median_compute_ms", round(r.medianComputeMs(), 2));
                    m.put("median_overhead_ms", round(r.medianOverheadMs(), 2));
                    loop.add(m);
                    ctx.err.printf(Locale.ROOT, "  Spark %s %-6s B=%-5d %,10.0f samples/s  step %.2f ms = compute %.2f + overhead %.2f%n",
                            spark.sparkContext().master(), trainer, b, r.samplesPerS(), r.medianStepMs(), r.medianComputeMs(),
                            r.medianOverheadMs());
                    if (b == 4096) {
                        out.put("spark_local2_" + trainer + "_samples_per_s", Math.round(r.samplesPerS()));
                        out.put("spark_" + trainer + "_step_overhead_ms", round(r.medianOverheadMs(), 2));
                        out.put("spark_" + trainer + "_step_compute_ms", round(r.medianComputeMs(), 2));
                        if (trainer.equals(MineSpec.DEFAULT_TRAINER)) {
                            spark4096 = r.samplesPerS();
                            overhead4096 = r.medianOverheadMs();
                            compute4096 = r.medianComputeMs();
                        }
                    }
                }
            }
            out.put("spark_loop", loop);
        }
        out.put("spark_trainer", MineSpec.DEFAULT_TRAINER);
        out.put("spark_local2_samples_per_s", spark4096 == null ? null : (Object) Math.round(spark4096));
        out.put("spark_step_overhead_ms", overhead4096 == null ? null : (Object) round(overhead4096, 2));
        out.put("spark_step_compute_ms", compute4096 == null ? null : (Object) round(compute4096, 2));

        Double torchBest = null;
        List<Map<String, Object>> torch = new ArrayList<>();
        File script = skipTorch ? null : torchScript();
        if (script != null) {
            for (int threads = 1; threads <= 2; threads++) {
                JsonNode t = runTorch(script, threads);
                if (t == null) {
                    break;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("threads", threads);
                m.put("samples_per_s", t.path("samples_per_s").asLong());
                torch.add(m);
                ctx.err.printf(Locale.ROOT, "  PyTorch %dt  %,10d samples/s%n", threads, t.path("samples_per_s").asLong());
                double sps = t.path("samples_per_s").asDouble();
                torchBest = torchBest == null ? sps : Math.max(torchBest, sps);
            }
        } else {
            ctx.err.println(skipTorch ? "bench: --skip-torch; torch_samples_per_s = null"
                    : "bench: PyTorch reference not found or torch not installed; torch_samples_per_s = null");
        }
        out.put("torch", torch);
        out.put("torch_samples_per_s", torchBest == null ? null : (Object) Math.round(torchBest));
        out.put("kernel_2t_vs_torch_best", (torchBest == null || k2 == null) ? null : (Object) round(k2 / torchBest, 2));
        out.put("spark_vs_torch_best", (torchBest == null || spark4096 == null) ? null : (Object) round(spark4096 / torchBest, 2));

        if (json) {
            ctx.out.println(JsonWriter.toJson(out));
        } else {
            ctx.out.printf(Locale.ROOT, "workload W, vector, B=512: %s samples/s on 1 thread, %s on 2%n",
                    out.get("kernel_1t_samples_per_s"), out.get("kernel_2t_samples_per_s"));
            ctx.out.printf(Locale.ROOT, "CPU: %s; vector flags: %s; species %s; %s%n", out.get("cpu_model"),
                    out.get("cpu_vector_flags"), out.get("vector_species"), out.get("vector_kernels"));
            ctx.out.printf(Locale.ROOT, "FMA peak (%d-bit Vector API): %s GFLOP/s on 1 thread, %s on 2%n",
                    FmaPeak.vectorBits(), out.get("fma_peak_1t_gflops"), out.get("fma_peak_2t_gflops"));
            for (String name : skipKernels ? List.<String>of() : kernels) {
                if (out.containsKey(key(name) + "_1t_peak_share")) {
                    ctx.out.printf(Locale.ROOT, "  W %s, B=%s: %s / %s of the FMA peak (1 / 2 threads)%n", name,
                            out.get("peak_share_batch"), out.get(key(name) + "_1t_peak_share"), out.get(key(name) + "_2t_peak_share"));
                }
            }
            ctx.out.printf(Locale.ROOT, "kernels auto: %s; its W rate vs the best backend: %s / %s (1 / 2 threads)%n",
                    out.get("kernels_auto_trial"), out.get("auto_1t_vs_best"), out.get("auto_2t_vs_best"));
            ctx.out.printf(Locale.ROOT, "Spark training loop, global batch 4096: %s samples/s, median step overhead %s ms%n",
                    out.get("spark_local2_samples_per_s"), out.get("spark_step_overhead_ms"));
            ctx.out.printf(Locale.ROOT, "PyTorch reference, best thread setting: %s samples/s%n", out.get("torch_samples_per_s"));
        }
        return ExitCodes.OK;
    }

    /**
     * FMA peak GFLOP/s by thread count (index): 1 and 2 (W's thread counts) and, on a machine with
     * more cores, all of them; the loop is warmed up once, on the first.
     */
    private double[] fmaPeaks() {
        int all = Runtime.getRuntime().availableProcessors();
        double[] peak = new double[Math.max(3, all + 1)];
        for (int t : all > 2 ? new int[] {1, 2, all} : new int[] {1, 2}) {
            FmaPeak.Result p = FmaPeak.measure(t, t == 1 ? 1.0 : 0.0, 5);
            peak[t] = p.gflops();
            ctx.err.printf(Locale.ROOT, "bench: FMA peak (%d-bit Vector API, %d accumulators), %d thread(s): %.1f GFLOP/s%n",
                    FmaPeak.vectorBits(), FmaPeak.ACCUMULATORS, t, p.gflops());
        }
        return peak;
    }

    private File torchScript() {
        String p = torchScript != null ? torchScript : System.getenv("MINE_TORCH_REF");
        if (p == null) {
            p = "../shared/tools/ref_torch_mine.py";
        }
        File f = new File(p);
        File py = new File("/usr/bin/python3");
        return f.isFile() && py.canExecute() ? f : null;
    }

    /** Runs the reference on the workload-W task (20-d x and y); null when torch is missing. */
    private JsonNode runTorch(File script, int threads) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.getPath(), "corr20-2",
                "--steps", Integer.toString(torchSteps), "--batch", "512", "--threads", Integer.toString(threads),
                "--eval", "20000");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
            }
        }
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || last == null || !last.startsWith("{")) {
            ctx.err.println("bench: PyTorch reference did not run (is python3-torch installed?): " + last);
            return null;
        }
        return new ObjectMapper().readTree(last);
    }

    private static String machine() {
        String cpu = Machine.cpuModel();
        return (cpu == null ? "unknown CPU" : cpu) + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version");
    }

    /** A backend name as part of a JSON key: {@code native-blas} -> {@code native_blas}, {@code vector:6x2} -> {@code vector_6x2}. */
    private static String key(String backend) {
        return backend.replace('-', '_').replace(':', '_');
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
