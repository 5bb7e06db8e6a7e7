package org.minespark.spark;

import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.minespark.core.FloatBlock;
import org.minespark.spec.MineSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.Tuple2;

/**
 * The engine's cached rows: the training sample as one wide block per partition, its row count, the
 * largest global batch the blocks can hold ({@code min(rows, partitions x smallest block)}: every
 * share of {@link Engine#splitBatch} fits its block; it caps batch growth), and the validation rows
 * (null without validation).
 */
record CachedRows(JavaRDD<FloatBlock> blocks, long trainingRows, int batchLimit, Engine.Validation validation) {
    private static final Logger LOG = LoggerFactory.getLogger(CachedRows.class);

    /**
     * Caches the training rows as one wide block per partition and the validation rows likewise,
     * and checks that the batch fits: the whole batch within the training rows, each partition's
     * share within its rows (errors name the flag and the numbers; nothing stays cached after an error).
     */
    static CachedRows cache(JavaRDD<Tuple2<Byte, float[]>> train, JavaRDD<Tuple2<Byte, float[]>> validationRows,
                            int width, int parts, long seed, MineSpec spec, InputChecks checks,
                            double validationFraction) {
        JavaRDD<FloatBlock> blocks = TaggedRows.blocks(train, TaggedRows.TRAIN_ROW, parts, seed, Engine.SPREAD, width)
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<Integer> rows = blocks.map(FloatBlock::rows).collect();
        int[] blockRows = rows.stream().mapToInt(Integer::intValue).toArray();
        long nTrain = 0;
        int minBlock = Integer.MAX_VALUE;
        for (int r : blockRows) {
            nTrain += r;
            minBlock = Math.min(minBlock, r);
        }
        if (spec.batchSize() > nTrain) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("--batch-size " + spec.batchSize() + " is larger than the " + nTrain
                    + " training rows (" + checks.stats().valid() + " usable rows, eval-fraction " + spec.evalFraction()
                    + " held out); expected at most " + nTrain + ": use a smaller --batch-size or more data");
        }
        int[] perPart = Engine.splitBatch(spec.batchSize(), blockRows.length);
        for (int p = 0; p < perPart.length; p++) {
            if (blockRows[p] < Math.max(1, perPart[p])) {
                blocks.unpersist(false);
                throw new IllegalArgumentException("training partition " + p + " of " + perPart.length + " has "
                        + blockRows[p] + " rows but its share of --batch-size " + spec.batchSize() + " is " + perPart[p]
                        + " rows; use fewer partitions (--partitions), a smaller --batch-size or more data ("
                        + nTrain + " training rows in all)");
            }
        }
        long limit = Math.min(nTrain, (long) minBlock * blockRows.length);
        int batchLimit = (int) Math.min(Integer.MAX_VALUE, Math.max(limit, spec.batchSize()));
        LOG.info(String.format(Locale.ROOT, "training sample: %d rows in %d partitions (%.1f MiB as floats, every pair"
                        + " shares it), batch %d per step", nTrain, blockRows.length, nTrain * 4.0 * width / (1 << 20),
                spec.batchSize()));
        Engine.Validation validation = null;
        if (validationFraction > 0) {
            JavaRDD<FloatBlock> v = TaggedRows.blocks(validationRows, TaggedRows.VALIDATION_ROW, parts, seed, Engine.VALIDATION_SPREAD,
                    width).persist(StorageLevel.MEMORY_AND_DISK());
            long n = 0;
            for (int r : v.map(FloatBlock::rows).collect()) {
                n += r;
            }
            if (n < 2) {
                v.unpersist(false);
                checks.warnings().add("too few held-out rows for a validation part: early stopping is off and the last"
                        + " weights are reported");
            } else {
                LOG.info("validation: {} held-out rows, evaluated every {} steps (patience {}, min-delta {} nats)", n,
                        spec.evalEvery(), spec.patience(), spec.minDelta());
                validation = new Engine.Validation(v, n);
            }
        }
        return new CachedRows(blocks, nTrain, batchLimit, validation);
    }
}
