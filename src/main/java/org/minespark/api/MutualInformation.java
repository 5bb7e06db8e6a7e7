package org.minespark.api;

import org.minespark.spec.MineSpec;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairsResult;
import org.minespark.spec.PairsSpec;
import org.minespark.spec.ProgressListener;
import org.minespark.spec.PairsProgressListener;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.minespark.spark.MineRunner;
import org.minespark.spark.PairsRunner;

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
 * Many pairs at once ({@link #pairs}): every feature against a target, or all pairs of a set of
 * columns, trained together on shared minibatches, each with a p-value and convergence flags:
 *
 * <pre>{@code
 * PairsSpec ps = PairsSpec.againstTargets(List.of("f0", "f1", "f2"), List.of("t"), Map.of())
 *         .withTraining(MineSpec.x("x").y("y").withSteps(1500).withSeed(7));
 * PairsResult res = MutualInformation.pairs(df, ps);
 * for (PairResult p : res.pairs()) {
 *     System.out.printf("%s: %.3f nats, p = %.3f%s%n", p.pair(), p.miNats(), p.pValue(),
 *             p.dependent() ? " (dependent)" : "");
 * }
 * }</pre>
 *
 * Columns may be numeric scalars, {@code array<float|double>} or Spark ML vectors (pairs also
 * take string columns, one-hot encoded). The session is the one the dataset belongs to; nothing
 * here creates or stops a session.
 *
 * <p>As a stage of a Spark ML {@code Pipeline}: {@link org.minespark.api.ml.MineEstimator} (params
 * mapped onto {@link MineSpec}; its {@code fit} calls {@link #estimate(Dataset, MineSpec)}) gives a
 * {@link org.minespark.api.ml.MineModel} holding the {@link MiResult}; both save and load with
 * Spark's {@code MLWritable}/{@code MLReader}:
 *
 * <pre>{@code
 * MineEstimator mine = new MineEstimator().setXCols("a", "b").setYCols("c").setSteps(2000).setSeed(7);
 * PipelineModel pm = new Pipeline().setStages(new PipelineStage[] {mine}).fit(df);
 * MineModel model = (MineModel) pm.stages()[0];
 * System.out.println(model.result().significance().describe());
 * model.write().overwrite().save("/models/mine-abc");
 * MiResult again = MineModel.load("/models/mine-abc").result();
 * }</pre>
 */
public final class MutualInformation {
    private MutualInformation() {
    }

    /**
     * Checks, without reading any data, that every column of {@code spec} exists in {@code schema}
     * (suggesting close names) and has a supported type.
     *
     * @throws MineInputException naming the column and what was expected
     */
    public static void checkSchema(StructType schema, MineSpec spec) {
        MineRunner.checkSchema(schema, spec);
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

    /**
     * Estimates the mutual information of every pair of {@code spec} in one job (see
     * {@link PairsSpec}); blocks until done. A pair whose training diverges twice, or fails, is
     * reported in its {@link PairResult#status()} without failing the others.
     *
     * @throws MineInputException for unusable input data (unknown column, too few rows)
     */
    public static PairsResult pairs(Dataset<Row> data, PairsSpec spec) {
        return PairsRunner.run(data, spec, null);
    }

    /** As {@link #pairs(Dataset, PairsSpec)}, reporting pairs done / total and the ETA to {@code listener}. */
    public static PairsResult pairs(Dataset<Row> data, PairsSpec spec, PairsProgressListener listener) {
        return PairsRunner.run(data, spec, listener);
    }
}
