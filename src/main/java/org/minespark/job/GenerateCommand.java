package org.minespark.job;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.minespark.core.SyntheticTasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate}: a synthetic table with known MI, as Parquet plus {@code _truth.json}. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Writes a synthetic data set with closed-form mutual information: Parquet with double columns "
                + "x0..x(D-1), y0..y(D-1), and PATH/_truth.json with the true MI in nats and bits.",
            "Tasks:",
            "  gauss-channel  x ~ N(0, 3 I), y = x + N(0, s I); default D=3, s=0.2: MI = 4.159 nats. "
                + "--mi sets s = 3/(exp(2 MI/D) - 1).",
            "  corr-gaussian  x ~ N(0, I), y = rho x + sqrt(1-rho^2) e; default D=20, MI=2 nats; "
                + "rho = sqrt(1 - exp(-2 MI/D)).",
            "  independent    x, y ~ N(0, I) independent; default D=3; MI = 0.",
            "Row i depends only on (task, --seed, i): the same seed gives the same data for any --partitions."
        })
final class GenerateCommand implements Callable<Integer> {
    private final JobContext ctx;

    @Option(names = "--task", required = true, paramLabel = "TASK",
            description = "gauss-channel, corr-gaussian or independent.")
    String task;

    @Option(names = "--mi", paramLabel = "NATS", description = "Target MI in nats (task default if omitted).")
    Double mi;

    @Option(names = "--dim", paramLabel = "D", description = "Dimension of x and of y (task default if omitted).")
    Integer dim;

    @Option(names = "--rows", required = true, paramLabel = "N", description = "Number of rows.")
    long rows;

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "Output directory (must not exist unless --overwrite).")
    String out;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Data seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
            description = "Partitions (= output files); 0 = Spark's default parallelism (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--overwrite", description = "Replace PATH if it exists (only once the new data set is complete).")
    boolean overwrite;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    GenerateCommand(JobContext ctx) {
        this.ctx = ctx;
    }

    /** Validates the flags (no Spark needed). */
    SyntheticTasks.Task buildTask() {
        if (rows < 1) {
            throw new IllegalArgumentException("--rows must be >= 1, got " + rows);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions must be >= 0 (0 = default parallelism), got " + partitions);
        }
        return SyntheticTasks.create(task, dim, mi);
    }

    @Override
    public Integer call() {
        SyntheticTasks.Task t = buildTask();
        Path written = Jobs.generate(ctx.spark("generate"), t, rows, seed, partitions, out, overwrite);
        ctx.out.println(String.format(Locale.ROOT, "wrote %d rows of %s (dim %d, true MI %.3f nats = %.3f bits) to %s",
                rows, t.name(), t.dimX(), t.trueMiNats(), t.trueMiBits(), Jobs.display(written)));
        return ExitCodes.OK;
    }
}
