package org.minespark.job;

import java.util.List;
import java.util.concurrent.Callable;
import org.minespark.spec.MineSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code estimate}: MI between two column groups of a table. */
@Command(name = "estimate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Estimates the mutual information I(X; Y) between the column groups --x and --y of a table "
                + "with MINE (Donsker-Varadhan bound, evaluated on held-out rows, 95%% CI by the delta method).",
            "A column may be a numeric scalar, array<float|double> or a Spark ML Vector.",
            "Writes DIR/result.json, DIR/result.parquet (one row), DIR/training_curve.png and "
                + "DIR/training_curve.csv, all at once (via DIR.tmp-* renamed at the end).",
            "Settings: built-in defaults < config file (--config, $MINE_CONF or ./conf/mine.conf) < flags."
        })
final class EstimateCommand implements Callable<Integer> {
    private final JobContext ctx;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "Input table (file or directory).")
    String input;

    @Option(names = "--format", paramLabel = "FMT",
            description = "parquet, csv (header, inferred types), orc or json; default from the extension, else parquet.")
    String format;

    @Option(names = "--x", required = true, split = ",", splitSynopsisLabel = ",", paramLabel = "COL", description = "X columns, comma-separated.")
    List<String> x;

    @Option(names = "--y", required = true, split = ",", splitSynopsisLabel = ",", paramLabel = "COL", description = "Y columns, comma-separated.")
    List<String> y;

    @Option(names = "--x-shape", split = ",", splitSynopsisLabel = ",", paramLabel = "N",
            description = "Tensor rows: the flattened x values as P position vectors of D values (P,D, e.g. 96,7; "
                + "row-major). One critic is shared by the positions; mi_nats is per position vector, "
                + "mi_total_nats = P x mi_nats. Without --y-shape, y gets the same P (mine.data.x-shape, default none).")
    List<Integer> xShape;

    @Option(names = "--y-shape", split = ",", splitSynopsisLabel = ",", paramLabel = "N",
            description = "Tensor rows: the y values as P,D (same P as --x-shape; without --x-shape, x gets the same P) "
                + "(mine.data.y-shape, default none).")
    List<Integer> yShape;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (must not exist unless --overwrite).")
    String out;

    @Option(names = "--overwrite", description = "Replace DIR if it exists (only once the new result is complete).")
    boolean overwrite;

    @Option(names = "--resume",
            description = "Continue from the newest checkpoint in --checkpoint-dir (same settings and input required, "
                + "else exit 2 naming what differs); none there = start from step 0. Same result as an uninterrupted run.")
    boolean resume;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    EstimateCommand(JobContext ctx) {
        this.ctx = ctx;
    }

    /** The spec from config + flags; validates everything that can be checked without Spark. */
    MineSpec buildSpec() {
        java.util.Map<String, Object> flags = training.overrides();
        if (xShape != null) {
            flags.put(MineConfig.X_SHAPE, xShape);
        }
        if (yShape != null) {
            flags.put(MineConfig.Y_SHAPE, yShape);
        }
        com.typesafe.config.Config c = MineConfig.load(training.config, flags);
        MineSpec spec = MineConfig.withShapes(c, MineConfig.toSpec(c, x, y)).withResume(resume);
        if (resume && spec.checkpointDir() == null) {
            throw new IllegalArgumentException("--resume needs a checkpoint directory (--checkpoint-dir DIR or "
                    + MineConfig.CHECKPOINT_DIR + ") to resume from");
        }
        return spec;
    }

    /** The printing unit from config + flags (validated before Spark starts). */
    Units units() {
        return MineConfig.units(MineConfig.load(training.config, training.overrides()));
    }

    @Override
    public Integer call() {
        MineSpec spec = buildSpec();
        Units units = units();
        String fmt = Jobs.resolveFormat(format, input);
        Jobs.estimate(ctx, ctx.spark("estimate"), input, fmt, spec, units, out, overwrite);
        return ExitCodes.OK;
    }
}
