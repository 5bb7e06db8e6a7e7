package org.minespark.spark;

import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.minespark.core.FloatBlock;
import org.minespark.spec.MineSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The engine's cached rows: the training sample as one wide block per partition, its row count, the
 * largest global batch the blocks can hold ({@code min(rows, partitions x smallest block)}: every
 * share of {@link Engine#splitBatch} fits its block; it caps batch growth), and the validation rows
 * (null without validation).
 */
record CachedRows(JavaRDD<FloatBlock> blocks, long trainingRows, int batchLimit, Engine.Validation validation) {
    private static final Logger LOG = LoggerFactory.getLogger(CachedRows.class);

    /**
     * The share of the held-out rows used for validation (the rest are test rows). A quarter: the
     * validation pass only has to rank successive critics on the same rows with the same pairing
     * (their differences are far less noisy than the estimate itself), while the reported CI
     * narrows with the test rows (3/4 of the held-out rows keep its width within 1.16x of the
     * width on all of them).
     */
    static final double VALIDATION_SHARE = 0.25;
    /** The validation part holds at most about this many rows (cached, evaluated every {@code eval-every} steps). */
    static final long VALIDATION_MAX_ROWS = 50_000;
    /**
     * Bytes of cached training rows (floats, all partitions together) that bound the training sample
     * besides {@code max-train-rows}: a row holds every dimension of the run, so a wide table gets
     * fewer rows. 512 MiB leaves narrow tables at {@code max-train-rows} (1 M rows up to 134 floats
     * per row) and bounds a table of hundreds of columns by the sample, not by its row count: 200
     * columns with per-value codes (1 402 floats a row) cached 1 M rows as 5.6 GB, more than a 4 GiB
     * heap, and 1 GiB of 7 227-float rows (1000 columns) still ran the 4 GiB local driver out of heap
     * while the blocks were built. The validation rows get a quarter of it.
     */
    static final long CACHE_BYTES = 1L << 29;
    /**
     * The fraction of held-out rows used for validation: {@link #VALIDATION_SHARE}, but at most about
     * {@link #VALIDATION_MAX_ROWS} rows, and at most a quarter of {@link #CACHE_BYTES} of rows of
     * {@code width} floats (they are cached); 0 when {@code eval-every} is 0.
     */
    static double validationFraction(MineSpec spec, long validRows, int width) {
        if (spec.evalEvery() == 0) {
            return 0;
        }
        double heldOut = validRows * spec.evalFraction();
        double rows = Math.min(VALIDATION_MAX_ROWS, rowCap(CACHE_BYTES / 4, width));
        return Math.min(VALIDATION_SHARE, rows / Math.max(1.0, heldOut));
    }

    /** Rows of {@code width} floats in {@code bytes} (at least 1 000: a narrower sample is no sample). */
    static long rowCap(long bytes, int width) {
        return Math.max(1_000, bytes / (4L * Math.max(1, width)));
    }

    /**
     * Caches the training rows as one wide block per partition and the validation rows likewise,
     * and checks that the batch fits: the whole batch within the training rows, each partition's
     * share within its rows (errors name the flag and the numbers; nothing stays cached after an error).
     */
    static CachedRows cache(JavaRDD<float[]> train, JavaRDD<float[]> validationRows,
                            int width, int parts, long seed, MineSpec spec, InputChecks checks,
                            double validationFraction) {
        JavaRDD<FloatBlock> blocks = TaggedRows.blocks(train, parts, seed, Engine.SPREAD, width)
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
            JavaRDD<FloatBlock> v = TaggedRows.blocks(validationRows, parts, seed, Engine.VALIDATION_SPREAD,
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
