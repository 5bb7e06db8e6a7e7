package org.minespark.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.minespark.core.FloatBlock;
import org.minespark.core.Seeds;
import org.minespark.spec.MineSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retrained permutation null of an estimate ({@code null-retrain} R): an estimate-only stage,
 * since it trains R more critics per pair (see docs/architecture.md), run on the engine's cached
 * training and validation blocks.
 */
final class NullRetraining {
    private static final Logger LOG = LoggerFactory.getLogger(NullRetraining.class);

    private NullRetraining() {
    }

    /**
     * The retrained permutation null of pair {@code m} ({@code null-retrain} R): for r = 1..R, a
     * fresh critic (initial weights and minibatch streams from a seed derived from (seed, r)) is
     * trained with the run's settings on the training blocks with the pair's y dimensions
     * re-paired within each block ({@link FloatBlock#withPermutedColumns}; rows are randomly spread
     * and ordered, so this re-pairs random rows), early-stopped on the validation blocks re-paired
     * the same way, and its kept weights are evaluated on the test rows, packed into blocks and
     * re-paired likewise. Returns the R raw (unclamped) null estimates; empty when R is 0.
     */
    static double[] run(Engine e, int m) {
        MineSpec spec = e.spec();
        Plan plan = e.plan();
        long seed = e.seed();
        int parts = e.partitions();
        Engine.Validation validation = e.validation();
        int r = spec.nullRetrain();
        if (r == 0) {
            return new double[0];
        }
        int[] yd = plan.pairs().get(m).yDims();
        int width = plan.layout().width();
        JavaRDD<FloatBlock> test = TaggedRows.blocks(e.tagged(TaggedRows.TEST_ROW), parts, seed, Engine.NULL_TEST_SPREAD, width)
                .persist(StorageLevel.MEMORY_AND_DISK());
        double[] out = new double[r];
        try {
            for (int i = 0; i < r; i++) {
                long rs = Seeds.derive(seed, Engine.NULL_RETRAIN, i);
                JavaRDD<FloatBlock> train = TaggedRows.permuted(e.blocks(), yd, Seeds.derive(rs, Engine.NULL_PERMUTE, TaggedRows.TRAIN_ROW))
                        .persist(StorageLevel.MEMORY_AND_DISK());
                JavaRDD<FloatBlock> val = validation == null ? null : TaggedRows.permuted(validation.blocks(), yd,
                        Seeds.derive(rs, Engine.NULL_PERMUTE, TaggedRows.VALIDATION_ROW)).persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    MineSpec nullSpec = spec.withSeed(rs).withCheckpointDir("");
                    List<String> scratch = new ArrayList<>();
                    Engine.Run run = new Engine.Run(plan, nullSpec, e.shapes(), e.bound(), rs, train, e.batchLimit(),
                            val == null ? null : new Engine.Validation(val, validation.rows()),
                            new Work(1, spec.steps(), spec.steps(), 0, null));
                    Pass.Trained t = trainWithRetry(run, m, scratch);
                    if (t == null) {
                        throw new org.minespark.spec.MineTrainingException("retrained null critic " + (i + 1) + " of " + r
                                + " (--null-retrain): training diverged twice; no null estimate");
                    }
                    Pass p = new Pass(run, List.of(m), t.learningRate(), 0, null, Checkpointing.none(scratch), null);
                    JavaRDD<FloatBlock> permutedTest = TaggedRows.permuted(test, yd,
                            Seeds.derive(rs, Engine.NULL_PERMUTE, TaggedRows.TEST_ROW));
                    out[i] = p.evaluation().validate(permutedTest, new float[][][] {t.params()}, rs, Engine.NULL_EVAL)[0].estimate();
                    LOG.info(String.format(Locale.ROOT, "retrained null critic %d/%d: %.4f nats (best step %d)", i + 1, r,
                            out[i], t.bestStep()));
                } finally {
                    train.unpersist(false);
                    if (val != null) {
                        val.unpersist(false);
                    }
                }
            }
        } finally {
            test.unpersist(false);
        }
        return out;
    }

    /** Trains pair m alone on {@code run}'s blocks with one retry; null after two divergences. */
    private static Pass.Trained trainWithRetry(Engine.Run run, int m, List<String> warnings) {
        double lr = run.spec().learningRate();
        Pass p = new Pass(run, List.of(m), lr, 0, null, Checkpointing.none(warnings), null);
        p.train();
        Pass.Trained t = p.trained(0);
        if (t.params() != null) {
            return t;
        }
        Pass again = new Pass(run, List.of(m), lr / Engine.retryDivisor, 1, new String[] {t.monitor().divergence()},
                Checkpointing.none(warnings), null);
        again.train();
        Pass.Trained t2 = again.trained(0);
        return t2.params() != null ? t2 : null;
    }

}
