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
                + "x0..x(D-1), y0..y(D-1) (binary-tensor: array<double> columns x, y), and PATH/_truth.json "
                + "with the true MI in nats and bits and the column names.",
            "Tasks:",
            "  gauss-channel  x ~ N(0, 3 I), y = x + N(0, s I); default D=3, s=0.2: MI = 4.159 nats. "
                + "--mi sets s = 3/(exp(2 MI/D) - 1).",
            "  corr-gaussian  x ~ N(0, I), y = rho x + sqrt(1-rho^2) e; default D=20, MI=2 nats; "
                + "rho = sqrt(1 - exp(-2 MI/D)).",
            "  independent    x, y ~ N(0, I) independent; default D=3; MI = 0.",
            "  cubic          corr-gaussian with y -> y^3 (invertible, MI unchanged); default D=20, MI=2 nats.",
            "  uniform-noise  x ~ U(0,1)^D, y = x + U(-eps, eps)^D; default D=1, eps=0.1: MI = D (eps - ln 2 eps) "
                + "= 1.709 nats. --epsilon in (0, 0.5], or --mi >= D/2 solves for eps.",
            "  binary-tensor  (seed 000) x uniform on {-1,1}^(P D), y = x + s, s uniform on {-1,1}^(P D); "
                + "default D=7, P=1: MI = P D ln(2)/2 = 2.426 nats.",
            "Staircase: corr-gaussian and cubic at --mi 2, 4, 6, 8, 10 (D=20) are the accuracy levels.",
            "Row i depends only on (task, --seed, i): the same seed gives the same data for any --partitions."
        })
final class GenerateCommand implements Callable<Integer> {
    private final JobContext ctx;

    @Option(names = "--task", required = true, paramLabel = "TASK",
            description = "gauss-channel, corr-gaussian, independent, cubic, uniform-noise or binary-tensor.")
    String task;

    @Option(names = "--mi", paramLabel = "NATS", description = "Target MI in nats (task default if omitted).")
    Double mi;

    @Option(names = "--dim", paramLabel = "D",
            description = "Dimension of x and of y; for binary-tensor the width of one vector (task default if omitted).")
    Integer dim;

    @Option(names = "--epsilon", paramLabel = "EPS",
            description = "uniform-noise only: noise half-width in (0, 0.5] (default " + SyntheticTasks.DEFAULT_EPSILON + ").")
    Double epsilon;

    @Option(names = "--positions", paramLabel = "P",
            description = "binary-tensor only: vectors per row; x and y hold P x D values, MI scales with P (default 1).")
    Integer positions;

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
        return SyntheticTasks.create(task, dim, mi, epsilon, positions);
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
