package org.minespark.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.minespark.api.MiResult;
import org.minespark.api.MineSpec;
import org.minespark.api.MutualInformation;
import org.minespark.core.SyntheticTasks;
import org.minespark.spark.SyntheticData;

/** The work behind the subcommands, separated from flag parsing. */
final class Jobs {
    static final Set<String> FORMATS = Set.of("parquet", "csv", "orc", "json");

    private Jobs() {
    }

    /** Writes a synthetic data set (Parquet + _truth.json) to {@code out}, atomically. */
    static Path generate(SparkSession spark, SyntheticTasks.Task task, long rows, long seed, int partitions,
                         String out, boolean overwrite) {
        FileSystem fs = OutputDir.fileSystem(out, spark.sparkContext().hadoopConfiguration());
        try (OutputDir dir = OutputDir.begin(fs, out, overwrite, "--out")) {
            Dataset<Row> df = SyntheticData.generate(spark, task, rows, seed, partitions);
            df.write().mode(SaveMode.Overwrite).parquet(dir.tmp().toString());
            dir.writeText(Truth.FILE, JsonWriter.toJson(Truth.toMap(task, rows, seed)));
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
        } catch (RuntimeException e) {
            if (e instanceof InputDataException) {
                throw e;
            }
            throw new InputDataException("cannot read --input " + input + " as " + format + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** Every selected top-level column must exist (a dotted name is left to Spark to resolve). */
    static void checkColumns(Dataset<Row> df, MineSpec spec, String input) {
        List<String> have = Arrays.asList(df.columns());
        List<String> missing = new ArrayList<>();
        for (String c : spec.xColumns()) {
            if (!have.contains(c) && !c.contains(".")) {
                missing.add("--x " + c);
            }
        }
        for (String c : spec.yColumns()) {
            if (!have.contains(c) && !c.contains(".")) {
                missing.add("--y " + c);
            }
        }
        if (!missing.isEmpty()) {
            throw new InputDataException("column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " not found in " + input + " (columns: " + String.join(", ", have) + ")");
        }
    }

    /**
     * Reads the input, trains, evaluates and writes DIR/result.json, result.parquet,
     * training_curve.csv and training_curve.png atomically; prints the summary line and the path.
     */
    static MiResult estimate(JobContext ctx, SparkSession spark, String input, String format, MineSpec spec,
                             String out, boolean overwrite) {
        Dataset<Row> df = read(spark, input, format);
        checkColumns(df, spec, input);
        FileSystem inFs;
        Path qualifiedInput;
        try {
            Path p = new Path(input);
            inFs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            qualifiedInput = inFs.makeQualified(p);
        } catch (IOException e) {
            throw new InputDataException("--input " + input + " is not accessible: " + e.getMessage(), e);
        }
        double truth = Truth.miNats(Truth.read(inFs, input));
        FileSystem outFs = OutputDir.fileSystem(out, spark.sparkContext().hadoopConfiguration());
        try (OutputDir dir = OutputDir.begin(outFs, out, overwrite, "--out")) {
            MiResult r = MutualInformation.estimate(df, spec, ConsoleProgress.forConsole(ctx.err));
            Map<String, Object> fields = ResultFiles.resultMap(r, spec, qualifiedInput.toString(), format, truth,
                    spark.version());
            ResultFiles.write(spark, dir, fields, r.curve(), truth);
            dir.commit();
            ctx.out.println(summary(r, truth));
            ctx.out.println("results: " + display(dir.target()));
            return r;
        }
    }

    /** {@code MI estimate: 4.12 nats (5.94 bits), 95% CI [4.05, 4.19], truth 4.159 nats}. */
    static String summary(MiResult r, double truthNats) {
        String s = String.format(Locale.ROOT, "MI estimate: %.2f nats (%.2f bits), 95%% CI [%.2f, %.2f]",
                r.miNats(), r.miBits(), r.ci95LowNats(), r.ci95HighNats());
        if (Double.isFinite(truthNats)) {
            s += String.format(Locale.ROOT, ", truth %.3f nats", truthNats);
        }
        return s;
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
