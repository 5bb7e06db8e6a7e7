package org.minespark.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.minespark.spec.MineSpec;
import org.minespark.core.SyntheticTasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the seed-002 Gaussian channel end to end: generate into DIR/data (reused when a
 * data set with the same task, rows and seed is already there), estimate x0,x1,x2 vs y0,y1,y2 into
 * DIR/result (replacing the demo's previous result).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs the seed-002 Gaussian channel end to end: x ~ N(0, 3 I_3), y = x + N(0, 0.2 I_3), "
                + "true MI = 1.5 ln 16 = 4.159 nats (6 bits).",
            "Generates DIR/data with data seed = --seed (kept and reused for the same --rows and --seed), estimates "
                + "x0,x1,x2 vs y0,y1,y2 into DIR/result (replaced on each run) and prints the summary line."
        })
final class DemoCommand implements Callable<Integer> {
    private final JobContext ctx;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "200000", description = "Rows to generate (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "mine-demo", description = "Demo directory (default: ${DEFAULT-VALUE}).")
    String out;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    DemoCommand(JobContext ctx) {
        this.ctx = ctx;
    }

    MineSpec buildSpec() {
        return MineConfig.toSpec(MineConfig.load(training.config, training.overrides()),
                Truth.columns("x", 3), Truth.columns("y", 3));
    }

    @Override
    public Integer call() {
        if (rows < 10) {
            throw new IllegalArgumentException("--rows must be >= 10, got " + rows);
        }
        MineSpec spec = buildSpec();
        Units units = MineConfig.units(MineConfig.load(training.config, training.overrides()));
        SyntheticTasks.Task task = SyntheticTasks.create(SyntheticTasks.GAUSS_CHANNEL, null, null);
        SparkSession spark = ctx.spark("demo");
        String data = new Path(out, "data").toString();
        String result = new Path(out, "result").toString();
        long seed = spec.seed();
        if (reusable(spark, data, task, rows, seed)) {
            ctx.err.println("demo: reusing the data set in " + data);
        } else {
            ctx.err.println(String.format(Locale.ROOT, "demo: generating %d rows of %s (true MI %.3f nats) into %s",
                    rows, task.name(), task.trueMiNats(), data));
            Jobs.generate(spark, task, rows, seed, 0, data, true);
        }
        Jobs.estimate(ctx, spark, data, "parquet", spec, units, result, true);
        return ExitCodes.OK;
    }

    /** True when {@code data/_truth.json} describes exactly this task, row count and seed. */
    static boolean reusable(SparkSession spark, String data, SyntheticTasks.Task task, long rows, long seed) {
        try {
            FileSystem fs = new Path(data).getFileSystem(spark.sparkContext().hadoopConfiguration());
            JsonNode t = Truth.read(fs, data);
            return t != null
                    && task.name().equals(t.path("task").asText())
                    && t.path("rows").asLong(-1) == rows
                    && t.path("seed").isIntegralNumber() && t.path("seed").asLong() == seed
                    && t.path("dim").asInt(-1) == task.dimX()
                    && Math.abs(t.path("mi_nats").asDouble(Double.NaN) - task.trueMiNats()) < 1e-12;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
