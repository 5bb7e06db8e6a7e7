package org.minespark.job;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.minespark.core.BeyondNormalTasks;
import org.minespark.core.CodeTasks;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.api.MutualInformation;
import org.minespark.api.Datasets;
import org.minespark.core.SyntheticTasks;
import org.minespark.core.TaskOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code accuracy}: every generated task with every bound, in one Spark session (data generated in
 * process, nothing written but the table), into a markdown table plus a JSON of the same rows.
 */
@Command(name = "accuracy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Estimates every generated task with every bound in one Spark session and writes a markdown table "
                + "(task, truth, bound, estimate, CI95, relative error, p-value, flags/status, seconds; plus machine, "
                + "date, settings and command line) to --out, and the same rows as JSON next to it (FILE.json). "
                + "Both also give the coverage: the share of runs whose CI95 contains the truth, per bound and overall, "
                + "over all runs and over the unflagged ones (not near_estimator_limit, status ok), and for tasks "
                + "with truth 0 the share of seeds with p > 0.05 and a CI containing 0.",
            "Tasks (ids for --tasks; a family name selects all its levels): gauss-channel (d=3, 4.159 nats), "
                + "binary-tensor (7-vector, 2.426 nats), corr-gaussian:2 .. corr-gaussian:10 and cubic:2 .. cubic:10 "
                + "(d=20, the staircase 2, 4, 6, 8, 10 nats), uniform-noise (d=1, eps=0.1, 1.709 nats), independent (d=3, 0).",
            "--suite bmi runs the bmi-style tasks (Czyz et al. 2023) instead: student-t:1x1-dof1, student-t:2x2-dof2, "
                + "student-t:5x5-dof3, asinh-student-t:1x1-dof1, half-cube, asinh, spiral, swiss-roll, additive-uniform:1x1-eps0.75, "
                + "additive-uniform:5x5-eps0.75 (task uniform-noise), discrete-symbols, mixed-discrete-continuous (defaults of 'generate'); "
                + "--suite codes runs the code tasks of the per-value encoding (--encoding): code-column (K=1000 integer codes, "
                + "y = g[x] + 0.5 z with a random lookup table g, MI by quadrature) and string-levels (200 string levels, "
                + "y = x w.p. 0.3 else another level, 0.98 nats). --suite all runs all three. --tasks picks ids or "
                + "families from every suite.",
            "Data seed = training seed = --seed. --seeds N runs each task with each bound N times, with the seeds "
                + "--seed, --seed + 1, .., --seed + N - 1 (data and training); the table then has a seed column and a "
                + "per-task summary over the seeds (mean estimate, sd, mean relative error, covered k/n). A run that "
                + "fails is recorded with its error and the table goes on. The table and the JSON are written to a temporary file and moved into place at the end.",
            "The full default run (14 tasks x 5 bounds = 70 runs at 200000 rows, 3000 steps) takes 1.5 to 3 hours on 2 cores "
                + "(95 to 195 s per run measured on a shared machine), times --seeds. --suite bmi is 12 tasks x 5 bounds "
                + "= 60 runs (not yet timed)."
        })
final class AccuracyCommand implements Callable<Integer> {
    static final long DEFAULT_ROWS = 200_000L;
    static final String DEFAULT_OUT = "docs/accuracy.md";
    static final String DEFAULT_SUITE = "default";
    static final List<String> SUITES = List.of(DEFAULT_SUITE, "bmi", "codes", "all");
    /** The id family of the bmi suite's {@code uniform-noise} cases (kept apart from the default suite's {@code uniform-noise}). */
    static final String ADDITIVE_UNIFORM = "additive-uniform";

    private final JobContext ctx;

    @Spec
    CommandSpec commandSpec;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "200000",
            description = "Rows generated per task (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--tasks", paramLabel = "ID", split = ",", splitSynopsisLabel = ",",
            description = "Task ids or families of any suite, comma-separated (default: every task of --suite).")
    List<String> tasks;

    @Option(names = "--suite", paramLabel = "NAME", defaultValue = DEFAULT_SUITE,
            description = "default (the Gaussian staircase and the seed tasks), bmi (the bmi-style tasks) or all "
                    + "(default: ${DEFAULT-VALUE}); ignored when --tasks is given.")
    String suite;

    @Option(names = "--bounds", paramLabel = "NAME", split = ",", splitSynopsisLabel = ",",
            description = "Bounds, comma-separated, of dv, dv-biased, nwj, infonce, smile (default: all).")
    List<String> bounds;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
            description = "Seeds per task and bound: --seed, --seed + 1, .. (data and training; default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = DEFAULT_OUT,
            description = "Markdown table (default: ${DEFAULT-VALUE}); the JSON goes to FILE with .json.")
    Path out;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    AccuracyCommand(JobContext ctx) {
        this.ctx = ctx;
    }

    /** One task of the table: an id ({@code corr-gaussian:6}) and its generator. */
    record Case(String id, SyntheticTasks.Task task) {
    }

    /** Every task of the default suite, in table order. */
    static List<Case> catalog() {
        List<Case> c = new ArrayList<>();
        c.add(new Case(SyntheticTasks.GAUSS_CHANNEL, SyntheticTasks.create(SyntheticTasks.GAUSS_CHANNEL, null, null)));
        c.add(new Case(SyntheticTasks.BINARY_TENSOR, SyntheticTasks.create(SyntheticTasks.BINARY_TENSOR, null, null)));
        for (String family : List.of(SyntheticTasks.CORR_GAUSSIAN, SyntheticTasks.CUBIC)) {
            for (double mi : SyntheticTasks.STAIRCASE_NATS) {
                c.add(new Case(family + ":" + (int) mi, SyntheticTasks.create(family, 20, mi)));
            }
        }
        c.add(new Case(SyntheticTasks.UNIFORM_NOISE, SyntheticTasks.create(SyntheticTasks.UNIFORM_NOISE, 1, null,
                SyntheticTasks.DEFAULT_EPSILON, null)));
        c.add(new Case(SyntheticTasks.INDEPENDENT, SyntheticTasks.create(SyntheticTasks.INDEPENDENT, null, null)));
        return List.copyOf(c);
    }

    /**
     * The bmi-style tasks (Czyż et al. 2023) at the defaults of {@code generate}, plus bmi's Student-t
     * variants and its additive noise at ε = 0.75 (in 1 and 5 dimensions; the ε = 0.1 case is the
     * default suite's {@code uniform-noise}); none repeats a task of {@link #catalog()}.
     */
    static List<Case> bmiCatalog() {
        List<Case> c = new ArrayList<>();
        c.add(bmi("student-t:1x1-dof1", BeyondNormalTasks.STUDENT_T, 1, Map.of("dof", 1.0)));
        c.add(bmi("student-t:2x2-dof2", BeyondNormalTasks.STUDENT_T, 2, Map.of("dof", 2.0)));
        c.add(bmi("student-t:5x5-dof3", BeyondNormalTasks.STUDENT_T, 5, Map.of("dof", 3.0)));
        c.add(bmi("asinh-student-t:1x1-dof1", BeyondNormalTasks.ASINH_STUDENT_T, 1, Map.of("dof", 1.0)));
        for (String n : List.of(BeyondNormalTasks.HALF_CUBE, BeyondNormalTasks.ASINH, BeyondNormalTasks.SPIRAL, BeyondNormalTasks.SWISS_ROLL)) {
            c.add(bmi(n, n, null, Map.of()));
        }
        for (int d : new int[] {1, 5}) {
            c.add(new Case(ADDITIVE_UNIFORM + ":" + d + "x" + d + "-eps0.75",
                    SyntheticTasks.create(SyntheticTasks.UNIFORM_NOISE, d, null, 0.75, null)));
        }
        c.add(bmi(BeyondNormalTasks.DISCRETE_SYMBOLS, BeyondNormalTasks.DISCRETE_SYMBOLS, null, Map.of()));
        c.add(bmi(BeyondNormalTasks.MIXED, BeyondNormalTasks.MIXED, null, Map.of()));
        return List.copyOf(c);
    }

    /** The code tasks ({@link CodeTasks}) at the defaults of {@code generate}. */
    static List<Case> codesCatalog() {
        return List.of(bmi(CodeTasks.CODE_COLUMN, CodeTasks.CODE_COLUMN, null, Map.of()),
                bmi(CodeTasks.STRING_LEVELS, CodeTasks.STRING_LEVELS, null, Map.of()));
    }

    private static Case bmi(String id, String task, Integer dim, Map<String, Double> params) {
        return new Case(id, SyntheticTasks.create(task, new TaskOptions(dim, null, null, null, null, params)));
    }

    /** The tasks of {@code --suite}: {@code default}, {@code bmi} or {@code all} (both, default first). */
    static List<Case> suite(String name) {
        String n = name == null ? DEFAULT_SUITE : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case DEFAULT_SUITE:
                return catalog();
            case "bmi":
                return bmiCatalog();
            case "codes":
                return codesCatalog();
            case "all": {
                List<Case> all = new ArrayList<>(catalog());
                all.addAll(bmiCatalog());
                all.addAll(codesCatalog());
                return List.copyOf(all);
            }
            default:
                throw new IllegalArgumentException("--suite: unknown suite '" + name + "', expected one of " + SUITES);
        }
    }

    /** As {@link #selectTasks(List, String)} with the default suite. */
    static List<Case> selectTasks(List<String> ids) {
        return selectTasks(ids, DEFAULT_SUITE);
    }

    /**
     * The cases selected by {@code --tasks} (ids or family names, looked up in every suite), in table
     * order; the whole {@code suite} when {@code ids} is null or empty.
     */
    static List<Case> selectTasks(List<String> ids, String suite) {
        List<Case> chosen = suite(suite);
        if (ids == null || ids.isEmpty()) {
            return chosen;
        }
        List<Case> all = suite("all");
        LinkedHashSet<String> wanted = new LinkedHashSet<>();
        for (String raw : ids) {
            String id = raw.trim().toLowerCase(Locale.ROOT);
            boolean found = false;
            for (Case c : all) {
                if (c.id().equals(id) || c.id().startsWith(id + ":")) {
                    wanted.add(c.id());
                    found = true;
                }
            }
            if (!found) {
                List<String> known = new ArrayList<>();
                all.forEach(c -> known.add(c.id()));
                throw new IllegalArgumentException("--tasks: unknown task '" + raw + "', expected ids or families of " + known);
            }
        }
        List<Case> r = new ArrayList<>();
        for (Case c : all) {
            if (wanted.contains(c.id())) {
                r.add(c);
            }
        }
        return r;
    }

    /** The bounds selected by {@code --bounds}; all when null. */
    static List<String> selectBounds(List<String> names) {
        if (names == null || names.isEmpty()) {
            return MineSpec.BOUNDS;
        }
        LinkedHashSet<String> r = new LinkedHashSet<>();
        for (String raw : names) {
            String b = raw.trim().toLowerCase(Locale.ROOT);
            if (!MineSpec.BOUNDS.contains(b)) {
                throw new IllegalArgumentException("--bounds: unknown bound '" + raw + "', expected some of " + MineSpec.BOUNDS);
            }
            r.add(b);
        }
        return List.copyOf(r);
    }

    @Override
    public Integer call() {
        if (rows < MineSpec.MIN_ROWS) {
            throw new IllegalArgumentException("--rows must be >= " + MineSpec.MIN_ROWS + ", got " + rows);
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
        }
        List<Case> cases = selectTasks(tasks, suite);
        List<String> bs = selectBounds(bounds);
        Config config = MineConfig.load(training.config, training.overrides());
        MineSpec template = MineConfig.toSpec(config, List.of("x"), List.of("y"));
        AccuracyTable.checkWritable(out);
        String commandLine = "mine-submit " + String.join(" ", originalArgs());

        SparkSession spark = ctx.spark("accuracy");
        int total = cases.size() * bs.size() * seeds;
        List<AccuracyTable.Entry> entries = new ArrayList<>(total);
        long start = System.nanoTime();
        int i = 0;
        int failed = 0;
        for (Case c : cases) {
            SyntheticTasks.Task t = c.task();
            MineSpec taskSpec = MineConfig.toSpec(config, Datasets.xColumns(t), Datasets.yColumns(t));
            for (String bound : bs) {
                for (int k = 0; k < seeds; k++) {
                    i++;
                    long seed = template.seed() + k;
                    MineSpec spec = taskSpec.withBound(bound).withSeed(seed);
                    ctx.err.println(String.format(Locale.ROOT, "accuracy: run %d/%d: %s (truth %.3f nats), bound %s%s",
                            i, total, c.id(), t.trueMiNats(), bound, seeds > 1 ? ", seed " + seed : ""));
                    long t0 = System.nanoTime();
                    AccuracyTable.Entry e;
                    try {
                        Dataset<Row> df = Datasets.synthetic(spark, t, rows, seed, spec.partitions());
                        MiResult r = MutualInformation.estimate(df, spec);
                        e = AccuracyTable.Entry.of(c.id(), t.trueMiNats(), bound, seed, r, seconds(t0));
                    } catch (Exception ex) { // Spark's Scala code may throw checked exceptions undeclared
                        failed++;
                        e = AccuracyTable.Entry.failed(c.id(), t.trueMiNats(), bound, seed, Jobs.rootMessage(ex),
                                seconds(t0));
                    }
                    entries.add(e);
                    double elapsed = seconds(start);
                    double eta = elapsed / i * (total - i);
                    ctx.err.println(String.format(Locale.ROOT, "accuracy: run %d/%d done in %.1f s: %s; elapsed %s, ETA %s",
                            i, total, e.seconds(), e.shortResult(), duration(elapsed), duration(eta)));
                }
            }
        }
        Map<String, Object> settings = settings(template, cases, bs);
        Map<String, Object> machine = machine(spark);
        Path json = AccuracyTable.jsonPath(out);
        AccuracyTable.write(out, json, entries, settings, machine, commandLine, seconds(start));
        ctx.out.println(String.format(Locale.ROOT, "wrote %d runs (%d failed) in %s to %s and %s",
                total, failed, duration(seconds(start)), out, json));
        return ExitCodes.OK;
    }

    /** The arguments as given, starting with the subcommand name. */
    private List<String> originalArgs() {
        if (commandSpec == null || commandSpec.commandLine() == null
                || commandSpec.commandLine().getParseResult() == null) {
            return List.of();
        }
        return commandSpec.commandLine().getParseResult().originalArgs();
    }

    private Map<String, Object> settings(MineSpec s, List<Case> cases, List<String> bs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("seed", s.seed());
        m.put("steps", s.steps());
        m.put("batch_size", s.batchSize());
        m.put("learning_rate", ResultFiles.auto(s.learningRate()));
        m.put("lr_final_fraction", s.lrFinalFraction());
        m.put("hidden", s.hidden());
        m.put("ema_alpha", s.emaAlpha());
        m.put("batch_growth", s.batchGrowth());
        m.put("max_batch_size", ResultFiles.auto(s.maxBatchSize()));
        m.put("critic", s.critic());
        m.put("eval_fraction", s.evalFraction());
        m.put("eval_pairings", s.evalPairings());
        m.put("transform", s.transform());
        m.put("encoding", s.encoding());
        m.put("permutations", s.permutations());
        m.put("replicates", s.replicates());
        m.put("max_train_rows", s.maxTrainRows());
        m.put("max_test_rows", s.maxTestRows());
        m.put("partitions", s.partitions());
        m.put("kernels", s.kernels());
        List<Object> ts = new ArrayList<>();
        for (Case c : cases) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", c.id());
            t.put("task", c.task().name());
            t.put("dim_x", c.task().dimX());
            t.put("dim_y", c.task().dimY());
            t.put("mi_nats", c.task().trueMiNats());
            t.put("parameters", new LinkedHashMap<>(c.task().parameters()));
            ts.add(t);
        }
        m.put("tasks", ts);
        m.put("bounds", bs);
        m.put("seeds", seeds);
        return m;
    }

    private static Map<String, Object> machine(SparkSession spark) {
        Map<String, Object> m = new LinkedHashMap<>();
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown";
        }
        m.put("host", host);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("spark", spark.version());
        m.put("master", spark.sparkContext().master());
        m.put("default_parallelism", spark.sparkContext().defaultParallelism());
        return m;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** {@code 42 s}, {@code 3 min 05 s}, {@code 1 h 02 min}. */
    static String duration(double s) {
        long n = Math.round(s);
        if (n < 60) {
            return n + " s";
        }
        if (n < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", n / 60, n % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", n / 3600, (n % 3600) / 60);
    }
}
