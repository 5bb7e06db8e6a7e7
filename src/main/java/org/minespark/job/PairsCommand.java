package org.minespark.job;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.minespark.spec.MineSpec;
import org.minespark.api.MutualInformation;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pairs}: MI of many column pairs (or each column vs targets) in one job, with a run-date table and drift. */
@Command(name = "pairs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Estimates the mutual information of many pairs of columns in one job: with --target, every listed "
                + "column against each target; without, all unordered pairs of the listed columns. All pairs' "
                + "critics train on the same minibatches in the same steps; each pair gets a permutation-test "
                + "p-value and its own early stopping (converged / still_increasing / diverged flags).",
            "A column may be numeric, array<numeric>, a Spark ML Vector or a string (one-hot of the K most "
                + "frequent values plus \"other\"); --groups makes a named group of columns act as one column.",
            "Writes DIR/results/run_date=D/ (Parquet table partitioned by run date; re-running a date replaces "
                + "only that partition, atomically) and DIR/reports/run_date=D/{pairs.csv,pairs.json,pairs.png,drift.csv}."
        })
final class PairsCommand implements Callable<Integer> {
    /**
     * Default of {@code mine.pairs.drift-min-nats}: near 0 nats the held-out CIs of an independent
     * pair are a few thousandths of a nat wide, so changes far below anything meaningful would
     * otherwise count as drift.
     */
    static final double DEFAULT_DRIFT_MIN_NATS = 0.01;

    private final JobContext ctx;

    @Option(names = "--input", paramLabel = "PATH", description = "Input table (file or directory); or --table.")
    String input;

    @Option(names = "--table", paramLabel = "NAME",
            description = "Input table of the session's catalog (e.g. db.features; Hive, Delta or Iceberg through the "
                + "Spark configuration); or --input.")
    String table;

    @Option(names = "--format", paramLabel = "FMT",
            description = "parquet, csv (header, inferred types), orc or json; default from the extension, else parquet.")
    String format;

    @Option(names = "--columns", required = true, split = ",", splitSynopsisLabel = ",", paramLabel = "COL",
            description = "Columns (or group names from --groups), comma-separated.")
    List<String> columns;

    @Option(names = "--target", split = ",", splitSynopsisLabel = ",", paramLabel = "T",
            description = "Target column(s) or group(s): estimate every --columns entry against each target.")
    List<String> targets;

    @Option(names = "--groups", paramLabel = "FILE",
            description = "HOCON/JSON file of named column groups, e.g. 'geo = [lat, lon]'; a group name may be used in --columns and --target.")
    Path groups;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (results table and reports).")
    String out;

    @Option(names = "--run-date", paramLabel = "YYYY-MM-DD", description = "Partition of this run (default: today, UTC).")
    String runDate;

    @Option(names = "--categorical-top-k", paramLabel = "K",
            description = "One-hot of the K most frequent values of a string column plus \"other\" (mine.pairs.categorical-top-k, default "
                + PairsSpec.DEFAULT_CATEGORICAL_TOP_K + ").")
    Integer topK;

    @Option(names = "--pairs-per-pass", paramLabel = "N",
            description = "Pairs trained together per pass over the cached data (mine.pairs.pairs-per-pass, default "
                + PairsSpec.DEFAULT_PAIRS_PER_PASS + ").")
    Integer pairsPerPass;

    @Option(names = "--correction", paramLabel = "NAME",
            description = "Multiple-testing correction over the run's pairs: bh (Benjamini-Hochberg q-values), holm or "
                + "none; dependent uses the adjusted value (mine.pairs.correction, default "
                + PairsSpec.DEFAULT_CORRECTION + ").")
    String correction;

    @Option(names = "--screen", paramLabel = "on|off",
            description = "Screen the pairs with the plug-in estimate before training and train only those that pass "
                + "(mine.pairs.screen, default on; off trains every pair).")
    String screen;

    @Option(names = "--screen-alpha", paramLabel = "A",
            description = "The screen's level: train a pair when its G-test q-value is <= A (mine.pairs.screen-alpha, "
                + "default " + PairsSpec.DEFAULT_SCREEN_ALPHA + "; in (0, 1]).")
    Double screenAlpha;

    @Option(names = "--train-top", paramLabel = "N",
            description = "Train the N screened pairs of highest plug-in value instead (mine.pairs.train-top, default 0 ="
                + " the screen's level decides).")
    Integer trainTop;

    @Option(names = "--max-null-fraction", paramLabel = "F",
            description = "Skip a column whose share of nulls is above F (mine.pairs.max-null-fraction, default "
                + PairsSpec.DEFAULT_MAX_NULL_FRACTION + ").")
    Double maxNullFraction;

    @Option(names = "--max-levels", paramLabel = "K",
            description = "Skip a string column with more than K distinct values (mine.pairs.max-levels, default "
                + PairsSpec.DEFAULT_MAX_LEVELS + ").")
    Integer maxLevels;

    @Option(names = "--nulls", paramLabel = "drop|category",
            description = "Null policy of string columns: drop the row, or make null a level of its own "
                + "(mine.pairs.nulls, default drop).")
    String nulls;

    @Option(names = "--drift-min-nats", paramLabel = "NATS",
            description = "drift.csv lists a pair only when its estimate moved beyond both runs' 95%% CIs and by at "
                + "least NATS (mine.pairs.drift-min-nats, default " + DEFAULT_DRIFT_MIN_NATS + "; >= 0).")
    Double driftMinNats;

    @Option(names = "--baseline", paramLabel = "B",
            description = "What drift and the became-* alert rules compare with: previous (the latest earlier run), "
                + "rolling:N (mean and spread of the last N runs) or date:YYYY-MM-DD (mine.pairs.baseline, default previous).")
    String baseline;

    @Option(names = "--alerts", paramLabel = "FILE",
            description = "HOCON file of alert rules (docs/cli.md); fired alerts go to alerts.json and the summary, and "
                + "the command exits with " + ExitCodes.ALERTS + ".")
    Path alerts;

    @Option(names = "--segment-by", paramLabel = "COL",
            description = "Analyse each of the --segments most frequent values of COL (plus \"other\") on its own rows.")
    String segmentBy;

    @Option(names = "--segments", paramLabel = "K",
            description = "The number of top values of --segment-by (mine.pairs.segments, default 5).")
    Integer segments;

    @Option(names = "--mrmr-top", paramLabel = "N",
            description = "With --target: the mRMR order of the N most relevant features per target (mrmr_rank, "
                + "mrmr_score; mine.pairs.mrmr-top, default 50; 0 = none).")
    Integer mrmrTop;

    @Option(names = "--results-table", paramLabel = "NAME",
            description = "Also write the results into this catalog table, partitioned by run_date (a re-run of a date "
                + "replaces that date's rows only); created when missing.")
    String resultsTable;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    PairsCommand(JobContext ctx) {
        this.ctx = ctx;
    }

    /** The run date: {@code --run-date} or today in UTC. */
    LocalDate runDate() {
        if (runDate == null) {
            return LocalDate.now(ZoneOffset.UTC);
        }
        try {
            return LocalDate.parse(runDate);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--run-date: '" + runDate + "' is not a date YYYY-MM-DD");
        }
    }

    /** Group name to columns from a HOCON/JSON file of {@code name = [c1, c2, ...]} entries. */
    static Map<String, List<String>> readGroups(Path file) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (file == null) {
            return m;
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--groups: no such file: " + file);
        }
        Config c;
        try {
            c = ConfigFactory.parseFile(new File(file.toString()), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--groups " + file + ": " + e.getMessage(), e);
        }
        for (Map.Entry<String, ConfigValue> e : c.root().entrySet()) {
            ConfigValue v = e.getValue();
            if (v.valueType() != ConfigValueType.LIST) {
                throw new IllegalArgumentException("--groups " + file + ": group '" + e.getKey()
                        + "' must be a list of column names, e.g. " + e.getKey() + " = [a, b], got " + v.valueType());
            }
            List<String> cols = new ArrayList<>();
            for (Object o : (List<?>) v.unwrapped()) {
                cols.add(String.valueOf(o));
            }
            if (cols.isEmpty()) {
                throw new IllegalArgumentException("--groups " + file + ": group '" + e.getKey() + "' has no columns");
            }
            if (new HashSet<>(cols).size() != cols.size()) {
                throw new IllegalArgumentException("--groups " + file + ": group '" + e.getKey() + "' lists a column twice: " + cols);
            }
            m.put(e.getKey(), cols);
        }
        return m;
    }

    /** The units and pairs of the run: every column vs each target, or all unordered pairs. */
    static PairsSpec pairsSpec(List<String> columns, List<String> targets, Map<String, List<String>> groups, int topK,
                               List<Integer> hidden, int perPass) {
        try {
            PairsSpec ps = targets != null && !targets.isEmpty() ? PairsSpec.againstTargets(columns, targets, groups)
                    : PairsSpec.allPairs(columns, groups);
            return ps.withCategoricalTopK(topK).withHidden(hidden).withPairsPerPass(perPass);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m.startsWith("categorical-top-k")) {
                m = "--categorical-top-k / " + MineConfig.PAIRS_TOP_K + ": " + m;
            } else if (m.startsWith("pairs-per-pass")) {
                m = "--pairs-per-pass / " + MineConfig.PAIRS_PER_PASS + ": " + m;
            } else if (m.startsWith("hidden")) {
                m = "--hidden / " + MineConfig.PAIRS_HIDDEN + ": " + m;
            } else {
                throw e;
            }
            throw new IllegalArgumentException(m, e);
        }
    }

    @Override
    public Integer call() {
        if ((input == null) == (table == null)) {
            throw new IllegalArgumentException(input == null ? "pairs needs an input: --input PATH or --table NAME"
                    : "--input " + input + " and --table " + table + ": give one of them, not both");
        }
        Map<String, Object> flags = training.overrides();
        Object[][] pairsFlags = {{MineConfig.PAIRS_TOP_K, topK}, {MineConfig.PAIRS_PER_PASS, pairsPerPass},
            {MineConfig.PAIRS_DRIFT_MIN_NATS, driftMinNats}, {MineConfig.PAIRS_CORRECTION, correction},
            {MineConfig.PAIRS_SCREEN, screen}, {MineConfig.PAIRS_SCREEN_ALPHA, screenAlpha},
            {MineConfig.PAIRS_TRAIN_TOP, trainTop}, {MineConfig.PAIRS_MAX_NULL_FRACTION, maxNullFraction},
            {MineConfig.PAIRS_MAX_LEVELS, maxLevels}, {MineConfig.PAIRS_NULLS, nulls},
            {MineConfig.PAIRS_BASELINE, baseline}, {MineConfig.PAIRS_SEGMENTS, segments},
            {MineConfig.PAIRS_MRMR_TOP, mrmrTop}};
        for (Object[] f : pairsFlags) {
            if (f[1] != null) {
                flags.put((String) f[0], f[1]);
            }
        }
        Config c = MineConfig.load(training.config, flags);
        Units units = MineConfig.units(c);
        double driftMin = driftMinNats(c);
        MineSpec spec = MineConfig.toSpec(c, List.of("x"), List.of("y"));
        if (spec.nullRetrain() > 0) {
            throw new IllegalArgumentException("--null-retrain / " + MineConfig.NULL_RETRAIN + " is for estimate only:"
                    + " it trains R more critics per pair (R x the pairs' training cost), which a whole-table run cannot"
                    + " afford; pairs reports each pair's permutation-test p-value (--permutations) instead. Got "
                    + spec.nullRetrain() + ", expected 0; run estimate on a pair to retrain its null");
        }
        List<Integer> hidden = training.hidden != null ? training.hidden : c.getIntList(MineConfig.PAIRS_HIDDEN);
        PairsSpec ps = pairsSpec(columns, targets, readGroups(groups), c.getInt(MineConfig.PAIRS_TOP_K), hidden,
                c.getInt(MineConfig.PAIRS_PER_PASS)).withTraining(spec);
        ps = PairsSettings.apply(c, ps);
        LocalDate date = runDate();
        String fmt = input == null ? null : Jobs.resolveFormat(format, input);
        Baseline base = PairsSettings.baseline(c);
        int k = PairsSettings.segments(c);
        java.util.Set<String> pairNames = new java.util.HashSet<>();
        ps.pairs().forEach(p -> pairNames.add(p.get(0) + " ~ " + p.get(1)));
        AlertRules rules = AlertRules.read(alerts, ps.units().keySet(), pairNames);
        PairsRun.Plan plan = new PairsRun.Plan(input, fmt, table, out, date, targets != null && !targets.isEmpty(), units,
                driftMin, base, rules, segmentBy, k, resultsTable, PairsSettings.mrmrTop(c));
        return PairsRun.run(ctx, ctx.spark("pairs"), ps, plan);
    }

    /** {@code mine.pairs.drift-min-nats}: a finite number >= 0, else the message names the flag, key and value. */
    static double driftMinNats(Config c) {
        String where = c.hasPath(MineConfig.PAIRS_DRIFT_MIN_NATS)
                ? " (" + c.getValue(MineConfig.PAIRS_DRIFT_MIN_NATS).origin().description() + ")" : "";
        double v;
        try {
            v = c.getDouble(MineConfig.PAIRS_DRIFT_MIN_NATS);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--drift-min-nats / " + MineConfig.PAIRS_DRIFT_MIN_NATS
                    + ": expected a number of nats >= 0" + where, e);
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("--drift-min-nats / " + MineConfig.PAIRS_DRIFT_MIN_NATS
                    + ": must be a finite number >= 0, got " + v + where);
        }
        return v;
    }

    /**
     * One console line of the summary in {@code u}: {@code a ~ t   0.803 nats  95% CI [0.74, 0.86]  FLAGS};
     * in bits the CI carries the unit too, as in the estimate summary. The files keep both units.
     */
    static String summaryLine(PairResult r, String flags, Units u) {
        return String.format(Locale.ROOT, "%-40s %8s %s  95%% CI [%s, %s]%s  %s", r.pair(),
                PairsOutput.num(u.fromNats(r.miNats())), u.label(), PairsOutput.num(u.fromNats(r.ci95Low())),
                PairsOutput.num(u.fromNats(r.ci95High())), u == Units.NATS ? "" : " " + u.label(), flags);
    }
}
