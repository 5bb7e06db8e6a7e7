package org.minespark.job;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.minespark.spec.MiResult;
import org.minespark.spec.TrainingInterval;
import org.minespark.spec.MineSpec;
import org.minespark.api.MutualInformation;
import org.minespark.api.Datasets;
import org.minespark.core.FeatureTable;
import org.minespark.core.SyntheticTasks;

/** The work behind the subcommands, separated from flag parsing. */
final class Jobs {
    static final Set<String> FORMATS = Set.of("parquet", "csv", "orc", "json");

    private Jobs() {
    }

    /** Writes a synthetic data set (Parquet + _truth.json) to {@code out}, atomically. */
    static Path generate(SparkSession spark, SyntheticTasks.Task task, long rows, long seed, int partitions,
                         String out, boolean overwrite) {
        return write(spark, Datasets.synthetic(spark, task, rows, seed, partitions), Truth.toMap(task, rows, seed), out,
                overwrite);
    }

    /** Writes a generated feature table (Parquet + _truth.json with its planted pairs) to {@code out}, atomically. */
    static Path generate(SparkSession spark, FeatureTable table, long rows, int partitions, String out,
                         boolean overwrite) {
        return write(spark, Datasets.featureTable(spark, table, rows, partitions), Truth.toMap(table, rows), out,
                overwrite);
    }

    private static Path write(SparkSession spark, Dataset<Row> df, Map<String, Object> truth, String out,
                              boolean overwrite) {
        FileSystem fs = OutputDir.fileSystem(out, spark.sparkContext().hadoopConfiguration());
        try (OutputDir dir = OutputDir.begin(fs, out, overwrite, "--out")) {
            df.write().mode(SaveMode.Overwrite).parquet(dir.tmp().toString());
            dir.writeText(Truth.FILE, JsonWriter.toJson(truth));
            dir.commit();
            return dir.target();
        }
    }

    /** The format to read: {@code given} if set, else from the input's extension, else parquet. */
    static String resolveFormat(String given, String input) {
        if (given != null) {
            String f = given.trim().toLowerCase(Locale.ROOT);
            if (!FORMATS.contains(f)) {
                throw new IllegalArgumentException("--format: unknown format '" + given + "', expected one of parquet, csv, orc, json");
            }
            return f;
        }
        String p = input.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
            return "csv";
        }
        if (p.endsWith(".json") || p.endsWith(".jsonl") || p.endsWith(".ndjson") || p.endsWith(".json.gz")) {
            return "json";
        }
        if (p.endsWith(".orc")) {
            return "orc";
        }
        return "parquet";
    }

    /** Reads the input table; a missing or unreadable input is an {@link InputDataException}. */
    static Dataset<Row> read(SparkSession spark, String input, String format) {
        Path path = new Path(input);
        try {
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            boolean glob = input.chars().anyMatch(ch -> "*?[{".indexOf(ch) >= 0);
            org.apache.hadoop.fs.FileStatus[] matches = glob ? fs.globStatus(path) : null;
            if (glob ? matches == null || matches.length == 0 : !fs.exists(path)) {
                throw new InputDataException("--input " + input + (glob ? " matches no file" : " does not exist"));
            }
        } catch (IOException e) {
            throw new InputDataException("--input " + input + " is not accessible: " + e.getMessage(), e);
        }
        DataFrameReader reader = spark.read().format(format);
        if ("csv".equals(format)) {
            reader = reader.option("header", "true").option("inferSchema", "true");
        }
        try {
            Dataset<Row> df = reader.load(input);
            df.schema();
            return df;
        } catch (Exception e) { // Spark's Scala code may throw the checked SparkException here
            throw new InputDataException("cannot read --input " + input + " as " + format + ": " + rootMessage(e), e);
        }
    }

    private static final java.util.regex.Pattern FAILED_FILE =
            java.util.regex.Pattern.compile("error while reading file (\\S+?)\\.?(\\s|$)");

    /**
     * A failure while the estimator reads the input (a file whose data pages are corrupt although
     * its footer reads, or that is not of the format) as an {@link InputDataException} naming the
     * file; anything else unchanged.
     */
    static RuntimeException readFailure(RuntimeException e, String input, String format) {
        String file = null;
        boolean readError = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String cls = t.getClass().getName();
            String msg = t.getMessage() == null ? "" : t.getMessage();
            java.util.regex.Matcher m = FAILED_FILE.matcher(msg);
            if (file == null && m.find()) {
                file = m.group(1);
            }
            readError |= cls.startsWith("org.apache.parquet.") || cls.startsWith("org.apache.orc.")
                    || msg.contains("FAILED_READ_FILE") || msg.contains("CANNOT_READ_FILE_FOOTER")
                    || msg.contains("MALFORMED_RECORD_IN_PARSING");
        }
        if (!readError) {
            return e;
        }
        return new InputDataException("cannot read --input " + input + " as " + format
                + (file == null ? "" : " (file " + file + ")") + ": " + rootMessage(e), e);
    }

    /**
     * The first line of the most useful message of a chain: the innermost I/O error's if any (it
     * says what was wrong with the bytes), else the innermost message.
     */
    static String rootMessage(Throwable e) {
        String m = null;
        String io = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                m = t.getMessage();
                if (t instanceof IOException) {
                    io = t.getMessage();
                }
            }
        }
        String best = io != null ? io : m;
        return best == null ? e.getClass().getSimpleName() : firstLine(best).trim();
    }

    /**
     * Reads the input, trains, evaluates and writes DIR/result.json, result.parquet,
     * training_curve.csv and training_curve.png atomically; prints the summary line and the path.
     */
    static MiResult estimate(JobContext ctx, SparkSession spark, String input, String format, MineSpec spec,
                             String out, boolean overwrite) {
        return estimate(ctx, spark, input, format, spec, Units.NATS, out, overwrite);
    }

    /** As above, printing the summary and the progress in {@code units}. */
    static MiResult estimate(JobContext ctx, SparkSession spark, String input, String format, MineSpec spec,
                             Units units, String out, boolean overwrite) {
        Dataset<Row> df = read(spark, input, format);
        MutualInformation.checkSchema(df.schema(), spec);
        FileSystem inFs;
        Path qualifiedInput;
        try {
            Path p = new Path(input);
            inFs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            qualifiedInput = inFs.makeQualified(p);
        } catch (IOException e) {
            throw new InputDataException("--input " + input + " is not accessible: " + e.getMessage(), e);
        }
        // _truth.json holds the MI of the whole row; tensor rows are estimated per position vector
        double truthTotal = Truth.miNats(Truth.read(inFs, input));
        double truth = truthTotal / spec.positions();
        FileSystem outFs = OutputDir.fileSystem(out, spark.sparkContext().hadoopConfiguration());
        try (OutputDir dir = OutputDir.begin(outFs, out, overwrite, "--out")) {
            MiResult r;
            try {
                r = MutualInformation.estimate(df, spec, ConsoleProgress.forConsole(ctx.err, units));
            } catch (RuntimeException e) {
                throw readFailure(e, input, format);
            }
            for (String w : r.warnings()) {
                ctx.err.println(Main.PROGRAM + ": warning: " + w);
            }
            Map<String, Object> fields = ResultFiles.resultMap(r, spec, qualifiedInput.toString(), format, truth,
                    spark.version());
            fields.put("units", units.label());
            if (spec.positions() > 1) {
                fields.put("truth_total_nats", Double.isFinite(truthTotal) ? truthTotal : null);
            }
            ResultFiles.write(spark, dir, fields, r, truth, units);
            dir.commit();
            ctx.out.println(summary(r, truth, units));
            ctx.out.println("results: " + display(dir.target()));
            return r;
        }
    }

    /** {@code MI estimate: 4.12 nats (5.94 bits), 95% CI [4.05, 4.19], truth 4.159 nats}. */
    static String summary(MiResult r, double truthNats) {
        return summary(r, truthNats, Units.NATS);
    }

    /**
     * The summary in {@code u} (the other unit in brackets), e.g.
     * {@code MI estimate: 5.94 bits (4.12 nats), 95% CI [5.84, 6.04] bits, truth 6.000 bits; converged
     * (early stop after step 1750 of 3000, best step 1500)}. The CI of the nats form carries no
     * unit (as before units were selectable).
     */
    static String summary(MiResult r, double truthNats, Units u) {
        // near the estimator's limit: a lower bound, with a one-sided interval
        boolean lower = r.interval().oneSided();
        String ci = lower ? String.format(Locale.ROOT, "a lower bound (near the estimator's limit): 95%% one-sided CI"
                + " [%.2f, inf)", u.fromNats(r.ci95LowNats()))
                : String.format(Locale.ROOT, "95%% CI [%.2f, %.2f]", u.fromNats(r.ci95LowNats()), u.fromNats(r.ci95HighNats()));
        String s = String.format(Locale.ROOT, "MI estimate: %s%.2f %s (%.2f %s), %s%s", lower ? "at least " : "",
                u.fromNats(r.miNats()), u.label(), u.other().fromNats(r.miNats()), u.other().label(), ci,
                u == Units.NATS ? "" : " " + u.label());
        if (r.positions() > 1) {
            s += " per position vector";
        }
        if (MiResult.STATUS_CONSTANT.equals(r.status())) {
            s += " (exact: a constant column group, no training)";
        }
        if (Double.isFinite(truthNats)) {
            s += String.format(Locale.ROOT, ", truth %.3f %s", u.fromNats(truthNats), u.label());
        }
        if (r.positions() > 1) {
            s += String.format(Locale.ROOT, "; total over %d positions %.2f %s, 95%% CI [%.2f, %.2f]", r.positions(),
                    u.fromNats(r.miTotalNats()), u.label(), u.fromNats(r.ci95TotalLowNats()),
                    u.fromNats(r.ci95TotalHighNats()));
            if (Double.isFinite(truthNats)) {
                s += String.format(Locale.ROOT, ", truth %.3f %s", u.fromNats(truthNats * r.positions()), u.label());
            }
        }
        String replicates = TrainingInterval.METHOD_REPLICATES.equals(r.interval().method())
                ? String.format(Locale.ROOT, "; CI over %d replicate critics", r.interval().estimatesNats().length) : "";
        return s + convergenceNote(r) + significanceNote(r) + replicates;
    }

    /**
     * "; dependent (p = 0.01)", "; no evidence of dependence (p = 0.43)"; empty without a test (constant
     * columns); with {@code --null-retrain R} followed by "; retrained null (R critics) p = 0.05".
     */
    static String significanceNote(MiResult r) {
        MiResult.Significance g = r.significance();
        String s = MiResult.Significance.TEST_NONE.equals(g.test()) ? "" : "; " + g.describe();
        MiResult.RetrainedNull n = r.retrainedNull();
        if (n.critics() > 0) {
            s += String.format(Locale.ROOT, "; retrained null (%d critics) p = %s", n.critics(),
                    new java.math.BigDecimal(n.pValue()).round(new java.math.MathContext(2)).stripTrailingZeros()
                            .toPlainString());
        }
        return s;
    }

    /** "; converged (...)", "; still increasing ..." etc., empty without validation or retry. */
    static String convergenceNote(MiResult r) {
        MiResult.Convergence c = r.convergence();
        StringBuilder sb = new StringBuilder();
        if (c.diverged()) {
            sb.append("; diverged at first, retried at learning rate ").append(new java.math.BigDecimal(c.retriedLearningRate())
                    .round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString());
        }
        if (c.nValidation() == 0) {
            return sb.toString();
        }
        if (c.converged()) {
            sb.append(String.format(Locale.ROOT, "; converged (%d steps run, best step %d)", r.steps(), c.bestStep()));
        } else if (c.stillIncreasing()) {
            sb.append(String.format(Locale.ROOT, "; still increasing after %d steps: train longer (--steps)", r.steps()));
        } else {
            sb.append(String.format(Locale.ROOT, "; not converged (%d steps run, best step %d)", r.steps(), c.bestStep()));
        }
        return sb.toString();
    }

    /** A local path without the {@code file:} scheme, anything else as is. */
    static String display(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
