package org.minespark.job;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.minespark.core.FeatureTable;
import org.minespark.core.SyntheticTasks;
import org.minespark.core.TaskOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate}: a synthetic table with known MI, as Parquet plus {@code _truth.json}. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Writes a synthetic data set with closed-form mutual information: Parquet with double columns "
                + "x0..x(DX-1), y0..y(DY-1) (binary-tensor: array<double> columns x, y), and PATH/_truth.json "
                + "with the true MI in nats and bits, the parameters and the column names.",
            "Tasks:",
            "  gauss-channel  x ~ N(0, 3 I), y = x + N(0, s I); default D=3, s=0.2: MI = 4.159 nats. "
                + "--mi sets s = 3/(exp(2 MI/D) - 1).",
            "  corr-gaussian  x ~ N(0, I), y = rho x + sqrt(1-rho^2) e; default D=20, MI=2 nats; "
                + "rho = sqrt(1 - exp(-2 MI/D)).",
            "  independent    x, y ~ N(0, I) independent; default D=3; MI = 0.",
            "  cubic          corr-gaussian with y -> y^3 (invertible, MI unchanged); default D=20, MI=2 nats.",
            "  uniform-noise  x ~ U(0,1)^D, y = x + U(-eps, eps)^D; default D=1, eps=0.1: MI = D (eps - ln 2 eps) "
                + "= 1.709 nats for eps <= 0.5, D/(4 eps) above. --epsilon, or --mi solves for eps.",
            "  binary-tensor  (seed 000) x uniform on {-1,1}^(P D), y = x + s, s uniform on {-1,1}^(P D); "
                + "default D=7, P=1: MI = P D ln(2)/2 = 2.426 nats.",
            "bmi tasks (Czyz et al. 2023, 'Beyond Normal'); 'pair' = N(0,I) x and y with corr(x_j, y_j) = rho for "
                + "j < min(DX, DY), MI = -(min(DX,DY)/2) ln(1 - rho^2), --mi sets rho (default rho = 0.75):",
            "  student-t      multivariate t (dof NU) with the pair's dispersion; MI = the pair's + a shared-scale part; "
                + "default DX=DY=2, NU=2, rho=0: MI = ln 2 - 1/2 = 0.193 nats. --param dof=NU, --dim-y, --mi >= the rho=0 value.",
            "  asinh-student-t  student-t with asinh on every coordinate (same MI and settings).",
            "  half-cube      the pair with v -> v |v|^(1/2) on every coordinate; default DX=DY=2 (0.827 nats); --dim-y.",
            "  asinh          the pair with asinh on every coordinate; default DX=DY=2 (0.827 nats); --dim-y.",
            "  spiral         the pair with x and y rotated by (speed/D) |v|^2 in one plane; default DX=DY=3 "
                + "(1.240 nats), speed 1; --param speed=S, --dim-y; both dims >= 2.",
            "  swiss-roll     a 1x1 pair with x -> Phi(x) -> the 2-d swiss roll (injective): 2 x columns, 1 y; 0.413 nats.",
            "  discrete-symbols  per dim x uniform on codes 0..K-1, y = x w.p. 1-p else another code: "
                + "MI = D (ln K - H(p) - p ln(K-1)); default D=1, K=4, p=0.1: 0.951 nats. --param symbols=K, --param flip=P, "
                + "or --mi solves for p.",
            "  mixed-discrete-continuous  per dim x uniform on codes 0..K-1, y = x + N(0, sigma^2): MI by exact quadrature; "
                + "default D=1, K=4, sigma=0.5: 0.845 nats. --param symbols=K, --param sigma=S, or --mi solves for sigma.",
            "  code-column    x an integer code uniform on 0..K-1, y = g[x] + N(0, sigma^2) with g a lookup table of K iid "
                + "N(0,1) values from --param table-seed (default 1): MI by exact quadrature; default K=1000, sigma=0.5. "
                + "--param symbols=K, --param sigma=S, --param table-seed=N.",
            "  string-levels  x uniform on K string levels L000.., y = x w.p. 1-p else another level: MI = ln K - H(p) "
                + "- p ln(K-1); default K=200, p=0.7: 0.98 nats, as strings. --param symbols=K, --param flip=P.",
            "  feature-table  a mixed table with a known dependency structure: columns id, id_str (unique), const_num, "
                + "const_str (constant), then --columns N features f000.. (double, int, string) with --null-rate nulls; "
                + "max(1, N/8) planted pairs (linear-gaussian, monotone, non-monotone, categorical; MI 0.05..1.5 nats), "
                + "every other pair independent. _truth.json lists the planted pairs and their MI.",
            "Staircase: corr-gaussian and cubic at --mi 2, 4, 6, 8, 10 (D=20) are the accuracy levels.",
            "Row i depends only on (task, --seed, i): the same seed gives the same data for any --partitions."
        })
final class GenerateCommand implements Callable<Integer> {
    private final JobContext ctx;

    @Option(names = "--task", required = true, paramLabel = "TASK",
            description = "gauss-channel, corr-gaussian, independent, cubic, uniform-noise, binary-tensor, student-t, "
                    + "asinh-student-t, half-cube, asinh, spiral, swiss-roll, discrete-symbols, mixed-discrete-continuous, "
                    + "code-column, string-levels or feature-table.")
    String task;

    @Option(names = "--mi", paramLabel = "NATS", description = "Target MI in nats (task default if omitted).")
    Double mi;

    @Option(names = "--dim", paramLabel = "D",
            description = "Dimension of x and of y; for binary-tensor the width of one vector (task default if omitted).")
    Integer dim;

    @Option(names = "--dim-y", paramLabel = "DY",
            description = "Dimension of y when it differs from --dim (student-t, asinh-student-t, half-cube, asinh, spiral).")
    Integer dimY;

    @Option(names = "--epsilon", paramLabel = "EPS",
            description = "uniform-noise only: noise half-width in (0, 1e6] (default " + SyntheticTasks.DEFAULT_EPSILON + ").")
    Double epsilon;

    @Option(names = "--positions", paramLabel = "P",
            description = "binary-tensor only: vectors per row; x and y hold P x D values, MI scales with P (default 1).")
    Integer positions;

    @Option(names = "--param", paramLabel = "NAME=VALUE",
            description = "A task parameter, repeatable: dof (student-t), speed (spiral), symbols and flip (discrete-symbols), "
                    + "symbols and sigma (mixed-discrete-continuous), symbols, sigma and table-seed (code-column), "
                    + "symbols and flip (string-levels).")
    Map<String, Double> params;

    @Option(names = "--columns", paramLabel = "N",
            description = "feature-table only: feature columns, in [2, 10000] (default " + FeatureTable.DEFAULT_COLUMNS + ").")
    Integer columns;

    @Option(names = "--null-rate", paramLabel = "F",
            description = "feature-table only: probability that a feature value is null, in [0, 1) (default "
                    + FeatureTable.DEFAULT_NULL_RATE + ").")
    Double nullRate;

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

    /** Validates the flags of {@code --task feature-table} (no Spark needed). */
    FeatureTable buildTable() {
        checkRowsAndPartitions();
        String[][] others = {{"--mi", str(mi)}, {"--dim", str(dim)}, {"--dim-y", str(dimY)}, {"--epsilon", str(epsilon)},
            {"--positions", str(positions)}, {"--param", params == null || params.isEmpty() ? null : params.toString()}};
        for (String[] o : others) {
            if (o[1] != null) {
                throw new IllegalArgumentException(o[0] + " does not apply to task '" + FeatureTable.TASK
                        + "' (it takes --columns and --null-rate)");
            }
        }
        return FeatureTable.create(columns == null ? FeatureTable.DEFAULT_COLUMNS : columns,
                nullRate == null ? FeatureTable.DEFAULT_NULL_RATE : nullRate, seed);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private boolean isFeatureTable() {
        return task != null && FeatureTable.TASK.equals(task.trim().toLowerCase(Locale.ROOT));
    }

    /** Validates the flags (no Spark needed). */
    SyntheticTasks.Task buildTask() {
        checkRowsAndPartitions();
        if (columns != null || nullRate != null) {
            throw new IllegalArgumentException((columns != null ? "--columns" : "--null-rate") + " applies only to task '"
                    + FeatureTable.TASK + "', not '" + task + "'");
        }
        return SyntheticTasks.create(task, new TaskOptions(dim, dimY, mi, epsilon, positions, params));
    }

    private void checkRowsAndPartitions() {
        if (rows < 1) {
            throw new IllegalArgumentException("--rows must be >= 1, got " + rows);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions must be >= 0 (0 = default parallelism), got " + partitions);
        }
    }

    @Override
    public Integer call() {
        if (isFeatureTable()) {
            FeatureTable t = buildTable();
            Path written = Jobs.generate(ctx.spark("generate"), t, rows, partitions, out, overwrite);
            ctx.out.println(String.format(Locale.ROOT, "wrote %d rows of %s (%d feature columns, null rate %s, %d planted "
                    + "pairs, ID columns %s, constant columns %s) to %s", rows, FeatureTable.TASK, t.features(),
                    t.nullRate(), t.planted().size(), t.names(FeatureTable.Role.ID),
                    t.names(FeatureTable.Role.CONSTANT), Jobs.display(written)));
            return ExitCodes.OK;
        }
        SyntheticTasks.Task t = buildTask();
        Path written = Jobs.generate(ctx.spark("generate"), t, rows, seed, partitions, out, overwrite);
        String dims = t.dimX() == t.dimY() ? String.valueOf(t.dimX()) : t.dimX() + " x " + t.dimY();
        ctx.out.println(String.format(Locale.ROOT, "wrote %d rows of %s (dim %s, true MI %.3f nats = %.3f bits) to %s",
                rows, t.name(), dims, t.trueMiNats(), t.trueMiBits(), Jobs.display(written)));
        return ExitCodes.OK;
    }
}
