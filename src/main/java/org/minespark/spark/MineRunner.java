package org.minespark.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.minespark.api.MiResult;
import org.minespark.api.MineInputException;
import org.minespark.api.MineSpec;
import org.minespark.api.MineTrainingException;
import org.minespark.api.ProgressListener;
import org.minespark.core.Bound;
import org.minespark.core.BoundStats;
import org.minespark.core.ColumnStats;
import org.minespark.core.BatchGrowth;
import org.minespark.core.ConvergenceMonitor;
import org.minespark.core.CriticShape;
import org.minespark.core.EstimatorReach;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MineOptimizer;
import org.minespark.core.NormalScores;
import org.minespark.core.PartitionWorker;
import org.minespark.core.PermutationStats;
import org.minespark.core.Seeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.Tuple2;

/**
 * Runs one MINE estimate on Spark:
 * <ol>
 * <li>check the schema, then {@link InputChecks}: one distributed pass for row counts and
 *     per-dimension mean/std, plus the statistics of the input checks ({@link InputStats}): too few usable rows, values whose
 *     squares overflow a double (rescanned at a power-of-two scale), constant column groups (MI 0,
 *     returned without training), x/y dimension pairs in an exact affine relation (unbounded MI).
 *     Data problems are {@link MineInputException}s, parameters that do not fit the data
 *     {@link IllegalArgumentException}s;</li>
 * <li>split rows into train/held-out by a seeded hash of (input partition, row index), and the
 *     held-out rows into a validation part ({@link #VALIDATION_SHARE} of them, at most about
 *     {@link #VALIDATION_MAX_ROWS} rows;
 *     none when {@code eval-every} is 0) and a test part by a second seeded hash;</li>
 * <li>cache a bounded random sample of the training rows as one dense, standardised float block per
 *     partition, rows spread over partitions by a seeded random key;</li>
 * <li>synchronous data-parallel training: per step, broadcast the weights, every partition returns a
 *     mergeable {@link org.minespark.core.StepAggregate} for its minibatch, the driver merges and applies
 *     {@link MineOptimizer}; every {@code eval-every} steps the chosen bound on the cached validation
 *     rows decides early stopping and which weights to keep ({@link ConvergenceMonitor}); a
 *     divergence retries once from scratch at {@code lr / }{@link #RETRY_LR_DIVISOR}, a second one
 *     is a {@link MineTrainingException}; with a checkpoint directory the driver saves the complete
 *     training state every {@code checkpoint-every} steps ({@link org.minespark.core.TrainingCheckpoint},
 *     {@link CheckpointStore}) and {@code resume} continues from the newest one, to the same bits;</li>
 * <li>evaluate the chosen bound of the kept weights over all test rows in one streaming pass (rows spread and sorted by
 *     a random key, marginals by pairing within chunks) and merge the chosen {@link Bound}'s {@link BoundStats};
 *     in the same pass, unless {@code permutations} is 0, the permutation test of independence
 *     ({@link PermutationStats}: the same critic on K re-paired versions of each chunk, shifts from
 *     their own seeded stream so the estimate does not depend on K), merged in partition order.</li>
 * </ol>
 */
public final class MineRunner {
    private static final Logger LOG = LoggerFactory.getLogger(MineRunner.class);
    private static final long SPLIT = 1;
    private static final long SAMPLE = 2;
    private static final long SPREAD = 3;
    private static final long TRAIN = 4;
    private static final long EVAL = 5;
    private static final long INIT = 6;
    private static final long VALIDATION_SPLIT = 7;
    private static final long VALIDATION_SPREAD = 8;
    private static final long VALIDATE = 9;
    private static final long PERMUTE = 10;
    private static final long NULL_RETRAIN = 11;
    private static final long NULL_PERMUTE = 12;
    private static final long NULL_TEST_SPREAD = 13;
    private static final long NULL_EVAL = 14;
    private static final long NORMAL_SCORES_SAMPLE = 15;
    /** Rows sampled to fit the normal-scores transform (at most; fewer when a row has many values). */
    static final int NORMAL_SCORES_ROWS = 100_000;

    /** Row roles in the tagged stream: training sample, validation (early stopping), test (the estimate). */
    static final byte TRAIN_ROW = 0;
    static final byte VALIDATION_ROW = 1;
    static final byte TEST_ROW = 2;

    /**
     * The share of the held-out rows used for validation (the rest are test rows). A quarter: the
     * validation pass only has to rank successive critics on the same rows with the same pairing
     * (their differences are far less noisy than the estimate itself), while the reported CI
     * narrows with the test rows (3/4 of the held-out rows keep its width within 1.16x of the
     * width on all of them).
     */
    public static final double VALIDATION_SHARE = 0.25;
    /**
     * The validation part holds at most about this many rows (they are cached as float blocks and
     * evaluated every {@code eval-every} steps).
     */
    public static final long VALIDATION_MAX_ROWS = 50_000;
    /** After a divergence the one retry runs at the learning rate divided by this. */
    public static final double RETRY_LR_DIVISOR = 10.0;

    /**
     * The fewest usable rows (after dropping null/NaN/infinite ones) an estimate accepts. With the
     * default eval-fraction 0.2 this leaves about 20 held-out rows for the final bound and 80 to
     * train on; below that the held-out DV estimate and its delta-method CI rest on a handful of
     * points and mean nothing.
     */
    public static final long MIN_ROWS = 100;
    /**
     * |correlation| between an x and a y dimension at or above {@code 1 - UNBOUNDED_TOLERANCE}
     * means one is an exact affine function of the other (up to rounding); for continuous data the
     * mutual information is then infinite. (For a Gaussian pair, 1 - |rho| = 1e-12 would be an MI
     * of 13.5 nats, beyond what MINE can estimate from any practical sample anyway.)
     */
    public static final double UNBOUNDED_TOLERANCE = 1e-12;
    /** Dimensions whose deviation lies outside [1e-140, 1e140] are re-scanned at a rescaled range. */
    static final double SCALE_LIMIT = 1e140;

    private MineRunner() {
    }

    public static MiResult run(Dataset<Row> data, MineSpec spec, ProgressListener listener) {
        try {
            return runUnwrapped(data, spec, listener);
        } catch (RuntimeException e) {
            throw unwrap(e);
        }
    }

    /**
     * Checks, without reading any data, that every selected column exists (suggesting close names)
     * and has a supported type.
     *
     * @throws MineInputException naming the column and what was expected
     */
    public static void checkSchema(StructType schema, MineSpec spec) {
        ColumnLayout.fromSchema(schema, spec.xColumns(), spec.yColumns());
    }

    /** Executors wrap our validation errors in SparkException; surface the original message. */
    static RuntimeException unwrap(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
                return (RuntimeException) t;
            }
        }
        // in separate executor JVMs only the message of the remote exception survives
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = t.getMessage();
            if (msg == null) {
                continue;
            }
            String input = MineInputException.class.getName() + ": ";
            if (msg.contains(input)) {
                return new MineInputException(lineAfter(msg, input), e);
            }
            String marker = "java.lang.IllegalArgumentException: ";
            if (msg.contains(marker)) {
                return new IllegalArgumentException(lineAfter(msg, marker), e);
            }
        }
        return e;
    }

    private static String lineAfter(String msg, String marker) {
        String m = msg.substring(msg.indexOf(marker) + marker.length());
        int nl = m.indexOf('\n');
        return nl >= 0 ? m.substring(0, nl) : m;
    }

    /**
     * The selected columns as rows; resolves the widths of array/vector columns from the first row
     * that has every column set.
     */
    private static JavaRDD<Row> selectedRows(Dataset<Row> data, ColumnLayout layout) {
        String[] names = layout.names();
        Column[] cols = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            cols[i] = functions.col("`" + names[i].replace("`", "``") + "`");
        }
        Dataset<Row> selected = data.select(cols);
        if (layout.needsWidths()) {
            Column allPresent = functions.lit(true);
            for (Column c : cols) {
                allPresent = allPresent.and(c.isNotNull());
            }
            List<Row> first = selected.where(allPresent).limit(1).collectAsList();
            if (first.isEmpty()) {
                throw new MineInputException("no row has every selected column (" + String.join(", ", names)
                        + ") set: the input is empty or each row has a null in one of them; nothing to estimate");
            }
            layout.resolveWidths(first.get(0));
        }
        return selected.javaRDD();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** A learning rate for messages: 4 significant digits, plain notation ("0.0001", "1"). */
    static String rate(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static MiResult runUnwrapped(Dataset<Row> data, MineSpec spec, ProgressListener listener) {
        long t0 = System.nanoTime();
        if (spec.resume() && spec.checkpointDir() == null) {
            throw new IllegalArgumentException("--resume needs a checkpoint directory (--checkpoint-dir DIR"
                    + " / mine.train.checkpoint-dir) to resume from");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        final long seed = spec.seed();
        ColumnLayout layout = ColumnLayout.fromSchema(data.schema(), spec.xColumns(), spec.yColumns());
        JavaRDD<Row> rows = selectedRows(data, layout);
        final ColumnLayout lay = layout;
        final int dims = layout.dx() + layout.dy();
        int[] hidden = spec.hidden().stream().mapToInt(Integer::intValue).toArray();
        int[] pdd = TensorShapes.resolve(spec, layout.dx(), layout.dy()); // {positions, dx, dy} per position
        CriticShape shape = TensorShapes.critic(spec, pdd, hidden);

        // counts, moments and the input checks
        InputChecks checks = InputChecks.run(rows, lay);
        ColumnStats stats = checks.stats();
        List<String> warnings = checks.warnings();
        if (checks.allConstant()) {
            return new MiResult(0.0, 0.0, 0.0, 0.0, stats.rows(), stats.dropped(), 0, 0, 0, spec.bound(), spec.kernels(),
                    (System.nanoTime() - t0) / 1e9, 0.0, 0.0, new double[0], MiResult.STATUS_CONSTANT, warnings)
                    .withPositions(pdd[0]);
        }
        final double[] mean = checks.mean();
        final double[] invStd = checks.invStd();
        TensorShapes.poolPositions(mean, invStd, pdd[0], pdd[1], pdd[2]);

        int parts = spec.partitions() > 0 ? spec.partitions() : defaultPartitions(jsc);
        final double evalFraction = spec.evalFraction();
        double expectedTrain = stats.valid() * (1 - evalFraction);
        double cap = spec.maxTrainRows();
        final double sampleFraction = expectedTrain <= cap ? 1.0
                : Math.max(0.0, (cap - 4 * Math.sqrt(cap)) / expectedTrain);
        double validationFraction = validationFraction(spec, stats.valid());

        // the normal-scores transform, fitted on a seeded sample of the valid rows
        NormalScores scores = null;
        if ("normal-scores".equals(spec.transform())) {
            long tn = System.nanoTime();
            scores = fitNormalScores(rows, lay, dims, stats.valid(), seed);
            LOG.info(String.format(Locale.ROOT, "normal-scores transform: %d dimensions fitted on a sample of %d rows"
                    + " (%d knots per dimension at most), %.2f s", dims, scoresSampleRows(dims, stats.valid()),
                    NormalScores.DEFAULT_KNOTS, (System.nanoTime() - tn) / 1e9));
        }

        // standardised (or normal-scored) float rows tagged train / validation / test by seeded hashes
        JavaRDD<Tuple2<Byte, float[]>> tagged = streamTagged(rows, lay, dims, seed, evalFraction, validationFraction,
                sampleFraction, mean, invStd, scores);

        // training, with early stopping on the validation rows and one retry after a divergence
        Bound bound = Bound.forName(spec.bound(), spec.emaAlpha(), spec.smileTau(), spec.infonceK());
        Kernels driverKernels = Kernels.forName(spec.kernels());
        TrainingData td = trainingData(tagged, parts, seed, layout, spec, stats.valid());
        LOG.info("critic {} with {} parameters, bound {}, kernels: {}", shape, shape.numParams(), bound.name(),
                driverKernels.describe());
        if (Double.isFinite(bound.capNats())) {
            warnings.add(String.format(Locale.ROOT, "bound %s cannot exceed ln %d = %.4f nats (its group size K, "
                    + "--infonce-k): an estimate near that cap means the true MI may be larger", bound.name(),
                    bound.groupSize(), bound.capNats()));
            LOG.warn(warnings.get(warnings.size() - 1));
        }
        if (bound.groupSize() > 1 && "concat".equals(spec.critic())) {
            // a log line, not a result warning: it is about run time, not about the estimate
            LOG.warn("bound {} with the concat critic scores every pairing of each group of K = {} rows, about {}x "
                    + "the per-step work of dv; --critic separable scores a group with one matrix product",
                    bound.name(), bound.groupSize(), Math.max(1, bound.groupSize() / 2));
        }
        Trained trained;
        double[] nulls;
        ValidationData validation = null;
        Checkpoints ck;
        try {
            ck = Checkpoints.open(jsc, spec, fingerprint(spec, parts, stats, mean, invStd, td.rows, shape), warnings);
            validation = validationData(tagged, validationFraction, parts, seed, layout, spec, warnings);
            trained = trainWithRetry(td, validation, shape, bound, driverKernels, spec, listener, warnings, ck);
            nulls = retrainedNull(tagged, td, validation, shape, bound, driverKernels, spec, parts, layout);
        } finally {
            td.blocks.unpersist(false);
            if (validation != null) {
                validation.blocks.unpersist(false);
            }
        }

        // the reported estimate: the kept weights on the test rows (never used to choose them)
        long tEval = System.nanoTime();
        EvalStats eval = evaluate(jsc, tagged, trained.params, shape, bound, spec.kernels(), parts, seed,
                spec.evalChunkRows(), spec.permutations(), spec.evalPairings());
        LOG.info(String.format(Locale.ROOT, "test-row evaluation: %d rows, %d permutations, %.2f s", eval.bound.count(),
                spec.permutations(), (System.nanoTime() - tEval) / 1e9));
        MiResult res = result(eval, trained, stats, spec, td.rows, bound.name(), driverKernels.name(), t0, warnings)
                .withPositions(shape.positions());
        if (nulls.length > 0) {
            MiResult.RetrainedNull rn = MiResult.RetrainedNull.of(eval.bound.estimate(), nulls);
            LOG.info(String.format(Locale.ROOT, "retrained null: %d critics, %.4f +- %.4f nats, p = %.4g", rn.critics(),
                    rn.meanNats(), rn.stdNats(), rn.pValue()));
            res = res.withRetrainedNull(rn);
        }
        ck.discard();
        return res;
    }

    /**
     * What a checkpoint must agree on to be resumed: every setting that changes the training
     * arithmetic (not the trainer, which gives the same bits either way, nor logging or
     * checkpoint settings), the resolved partition count, the critic size, and the input's
     * identity by content: usable and dropped row counts, training rows, and a hash of the raw
     * bits of every column mean and inverse deviation (so a moved file resumes, changed data does
     * not).
     */
    static java.util.Map<String, String> fingerprint(MineSpec spec, int parts, ColumnStats stats, double[] mean,
                                                      double[] invStd, long nTrain, CriticShape shape) {
        java.util.Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put("x", String.join(",", spec.xColumns()));
        f.put("y", String.join(",", spec.yColumns()));
        f.put("seed", Long.toString(spec.seed()));
        f.put("critic", shape.toString() + " (" + shape.numParams() + " parameters)");
        f.put("hidden", spec.hidden().toString());
        f.put("embed-dim", Integer.toString(spec.embedDim()));
        f.put("bound", spec.bound());
        f.put("smile-tau", Double.toString(spec.smileTau()));
        f.put("infonce-k", Integer.toString(spec.infonceK()));
        f.put("steps", Integer.toString(spec.steps()));
        f.put("batch-size", Integer.toString(spec.batchSize()));
        f.put("lr", Double.toString(spec.learningRate()));
        f.put("ema-alpha", Double.toString(spec.emaAlpha()));
        f.put("lr-final-fraction", Double.toString(spec.lrFinalFraction()));
        f.put("eval-every", Integer.toString(spec.evalEvery()));
        f.put("patience", Integer.toString(spec.patience()));
        f.put("min-delta", Double.toString(spec.minDelta()));
        f.put("batch-growth", (spec.batchGrowth() && BatchGrowth.appliesTo(spec.bound()) ? "on" : "off")
                + ", max-batch-size " + spec.maxBatchSize() + ", batch-growth-pairs " + spec.batchGrowthPairs());
        f.put("eval-fraction", Double.toString(spec.evalFraction()));
        f.put("eval-pairings", Integer.toString(spec.evalPairings()));
        f.put("transform", spec.transform());
        f.put("max-train-rows", Long.toString(spec.maxTrainRows()));
        f.put("kernels", spec.kernels());
        f.put("partitions", Integer.toString(parts));
        f.put("input rows", stats.rows() + " (" + stats.dropped() + " dropped), " + nTrain + " training rows");
        long h = 1125899906842597L;
        for (int i = 0; i < mean.length; i++) {
            h = 31 * h + Double.doubleToRawLongBits(mean[i]);
            h = 31 * h + Double.doubleToRawLongBits(invStd[i]);
        }
        f.put("input column statistics hash", Long.toHexString(h));
        return f;
    }

    /**
     * Checkpointing of one estimate: the store (null = off), the interval, this run's fingerprint
     * and the checkpoint to resume from (null = start at step 0).
     */
    private static final class Checkpoints {
        final CheckpointStore store;
        final int every;
        final java.util.Map<String, String> fingerprint;
        final org.minespark.core.TrainingCheckpoint resumeFrom;
        final List<String> warnings;
        boolean writeFailed;

        private Checkpoints(CheckpointStore store, int every, java.util.Map<String, String> fingerprint,
                            org.minespark.core.TrainingCheckpoint resumeFrom, List<String> warnings) {
            this.store = store;
            this.every = every;
            this.fingerprint = fingerprint;
            this.resumeFrom = resumeFrom;
            this.warnings = warnings;
        }

        static Checkpoints open(JavaSparkContext jsc, MineSpec spec, java.util.Map<String, String> fingerprint,
                                List<String> warnings) {
            String dir = spec.checkpointDir();
            if (dir == null) {
                if (spec.resume()) {
                    throw new IllegalArgumentException("--resume needs a checkpoint directory (--checkpoint-dir DIR"
                            + " / mine.train.checkpoint-dir) to resume from");
                }
                return new Checkpoints(null, 0, fingerprint, null, warnings);
            }
            CheckpointStore store = new CheckpointStore(dir, jsc.hadoopConfiguration());
            int every = spec.checkpointEvery();
            try {
                if (!spec.resume()) {
                    int n = store.discardAll();
                    if (n > 0) {
                        LOG.warn("discarded {} checkpoint(s) of an earlier run in {} (not --resume)", n, dir);
                    }
                    return new Checkpoints(every > 0 ? store : null, every, fingerprint, null, warnings);
                }
                org.minespark.core.TrainingCheckpoint c = store.latest();
                if (c == null) {
                    String w = "--resume: no checkpoint in " + dir + "; training started from step 0";
                    LOG.warn(w);
                    warnings.add(w);
                } else {
                    List<String> diff = org.minespark.core.TrainingCheckpoint.differences(c.fingerprint(), fingerprint);
                    if (!diff.isEmpty()) {
                        throw new IllegalArgumentException("--resume: the checkpoint in " + dir + " (step " + c.step()
                                + ") was written by a run with other settings or input: " + String.join("; ", diff)
                                + ". Rerun with the same settings and input, or without --resume to start afresh"
                                + " (its checkpoints are then discarded)");
                    }
                    LOG.info("resuming from the checkpoint after step {} (attempt {}) in {}", c.step(), c.attempt() + 1,
                            dir);
                }
                return new Checkpoints(every > 0 ? store : null, every, fingerprint, c, warnings);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--checkpoint-dir " + dir + ": " + e.getMessage(), e);
            }
        }

        /** The end of the segment starting at {@code done}: the next checkpoint step, capped at {@code to}. */
        int segmentEnd(int done, int to) {
            return store == null ? to : Math.min(to, (done / every + 1) * every);
        }

        boolean due(int done) {
            return store != null && done % every == 0;
        }

        /** Writes a checkpoint; a failure is a warning (training goes on without it). */
        void save(org.minespark.core.TrainingCheckpoint c) {
            if (store == null) {
                return;
            }
            try {
                store.save(c);
                LOG.info("checkpoint after step {} written to {}", c.step(), store.dir());
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("could not write the checkpoint after step {} to {}: {}", c.step(), store.dir(), e.toString());
                if (!writeFailed) {
                    warnings.add("could not write a checkpoint to " + store.dir() + " (" + e.getMessage()
                            + "); a crash would not have been resumable from it");
                    writeFailed = true;
                }
            }
        }

        /** Deletes the checkpoints once the estimate is complete. */
        void discard() {
            if (store == null) {
                return;
            }
            try {
                store.discardAll();
            } catch (java.io.IOException e) {
                LOG.warn("could not delete the checkpoints in {}: {}", store.dir(), e.toString());
            }
        }
    }

    /**
     * The retrained permutation null ({@code null-retrain} R, see {@link MiResult.RetrainedNull}):
     * for r = 1..R, a fresh critic (initial weights and minibatch streams from a seed derived from
     * (seed, r)) is trained with the run's settings on the training blocks with y re-paired within
     * each block ({@link FloatBlock#withPermutedY}, rows are randomly spread and ordered, so this
     * re-pairs random rows), early-stopped on the validation blocks re-paired the same way, and its
     * kept weights are evaluated on the test rows, packed into blocks and re-paired likewise.
     * Returns the R raw (unclamped) null estimates; empty when R is 0.
     */
    private static double[] retrainedNull(JavaRDD<Tuple2<Byte, float[]>> tagged, TrainingData td,
                                          ValidationData validation, CriticShape shape, Bound bound,
                                          Kernels driverKernels, MineSpec spec, int parts, ColumnLayout layout) {
        int r = spec.nullRetrain();
        if (r == 0) {
            return new double[0];
        }
        long seed = spec.seed();
        JavaRDD<FloatBlock> test = buildBlocks(tagged, TEST_ROW, parts, seed, NULL_TEST_SPREAD, layout.dx(), layout.dy())
                .persist(StorageLevel.MEMORY_AND_DISK());
        double[] out = new double[r];
        try {
            for (int i = 0; i < r; i++) {
                long rs = Seeds.derive(seed, NULL_RETRAIN, i);
                JavaRDD<FloatBlock> train = permutedBlocks(td.blocks, Seeds.derive(rs, NULL_PERMUTE, TRAIN_ROW))
                        .persist(StorageLevel.MEMORY_AND_DISK());
                JavaRDD<FloatBlock> val = validation == null ? null
                        : permutedBlocks(validation.blocks, Seeds.derive(rs, NULL_PERMUTE, VALIDATION_ROW))
                                .persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    List<String> scratch = new ArrayList<>();
                    Checkpoints none = new Checkpoints(null, 0, java.util.Map.of(), null, scratch);
                    Trained t;
                    try {
                        t = trainWithRetry(new TrainingData(train, td.rows, td.batchPerPartition, td.batchLimit),
                                val == null ? null : new ValidationData(val, validation.rows), shape, bound,
                                driverKernels, spec.withSeed(rs).withCheckpointDir(""), null, scratch, none);
                    } catch (MineTrainingException e) {
                        throw new MineTrainingException("retrained null critic " + (i + 1) + " of " + r
                                + " (--null-retrain): " + e.getMessage());
                    }
                    JavaRDD<FloatBlock> permutedTest = permutedBlocks(test, Seeds.derive(rs, NULL_PERMUTE, TEST_ROW));
                    out[i] = validate(permutedTest, t.params, shape, bound, spec.kernels(), Seeds.derive(rs, NULL_EVAL),
                            spec.evalPairings())
                            .estimate();
                    LOG.info(String.format(Locale.ROOT, "retrained null critic %d/%d: %.4f nats (best step %d)", i + 1,
                            r, out[i], t.bestStep));
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

    /** Every block with its y rows re-paired ({@link FloatBlock#withPermutedY}), seeded per partition. */
    private static JavaRDD<FloatBlock> permutedBlocks(JavaRDD<FloatBlock> blocks, long seed) {
        return blocks.mapPartitionsWithIndex((pi, it) -> {
            long ps = Seeds.derive(seed, pi);
            return new MappingIterator<FloatBlock, FloatBlock>(it) {
                @Override
                protected FloatBlock map(FloatBlock b, long index) {
                    return b.withPermutedY(Seeds.derive(ps, index));
                }
            };
        }, true);
    }

    /** The cached validation rows (one block per partition) and their number. */
    private record ValidationData(JavaRDD<FloatBlock> blocks, long rows) {
    }

    /**
     * Caches the validation rows as blocks; null when there is no validation ({@code eval-every}
     * 0) or fewer than 2 validation rows (then a warning says early stopping is off).
     */
    private static ValidationData validationData(JavaRDD<Tuple2<Byte, float[]>> tagged, double validationFraction,
                                                 int parts, long seed, ColumnLayout layout, MineSpec spec,
                                                 List<String> warnings) {
        if (validationFraction <= 0) {
            return null;
        }
        JavaRDD<FloatBlock> blocks = buildBlocks(tagged, VALIDATION_ROW, parts, seed, VALIDATION_SPREAD, layout.dx(),
                layout.dy()).persist(StorageLevel.MEMORY_AND_DISK());
        long n = 0;
        for (int r : blocks.map(FloatBlock::rows).collect()) {
            n += r;
        }
        if (n < 2) {
            blocks.unpersist(false);
            warnings.add("too few held-out rows for a validation part: early stopping is off and the last"
                    + " weights are reported");
            return null;
        }
        LOG.info("validation: {} held-out rows, evaluated every {} steps (patience {}, min-delta {} nats)",
                n, spec.evalEvery(), spec.patience(), spec.minDelta());
        return new ValidationData(blocks, n);
    }

    /** Steps of a training run whose minibatch estimate is no longer trustworthy: abandon it. */
    private static final class Diverged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Diverged() {
            super(null, null, false, false);
        }
    }

    /**
     * The fraction of held-out rows used for validation: {@link #VALIDATION_SHARE}, but at most about
     * {@link #VALIDATION_MAX_ROWS} rows (they are cached); 0 when {@code eval-every} is 0.
     */
    static double validationFraction(MineSpec spec, long validRows) {
        if (spec.evalEvery() == 0) {
            return 0;
        }
        double heldOut = validRows * spec.evalFraction();
        return Math.min(VALIDATION_SHARE, VALIDATION_MAX_ROWS / Math.max(1.0, heldOut));
    }

    /**
     * Trains at the spec's learning rate; after a divergence retries once from scratch (same seed,
     * same initial weights) at {@code lr / }{@link #RETRY_LR_DIVISOR}; a second divergence is a
     * {@link MineTrainingException}.
     */
    private static Trained trainWithRetry(TrainingData td, ValidationData validation, CriticShape shape, Bound bound,
                                          Kernels driverKernels, MineSpec spec,
                                          ProgressListener listener, List<String> warnings, Checkpoints ck) {
        double lr = spec.learningRate();
        double lr2 = lr / RETRY_LR_DIVISOR;
        org.minespark.core.TrainingCheckpoint from = ck.resumeFrom;
        String firstDivergence;
        if (from != null && from.attempt() == 1) {
            // the checkpoint is of the retry: the first attempt's outcome is in it
            firstDivergence = from.firstDivergence();
        } else {
            Trained first = train(td, validation, shape, bound, driverKernels, spec, lr, listener, 0, null, ck, from);
            if (!first.monitor.diverged()) {
                addFlagWarnings(first, spec, warnings);
                return first;
            }
            firstDivergence = first.monitor.divergence();
            from = null;
            LOG.warn("training diverged at learning rate {}: {}; retrying once from scratch at learning rate {}",
                    rate(lr), firstDivergence, rate(lr2));
        }
        Trained second = train(td, validation, shape, bound, driverKernels, spec, lr2, listener, 1, firstDivergence,
                ck, from);
        if (second.monitor.diverged()) {
            throw new MineTrainingException("training diverged at learning rate " + rate(lr) + " ("
                    + firstDivergence + ") and again after a retry from scratch at learning rate "
                    + rate(lr2) + " (" + second.monitor.divergence() + "); no estimate was produced. Use a smaller"
                    + " --lr (e.g. " + rate(lr2 / RETRY_LR_DIVISOR) + "), a larger --batch-size, or check the input"
                    + " for extreme values");
        }
        warnings.add("training diverged at learning rate " + rate(lr) + " (" + firstDivergence
                + "); the estimate comes from one retry from scratch at learning rate " + rate(lr2)
                + " (--lr / " + rate(RETRY_LR_DIVISOR) + "): use --lr " + rate(lr2) + " or lower next time");
        addFlagWarnings(second, spec, warnings);
        return new Trained(second.params, second.curve, second.seconds, second.stepsRun, second.bestStep,
                second.monitor, lr2, true, second.nValidation, second.finalBatch, second.growthSteps,
                second.samples);
    }

    private static void addFlagWarnings(Trained t, MineSpec spec, List<String> warnings) {
        if (t.monitor.stillIncreasing()) {
            double[] v = t.monitor.values();
            warnings.add(String.format(Locale.ROOT, "the validation estimate was still rising when the %d steps ran"
                    + " out (%.4f nats after step %d, best %.4f nats): the estimate may be low; train longer"
                    + " (--steps)", t.stepsRun, v[v.length - 1], t.stepsRun, t.monitor.best()));
        }
    }

    /** The result from the test-row evaluation of the kept weights. */
    private static MiResult result(EvalStats evalStats, Trained trained, ColumnStats stats, MineSpec spec, long nTrain,
                                   String boundName, String kernels, long t0, List<String> warnings) {
        BoundStats eval = evalStats.bound;
        if (eval.count() == 0) {
            throw new IllegalArgumentException("no held-out rows to evaluate (" + stats.valid()
                    + " valid rows, eval-fraction " + spec.evalFraction() + "); use more rows or a larger eval-fraction");
        }
        double est = eval.estimate();
        if (!Double.isFinite(est)) {
            throw new MineTrainingException("the held-out estimate of the trained critic is not finite (" + est
                    + ") at learning rate " + rate(trained.learningRate) + "; no estimate was produced. Use a smaller"
                    + " --lr or check the input for extreme values");
        }
        double lo = eval.ci95Low();
        double hi = eval.ci95High();
        MiResult.Significance sig = significance(evalStats.permutations, est, lo, spec);
        if (est < 0) {
            // I(X;Y) >= 0 and the constant critic attains DV = 0 exactly, so the best bound is
            // max(0, DV(T)); a negative DV(T) is the critic's own curvature (-Var(T)/2 when X and Y
            // are independent), not evidence about the MI. Keep the raw value in the warnings.
            String raw = String.format(java.util.Locale.ROOT,
                    "the " + boundName + " bound of the trained critic on held-out rows is %.5f nats (95%% CI [%.5f, %.5f]); "
                            + "mutual information is >= 0 and a constant critic attains 0, so 0 is reported", est, lo, hi);
            LOG.warn(raw);
            warnings.add(raw);
        }
        est = Math.max(0, est);
        lo = Math.max(0, lo);
        hi = Math.max(0, hi);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ConvergenceMonitor m = trained.monitor;
        MiResult.Convergence conv = new MiResult.Convergence(trained.bestStep, m.converged(), m.stillIncreasing(),
                trained.retried, trained.learningRate, trained.retried ? trained.learningRate : Double.NaN,
                trained.nValidation, m.steps(), m.values(), trained.finalBatch, trained.growthSteps);
        // how far the estimate can be trusted (issue 4: near the estimator's limit, never silent)
        double ess = eval.marginalEss();
        boolean near = EstimatorReach.nearLimit(hi, eval.count(), ess, eval.marginalPairs());
        if (near) {
            String w = EstimatorReach.warning(boundName, est, hi, eval.count(), ess, eval.marginalPairs());
            LOG.warn(w);
            warnings.add(w);
        }
        MiResult.Reliability rel = new MiResult.Reliability(ess, EstimatorReach.reachNats(eval.count()), near);
        return new MiResult(est, lo, hi, eval.stdError(), stats.rows(), stats.dropped(),
                nTrain, eval.count(), trained.stepsRun, boundName, kernels, seconds, trained.seconds,
                trained.samples / trained.seconds, trained.curve, MiResult.STATUS_OK,
                warnings, conv, sig, rel);
    }

    /**
     * The significance verdict: with a permutation test, {@code dependent} iff
     * {@code p <= significance-level}, and the null mean and spread of the raw bound {@code est}
     * over the re-paired replicates; without one ({@code perm} null), {@code dependent} iff the raw
     * 95% CI lower end {@code lo} is above 0.
     */
    static MiResult.Significance significance(PermutationStats perm, double est, double lo, MineSpec spec) {
        if (perm == null || perm.count() == 0) {
            return new MiResult.Significance(MiResult.Significance.TEST_CI, 0, Double.NaN, Double.NaN, lo > 0, Double.NaN,
                    Double.NaN);
        }
        double p = perm.pValue();
        double alpha = spec.significanceLevel();
        MiResult.Significance s = new MiResult.Significance(MiResult.Significance.TEST_PERMUTATION, perm.replicates(), alpha, p, p <= alpha,
                perm.nullMean(est), perm.nullStd(est));
        LOG.info(String.format(Locale.ROOT, "permutation test: p = %.4g over %d replicates (null bound %.4f +- %.4f nats)"
                + ": %s at level %s", p, perm.replicates(), s.nullMeanNats(), s.nullStdNats(),
                s.dependent() ? "dependent" : "no evidence of dependence", alpha));
        return s;
    }

    /**
     * The cached training blocks, their row count, every partition's share of the batch, and the
     * largest global batch the blocks can hold ({@code min(rows, parts * smallest block)}: every
     * share of {@link #splitBatch} fits its block), which caps the adaptive batch growth.
     */
    private record TrainingData(JavaRDD<FloatBlock> blocks, long rows, int[] batchPerPartition, int batchLimit) {
    }

    /**
     * A training run: the kept weights (best on validation, else the last), the per-step minibatch
     * DV estimates of the steps run, the wall time of the step loop (without validation passes),
     * the steps run, the step count of the kept weights, the monitor with the validation history
     * and flags, the learning rate used, whether this is the retry after a divergence, the
     * validation rows, the global batch of the last step, the steps after which the batch grew, and
     * the training rows drawn in all (for samples per second).
     */
    private record Trained(float[][] params, double[] curve, double seconds, int stepsRun, int bestStep,
                           ConvergenceMonitor monitor, double learningRate, boolean retried, long nValidation,
                           int finalBatch, int[] growthSteps, double samples) {
    }

    /**
     * Caches the training rows as one block per partition and checks that the batch fits: the
     * whole batch within the training rows, each partition's share within its rows (errors name
     * the flag and the numbers; nothing stays cached after an error).
     */
    private static TrainingData trainingData(JavaRDD<Tuple2<Byte, float[]>> tagged, int parts, long seed,
                                             ColumnLayout layout, MineSpec spec, long validRows) {
        JavaRDD<FloatBlock> blocks = buildBlocks(tagged, parts, seed, layout.dx(), layout.dy());
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        List<Integer> blockRows = blocks.map(FloatBlock::rows).collect();
        long nTrain = 0;
        for (int n : blockRows) {
            nTrain += n;
        }
        if (spec.batchSize() > nTrain) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("--batch-size " + spec.batchSize() + " is larger than the " + nTrain
                    + " training rows (" + validRows + " usable rows, eval-fraction " + spec.evalFraction()
                    + " held out); expected at most " + nTrain + ": use a smaller --batch-size or more data");
        }
        int[] perPart = splitBatch(spec.batchSize(), blockRows.size());
        for (int p = 0; p < perPart.length; p++) {
            if (blockRows.get(p) < Math.max(1, perPart[p])) {
                blocks.unpersist(false);
                throw new IllegalArgumentException("training partition " + p + " of " + perPart.length + " has "
                        + blockRows.get(p) + " rows but its share of --batch-size " + spec.batchSize() + " is " + perPart[p]
                        + " rows; use fewer partitions (--partitions), a smaller --batch-size or more data ("
                        + nTrain + " training rows in all)");
            }
        }
        LOG.info("training sample: {} rows in {} partitions ({} MiB as floats), batch {} per step",
                nTrain, blockRows.size(), String.format(Locale.ROOT, "%.1f",
                        nTrain * 4.0 * (layout.dx() + layout.dy()) / (1 << 20)), spec.batchSize());
        int minBlock = Integer.MAX_VALUE;
        for (int n : blockRows) {
            minBlock = Math.min(minBlock, n);
        }
        long limit = Math.min(nTrain, (long) minBlock * blockRows.size());
        return new TrainingData(blocks, nTrain, perPart, (int) Math.min(Integer.MAX_VALUE, Math.max(limit, spec.batchSize())));
    }

    /**
     * One training run from fresh weights at learning rate {@code lr}: segments of
     * {@code eval-every} steps ({@link TrainingLoop#run}), each followed by a validation pass whose
     * DV value feeds the {@link ConvergenceMonitor} (keep the best weights, stop after
     * {@code patience} passes without improvement). A divergent minibatch or validation value ends
     * the run at once with {@code monitor.diverged()} set.
     */
    private static Trained train(TrainingData td, ValidationData validation, CriticShape shape, Bound bound,
                                 Kernels driverKernels, MineSpec spec, double lr, ProgressListener listener,
                                 int attempt, String firstDivergence, Checkpoints ck,
                                 org.minespark.core.TrainingCheckpoint resume) {
        long nValidation = validation == null ? 0 : validation.rows;
        long seed = spec.seed();
        MineOptimizer opt = new MineOptimizer(shape, shape.init(Seeds.derive(seed, INIT)), lr,
                bound, driverKernels).withCosineDecay(spec.steps(), spec.lrFinalFraction());
        TrainingLoop trainer = Trainers.create(spec.trainer(), td.blocks, shape, spec.kernels(), td.batchPerPartition, seed);
        ConvergenceMonitor monitor = ConvergenceMonitor.forBound(spec.patience(), spec.minDelta(), bound.name());
        BatchGrowth growth = spec.batchGrowth() && BatchGrowth.appliesTo(spec.bound()) && validation != null
                ? new BatchGrowth(true, spec.batchGrowthPairs(), spec.maxBatchSize()) : BatchGrowth.OFF;
        int parts = td.batchPerPartition.length;
        int[] batch = {spec.batchSize()}; // the global batch of the next step
        int[] growthSteps = new int[0];
        double[] samples = {0}; // training rows drawn so far
        int total = spec.steps();
        double[] curve = new double[total];
        double[] smooth = {Double.NaN};
        long[] overhead = new long[total];
        long[] loopNanos = {0L};
        long tStart = System.nanoTime();
        int firstStep = resume == null ? 0 : resume.step(); // this process's first step (for the ETA)
        TrainingLoop.StepListener onStep = (step, dv, agg, stepNanos) -> {
            overhead[step] = stepNanos - agg.computeNanos();
            loopNanos[0] += stepNanos;
            curve[step] = dv;
            samples[0] += batch[0];
            if (monitor.onStep(step, dv)) {
                throw new Diverged();
            }
            smooth[0] = Double.isNaN(smooth[0]) ? dv : 0.98 * smooth[0] + 0.02 * dv;
            if ((step + 1) % spec.logEvery() == 0 || step + 1 == total) {
                double el = loopNanos[0] / 1e9;
                double sps = samples[0] / el;
                double eta = (System.nanoTime() - tStart) / 1e9 / (step + 1 - firstStep) * (total - step - 1);
                String line = String.format(Locale.ROOT, "step %d/%d  estimate %.4f nats (smoothed)  %.0f samples/s  ETA %.0fs",
                        step + 1, total, smooth[0], sps, eta);
                if (listener != null) {
                    // the listener reports progress itself: keep ours for debugging only
                    LOG.debug(line);
                    listener.onProgress(step + 1, total, smooth[0], sps, eta);
                } else {
                    LOG.info(line);
                }
            }
        };
        int every = validation != null ? spec.evalEvery() : total;
        float[][] kept = null;
        int keptStep = 0;
        int done = 0;
        boolean finished = false;
        if (resume != null) {
            // continue exactly where the checkpoint left off: same weights, optimiser and monitor
            // state, and the step count is the position of every random stream
            resume.restore(opt, monitor);
            done = resume.step();
            System.arraycopy(resume.curve(), 0, curve, 0, done);
            kept = resume.kept();
            keptStep = resume.keptStep();
            loopNanos[0] = (long) (resume.trainingSeconds() * 1e9);
            finished = resume.finished();
            growthSteps = resume.batchGrowthSteps();
            if (resume.batchSize() > 0) {
                batch[0] = resume.batchSize();
                trainer.setBatchPerPartition(splitBatch(batch[0], parts));
            }
            samples[0] = samplesDrawn(spec.batchSize(), growthSteps, batch[0], done);
        }
        try {
            while (!finished && done < total) {
                int to = ck.segmentEnd(done, Math.min(total, (done / every + 1) * every));
                trainer.run(done, to, TRAIN, opt, onStep);
                done = to;
                if (validation == null || done % every != 0 && done != total) {
                    if (ck.due(done) || done == total) {
                        ck.save(org.minespark.core.TrainingCheckpoint.capture(ck.fingerprint, attempt, lr,
                                firstDivergence, done, done == total, opt, monitor, kept, keptStep, curve,
                                loopNanos[0] / 1e9).withBatch(batch[0], growthSteps));
                    }
                    continue;
                }
                BoundStats v = validate(validation.blocks, opt.params(), shape, bound, spec.kernels(), seed,
                        spec.evalPairings());
                // adaptive batch growth (decided on this pass, used from the next step): a growth
                // restarts the patience window before this pass is counted, so the run is never
                // stopped at the pass where its gradient noise level changes (patience >= 2)
                // the held-out ESS per scored marginal pair, times the batch's marginal pairs
                long vPairs = Math.max(1L, v.marginalPairs());
                int grown = done < total && Double.isFinite(v.estimate())
                        ? growth.next(batch[0], v.marginalEss(), vPairs, td.batchLimit) : batch[0];
                if (grown > batch[0]) {
                    LOG.info(String.format(Locale.ROOT, "batch %d -> %d at step %d: ~%.1f effective marginal pairs"
                                    + " per step (held-out ESS %.1f of %d; threshold %s)", batch[0], grown, done,
                            BatchGrowth.effectivePairsPerStep(v.marginalEss(), vPairs, batch[0]), v.marginalEss(),
                            v.marginalPairs(), growth.minEffectivePairs()));
                    batch[0] = grown;
                    trainer.setBatchPerPartition(splitBatch(grown, parts));
                    growthSteps = java.util.Arrays.copyOf(growthSteps, growthSteps.length + 1);
                    growthSteps[growthSteps.length - 1] = done;
                    monitor.resetPatience();
                }
                ConvergenceMonitor.Verdict verdict = monitor.onValidation(done, v.estimate());
                LOG.info(String.format(Locale.ROOT, "validation after step %d: %.4f nats (best %.4f after step %d)%s",
                        done, v.estimate(), monitor.best(), monitor.bestStep(), growth.enabled()
                                ? String.format(Locale.ROOT, "; ~%.1f effective marginal pairs per step at batch %d",
                                BatchGrowth.effectivePairsPerStep(v.marginalEss(), vPairs, batch[0]), batch[0])
                                : ""));
                if (verdict == ConvergenceMonitor.Verdict.DIVERGED) {
                    throw new Diverged();
                }
                if (monitor.bestStep() == done) {
                    // a new best (also when this pass ends the patience: BEST or STOP)
                    kept = opt.snapshot();
                    keptStep = done;
                }
                boolean stop = verdict == ConvergenceMonitor.Verdict.STOP;
                if (ck.due(done) || stop || done == total) {
                    ck.save(org.minespark.core.TrainingCheckpoint.capture(ck.fingerprint, attempt, lr,
                            firstDivergence, done, stop || done == total, opt, monitor, kept, keptStep, curve,
                            loopNanos[0] / 1e9).withBatch(batch[0], growthSteps));
                }
                if (stop) {
                    LOG.info("early stop after step {}: no validation gain above {} nats in {} passes; keeping the"
                            + " weights of step {}", done, spec.minDelta(), spec.patience(), keptStep);
                    break;
                }
            }
        } catch (Diverged e) {
            int ran = opt.stepsDone();
            LOG.warn("training diverged at learning rate {} after {} steps: {}", rate(lr), ran, monitor.divergence());
            return new Trained(null, java.util.Arrays.copyOf(curve, ran), loopNanos[0] / 1e9, ran, 0, monitor, lr,
                    false, nValidation, batch[0], growthSteps, samples[0]);
        }
        if (kept == null) {
            kept = opt.snapshot();
            keptStep = done;
        }
        double seconds = loopNanos[0] / 1e9;
        long[] ov = java.util.Arrays.copyOfRange(overhead, Math.min(firstStep, done), done);
        java.util.Arrays.sort(ov);
        LOG.info(String.format(Locale.ROOT, "training: %d of %d steps in %.1f s (%.1f s with validation), median"
                        + " distribution overhead %.2f ms per step", done, total, seconds,
                (System.nanoTime() - tStart) / 1e9, ov.length == 0 ? 0.0 : ov[ov.length / 2] / 1e6));
        if (growthSteps.length > 0) {
            LOG.info("batch growth: {} -> {} rows per step, grown after steps {}", spec.batchSize(), batch[0],
                    java.util.Arrays.toString(growthSteps));
        }
        return new Trained(kept, java.util.Arrays.copyOf(curve, done), seconds, done, keptStep, monitor, lr, false,
                nValidation, batch[0], growthSteps, samples[0]);
    }

    /**
     * The chosen bound of {@code params} on the cached validation blocks: one chunk per block, marginal
     * pairs by a shift drawn from a stream fixed per partition, so every pass pairs the same rows
     * and successive passes differ only by the weights.
     */
    static BoundStats validate(JavaRDD<FloatBlock> blocks, float[][] params, CriticShape shape, Bound bound,
                               String kernels, long seed, int pairings) {
        final float[][] p = params;
        return Merge.ordered(blocks.mapPartitionsWithIndex((pi, it) -> {
            Kernels k = Kernels.forName(kernels);
            BoundStats s = newStats(bound, pairings);
            while (it.hasNext()) {
                FloatBlock b = it.next();
                if (b.rows() < 2) {
                    continue;
                }
                PartitionWorker w = PartitionWorker.acquire(shape, k, evalRows(Math.min(b.rows(), 4096), shape), bound);
                try {
                    w.evaluateChunk(p, b.x(), b.y(), b.rows(), new SplittableRandom(Seeds.derive(seed, VALIDATE, pi)), s);
                } finally {
                    PartitionWorker.release(w);
                }
            }
            return Collections.singletonList(s).iterator();
        }, false), bound.newStats(), BoundStats::merge, Integer.MAX_VALUE);
    }

    /**
     * A held-out accumulator of the bound scoring {@code pairings} marginal pairings per row
     * ({@link MineSpec#evalPairings()}); all-pairs bounds (infonce) score their groups' pairings
     * and take one.
     */
    static BoundStats newStats(Bound bound, int pairings) {
        BoundStats s = bound.newStats();
        return bound.groupSize() > 0 ? s : s.withMarginalPairings(pairings);
    }

    /**
     * Rows per critic pass of an evaluation worker: {@code rows}, divided by the positions of tensor
     * rows so a pass scores at most {@code rows} critic rows (at least one data row).
     */
    static int evalRows(int rows, CriticShape shape) {
        return Math.max(1, rows / shape.positions());
    }

    /**
     * Training partitions when {@code --partitions} is not given: one per task slot, i.e. Spark's
     * default parallelism (the executor cores) divided by {@code spark.task.cpus}, so every
     * synchronous training task of a step can run at the same time (the stream trainer's barrier
     * stage requires it; with more partitions than slots the jobs trainer would run each step in
     * several waves).
     */
    static int defaultPartitions(JavaSparkContext jsc) {
        int taskCpus = Math.max(1, jsc.getConf().getInt("spark.task.cpus", 1));
        return Math.max(1, jsc.defaultParallelism() / taskCpus);
    }

    /**
     * Training rows drawn in the first {@code done} steps of a run that started at batch
     * {@code initial}, grew after the given steps and now runs at {@code current}: every growth
     * doubles the batch except perhaps the last, which may be capped (for samples per second after a
     * resume; approximate only if a cap applied before the last growth, which doubling rules out).
     */
    static double samplesDrawn(int initial, int[] growthSteps, int current, int done) {
        double s = 0;
        int b = initial;
        int from = 0;
        for (int i = 0; i < growthSteps.length; i++) {
            s += (double) b * (Math.min(growthSteps[i], done) - from);
            from = Math.min(growthSteps[i], done);
            b = i == growthSteps.length - 1 ? current : 2 * b;
        }
        return s + (double) b * (done - from);
    }

    /** Splits a global batch over {@code parts} partitions as evenly as possible. */
    static int[] splitBatch(int batch, int parts) {
        int[] b = new int[parts];
        for (int p = 0; p < parts; p++) {
            b[p] = batch / parts + (p < batch % parts ? 1 : 0);
        }
        return b;
    }

    /**
     * Standardised float rows tagged {@link #TRAIN_ROW}, {@link #VALIDATION_ROW} or {@link #TEST_ROW},
     * streamed (no per-partition buffer). A row is held out when a uniform derived from (seed,
     * SPLIT, input partition, row index) is below {@code evalFraction}; a held-out row is a
     * validation row when a second uniform, from (seed, VALIDATION_SPLIT, partition, row index), is
     * below {@code validationFraction}, else a test row. The train/held-out split does not depend on
     * {@code validationFraction}.
     */
    static JavaRDD<Tuple2<Byte, float[]>> streamTagged(JavaRDD<Row> rows, ColumnLayout lay, int dims, long seed,
                                                       double evalFraction, double validationFraction,
                                                       double sampleFraction, double[] mean, double[] invStd) {
        return streamTagged(rows, lay, dims, seed, evalFraction, validationFraction, sampleFraction, mean, invStd, null);
    }

    /** As above, with the rows mapped by {@code scores} (normal-scores transform) instead of standardised when not null. */
    static JavaRDD<Tuple2<Byte, float[]>> streamTagged(JavaRDD<Row> rows, ColumnLayout lay, int dims, long seed,
                                                       double evalFraction, double validationFraction,
                                                       double sampleFraction, double[] mean, double[] invStd,
                                                       NormalScores scores) {
        return rows.mapPartitionsWithIndex((pi, it) -> {
            double[] v = new double[dims];
            return new MappingIterator<Row, Tuple2<Byte, float[]>>(it) {
                @Override
                protected Tuple2<Byte, float[]> map(Row row, long rowId) {
                    if (!lay.extract(row, v)) {
                        return null;
                    }
                    byte role = role(seed, pi, rowId, evalFraction, validationFraction, sampleFraction);
                    if (role == SKIP) {
                        return null;
                    }
                    return new Tuple2<>(role, scores == null ? standardised(v, dims, mean, invStd) : scored(v, dims, scores));
                }
            };
        }, true);
    }

    /** Not in the data: a training row left out of the bounded training sample. */
    static final byte SKIP = -1;

    /**
     * A row's part from its seeded uniforms (see {@link #streamTagged}): {@link #TRAIN_ROW},
     * {@link #VALIDATION_ROW}, {@link #TEST_ROW}, or {@link #SKIP} for a training row outside the
     * {@code sampleFraction} sample. With {@code validationFraction} 0 every held-out row is a test row.
     */
    static byte role(long seed, int partition, long rowId, double evalFraction, double validationFraction,
                     double sampleFraction) {
        boolean eval = Seeds.unit(Seeds.derive(seed, SPLIT, partition, rowId)) < evalFraction;
        if (!eval) {
            return sampleFraction < 1.0 && Seeds.unit(Seeds.derive(seed, SAMPLE, partition, rowId)) >= sampleFraction
                    ? SKIP : TRAIN_ROW;
        }
        return Seeds.unit(Seeds.derive(seed, VALIDATION_SPLIT, partition, rowId)) < validationFraction
                ? VALIDATION_ROW : TEST_ROW;
    }

    /** The normal scores of the first {@code n} values, as floats. */
    static float[] scored(double[] v, int n, NormalScores scores) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) scores.apply(i, v[i]);
        }
        return f;
    }

    /** Rows of the normal-scores sample: {@link #NORMAL_SCORES_ROWS}, fewer for wide rows (at most 4M values), at most the valid rows. */
    static long scoresSampleRows(int dims, long valid) {
        return Math.min(valid, Math.min(NORMAL_SCORES_ROWS, 4_000_000L / Math.max(1, dims)));
    }

    /**
     * Fits the normal-scores transform on a seeded Bernoulli sample of about
     * {@link #scoresSampleRows} valid rows, gathered on the driver (bounded: at most 4M values, and
     * only those rows, never the table).
     */
    static NormalScores fitNormalScores(JavaRDD<Row> rows, ColumnLayout lay, int dims, long valid, long seed) {
        double fraction = Math.min(1.0, (double) scoresSampleRows(dims, valid) / Math.max(1, valid));
        List<double[]> sample = rows.mapPartitionsWithIndex((pi, it) -> {
            double[] v = new double[dims];
            return new MappingIterator<Row, double[]>(it) {
                @Override
                protected double[] map(Row row, long rowId) {
                    if (!lay.extract(row, v)) {
                        return null;
                    }
                    return Seeds.unit(Seeds.derive(seed, NORMAL_SCORES_SAMPLE, pi, rowId)) < fraction ? v.clone() : null;
                }
            };
        }, true).collect();
        if (sample.isEmpty()) {
            throw new IllegalStateException("the normal-scores sample is empty although " + valid + " rows are valid");
        }
        double[][] perDim = new double[dims][sample.size()];
        for (int r = 0; r < sample.size(); r++) {
            double[] row = sample.get(r);
            for (int d = 0; d < dims; d++) {
                perDim[d][r] = row[d];
            }
        }
        return NormalScores.fit(perDim, NormalScores.DEFAULT_KNOTS);
    }

    /** {@code (v[i] - mean[i]) * invStd[i]} for the first {@code n} values, as floats. */
    static float[] standardised(double[] v, int n, double[] mean, double[] invStd) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) ((v[i] - mean[i]) * invStd[i]);
        }
        return f;
    }

    /**
     * Spreads training rows over {@code parts} partitions by a seeded random 64-bit key and sorts
     * each partition by it, then packs each partition into one block. Sorting by the key (rather
     * than keeping shuffle-fetch order, which depends on which map output arrives first) makes the
     * block's row order, and so the whole training run, reproducible for a given seed.
     */
    static JavaRDD<FloatBlock> buildBlocks(JavaRDD<Tuple2<Byte, float[]>> tagged, int parts, long seed, int dx, int dy) {
        return buildBlocks(tagged, TRAIN_ROW, parts, seed, SPREAD, dx, dy);
    }

    /** The rows of one role packed as in {@link #buildBlocks(JavaRDD, int, long, int, int)}, spread with {@code purpose}. */
    static JavaRDD<FloatBlock> buildBlocks(JavaRDD<Tuple2<Byte, float[]>> tagged, byte role, int parts, long seed,
                                           long purpose, int dx, int dy) {
        return randomlyOrdered(tagged.filter(t -> t._1() == role), parts, seed, purpose).mapPartitions(it -> {
            FloatList xs = new FloatList(1024 * dx);
            FloatList ys = new FloatList(1024 * dy);
            int n = 0;
            while (it.hasNext()) {
                float[] f = it.next()._2();
                xs.add(f, 0, dx);
                ys.add(f, dx, dy);
                n++;
            }
            return Collections.singletonList(new FloatBlock(n, dx, dy, xs.toArray(), ys.toArray())).iterator();
        });
    }

    /**
     * The rows keyed by a random 64-bit key from a stream derived from (seed, purpose, source
     * partition), hash-partitioned into {@code parts} partitions and sorted by the key within each
     * (an external, spill-capable sort): a random order that file order cannot influence.
     */
    static JavaPairRDD<Long, float[]> randomlyOrdered(JavaRDD<Tuple2<Byte, float[]>> rows, int parts, long seed,
                                                      long purpose) {
        return rows.mapPartitionsWithIndex((pi, it) -> {
            SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, purpose, pi));
            return new Iterator<Tuple2<Long, float[]>>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Tuple2<Long, float[]> next() {
                    return new Tuple2<>(rnd.nextLong(), it.next()._2());
                }
            };
        }, false).mapToPair(t -> t).repartitionAndSortWithinPartitions(new HashPartitioner(parts));
    }

    /** One streaming pass over the test rows, randomly spread and ordered, merged on the driver. */
    static EvalStats evaluate(JavaSparkContext jsc, JavaRDD<Tuple2<Byte, float[]>> tagged, float[][] params,
                              CriticShape shape, Bound bound, String kernels, int parts, long seed, int chunkRows,
                              int permutations, int pairings) {
        JavaPairRDD<Long, float[]> keyed = randomlyOrdered(tagged.filter(t -> t._1() == TEST_ROW), parts, seed, EVAL);
        Broadcast<float[][]> bc = jsc.broadcast(params);
        try {
            int dx = shape.xWidth();
            int dy = shape.yWidth();
            return Merge.ordered(keyed
                    .mapPartitionsWithIndex((pi, it) -> {
                        Kernels k = Kernels.forName(kernels);
                        PartitionWorker w = PartitionWorker.acquire(shape, k, evalRows(Math.min(chunkRows, 4096), shape),
                                bound);
                        SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, EVAL, 1000003L + pi));
                        BoundStats s = newStats(bound, pairings);
                        PermutationStats ps = permutations > 0 ? new PermutationStats(permutations) : null;
                        SplittableRandom prnd = new SplittableRandom(Seeds.derive(seed, PERMUTE, pi));
                        float[] x = new float[chunkRows * dx];
                        float[] y = new float[chunkRows * dy];
                        float[][] p = bc.value();
                        int c = 0;
                        while (it.hasNext()) {
                            float[] f = it.next()._2();
                            System.arraycopy(f, 0, x, c * dx, dx);
                            System.arraycopy(f, dx, y, c * dy, dy);
                            if (++c == chunkRows) {
                                w.evaluateChunk(p, x, y, c, rnd, s, ps, prnd);
                                c = 0;
                            }
                        }
                        w.evaluateChunk(p, x, y, c, rnd, s, ps, prnd);
                        PartitionWorker.release(w);
                        return Collections.singletonList(new EvalStats(s, ps)).iterator();
                    }, false), new EvalStats(bound.newStats(), permutations > 0 ? new PermutationStats(permutations) : null),
                    EvalStats::merge, Integer.MAX_VALUE);
        } finally {
            bc.destroy();
        }
    }
}
