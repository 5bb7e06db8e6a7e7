package org.minespark.api;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.minespark.spark.MineRunner;

/**
 * Entry point for Java users: estimate the mutual information between two column groups of a
 * Spark {@link Dataset} with MINE (Belghazi et al. 2018).
 *
 * <pre>{@code
 * Dataset<Row> df = spark.read().parquet("/data/features");
 * MiResult r = MutualInformation.estimate(df, MineSpec.x("a", "b").y("c").withSeed(7));
 * System.out.printf("%.3f nats, 95%% CI [%.3f, %.3f]%n", r.miNats(), r.ci95LowNats(), r.ci95HighNats());
 * }</pre>
 *
 * Columns may be numeric scalars, {@code array<float|double>} or Spark ML vectors. The session is
 * the one the dataset belongs to; nothing here creates or stops a session.
 */
public final class MutualInformation {
    private MutualInformation() {
    }

    /**
     * Runs training (with early stopping on a validation part of the held-out rows, see
     * {@link MineSpec#withEvalEvery}) and the evaluation on the test part; blocks until done.
     *
     * @throws MineInputException    for unusable input data
     * @throws MineTrainingException when training diverged at the spec's learning rate and again
     *                               on the one retry at a tenth of it
     */
    public static MiResult estimate(Dataset<Row> data, MineSpec spec) {
        return MineRunner.run(data, spec, null);
    }

    /** As {@link #estimate(Dataset, MineSpec)}, reporting progress to {@code listener}. */
    public static MiResult estimate(Dataset<Row> data, MineSpec spec, ProgressListener listener) {
        return MineRunner.run(data, spec, listener);
    }
}
