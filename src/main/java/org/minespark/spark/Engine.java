package org.minespark.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.minespark.spec.MineSpec;
import org.minespark.spec.PairResult;
import org.minespark.spec.PlugIn;
import org.minespark.core.Bound;
import org.minespark.core.BoundStats;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;
import org.minespark.core.NormalScores;
import org.minespark.core.TrainingCheckpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The one engine behind {@code estimate} and {@code pairs}: a {@link Plan} of N &ge; 1 pairs runs
 * through the same stages.
 * <ol>
 * <li>{@link InputChecks}: counts, moments, overflow rescan, constant sides and exact affine
 *     relations per pair, from one distributed pass over the wide row;</li>
 * <li>the transform ({@code standardize} or {@code normal-scores}) of every dimension;</li>
 * <li>{@link TaggedRows}: rows split train / validation / test by seeded hashes, a bounded random
 *     sample of the training rows cached as one wide block per partition, the validation rows
 *     likewise, and a bounded random sample of the test rows ({@code max-test-rows});</li>
 * <li>training in {@link Pass}es of at most {@code pairsPerPass} critics (shared minibatch rows,
 *     per-critic batch growth, early stopping, checkpoints for one-critic plans), on the stream or
 *     jobs trainer ({@link PassSteps}); a critic that diverges (or whose held-out estimate is not
 *     finite) is retried once from scratch at {@code lr / }{@link #RETRY_LR_DIVISOR};</li>
 * <li>{@link Evaluation} of the kept weights of each pass on the test rows, with the permutation
 *     test.</li>
 * </ol>
 * Stages 4 and 5 per pass, and every pair's {@link Outcome}, are {@link Outcomes}'; the engine
 * owns the data, the retry and the checkpoints.
 * A pair's result does not depend on the other pairs of its pass (every random stream is per
 * critic, or shared and then drawn identically), so {@code pairs} with one pair gives bit for bit
 * what {@code estimate} gives.
 */
final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    // stream purposes of Seeds.derive: every random choice of a run is a function of (seed, purpose, ...)
    static final long SPLIT = 1;
    static final long SAMPLE = 2;
    static final long SPREAD = 3;
    static final long TRAIN = 4;
    static final long EVAL = 5;
    static final long INIT = 6;
    static final long VALIDATION_SPLIT = 7;
    static final long VALIDATION_SPREAD = 8;
    static final long VALIDATE = 9;
    static final long PERMUTE = 10;
    static final long NULL_RETRAIN = 11;
    static final long NULL_PERMUTE = 12;
    static final long NULL_TEST_SPREAD = 13;
    static final long NULL_EVAL = 14;
    static final long NORMAL_SCORES_SAMPLE = 15;
    static final long TEST_SAMPLE = 16;

    /** After a divergence the one retry runs at the learning rate divided by this. */
    static final double RETRY_LR_DIVISOR = 10.0;
    /** {@link #RETRY_LR_DIVISOR}; tests set 1 to make the retry repeat the first attempt's divergence bit for bit. */
    static volatile double retryDivisor = RETRY_LR_DIVISOR;

    /** Progress of a run, on the driver thread after every step. */
    interface Progress {
        /**
         * @param step       steps done in the current pass (1-based)
         * @param steps      steps planned per pass
         * @param pairsDone  pairs whose training is over
         * @param pairsTotal pairs of the plan
         * @param smoothed   smoothed minibatch value of the pass's first critic
         * @param sps        training rows per second of the pass's first critic
         * @param eta        seconds until training of all pairs ends (NaN before the first step)
         */
        void onStep(int step, int steps, int pairsDone, int pairsTotal, double smoothed, double sps, double eta);
    }

    /** The cached validation rows (one block per partition) and their number. */
    record Validation(JavaRDD<FloatBlock> blocks, long rows) {
    }

    /** What every pass of a run shares. */
    record Run(Plan plan, MineSpec spec, CriticShape[] shapes, Bound bound, long seed, JavaRDD<FloatBlock> blocks,
               int batchLimit, Validation validation, Work work) {
    }

    /**
     * A pair's outcome: its status ({@link PairResult#OK}, {@code CONSTANT}, {@code UNBOUNDED},
     * {@code DIVERGED}, {@code FAILED}), why it has no estimate (null for OK), its training (null
     * when not trained), its test-row statistics (null when not evaluated), its warnings and its
     * share of the wall time.
     */
    record Outcome(String status, String message, Pass.Trained trained, EvalStats eval, List<String> warnings,
                   double seconds) {
    }

    private final JavaSparkContext jsc;
    private final Plan plan;
    private final MineSpec spec;
    private final CriticShape[] shapes;
    private final Bound bound;
    private final long seed;
    private final int parts;
    private final InputChecks checks;
    /** The tagged rows of one role ({@link TaggedRows#tag}), lazily. */
    private final java.util.function.Function<Byte, JavaRDD<float[]>> tagged;
    private final double validationFraction;
    private JavaRDD<FloatBlock> blocks;
    private Validation validation;
    private long nTrain;
    private int batchLimit;
    private BoundStats ensemble;

    /**
     * Runs the input checks and sets up the transform and the tagged rows (lazily: nothing is
     * cached yet) of {@code plan} over {@code rows} (the selected columns as {@link RowLayout} reads them).
     */
    Engine(JavaSparkContext jsc, JavaRDD<Row> rows, Plan plan, MineSpec spec, CriticShape[] shapes) {
        this.jsc = jsc;
        this.plan = plan;
        this.spec = spec;
        this.shapes = shapes;
        this.bound = Bound.forName(spec.bound(), spec.emaAlpha(), spec.smileTau(), spec.infonceK());
        this.seed = spec.seed();
        this.parts = spec.partitions() > 0 ? spec.partitions() : defaultPartitions(jsc);
        this.checks = InputChecks.run(rows, plan);
        double[] mean = checks.mean();
        double[] invStd = checks.invStd();
        if (plan.positions() > 1) {
            TensorShapes.poolPositions(mean, invStd, plan.positions(), plan.pairs().get(0).xDims().length
                    / plan.positions(), plan.pairs().get(0).yDims().length / plan.positions());
        }
        long valid = checks.stats().valid();
        double expectedTrain = valid * (1 - spec.evalFraction());
        int width = plan.layout().width();
        double cap = Math.min(spec.maxTrainRows(), CachedRows.rowCap(CachedRows.CACHE_BYTES, width));
        if (cap < spec.maxTrainRows() && expectedTrain > cap) {
            LOG.info(String.format(Locale.ROOT, "training sample: at most %.0f rows, not --max-train-rows %d: %d floats"
                    + " a row, %d MiB of cached rows at most", cap, spec.maxTrainRows(), width, CachedRows.CACHE_BYTES >> 20));
        }
        double sampleFraction = capFraction(expectedTrain, cap, 0);
        this.validationFraction = CachedRows.validationFraction(spec, valid, width);
        double expectedTest = valid * spec.evalFraction() * (1 - validationFraction);
        double testCap = spec.maxTestRows();
        double testFraction = capFraction(expectedTest, testCap, testCap / 2);
        if (testFraction < 1.0) {
            LOG.info(String.format(Locale.ROOT, "test rows: a seeded sample of about %.0f of the %.0f expected held-out test"
                    + " rows (--max-test-rows %d)", testFraction * expectedTest, expectedTest, spec.maxTestRows()));
        }
        TaggedRows.Split split = new TaggedRows.Split(spec.evalFraction(), validationFraction, sampleFraction,
                testFraction);
        NormalScores scores = null;
        if ("normal-scores".equals(spec.transform())) {
            long tn = System.nanoTime();
            scores = TaggedRows.fitNormalScores(rows, plan.layout(), valid, seed, plan.positions() > 1
                    ? TensorShapes.featureGroups(plan.positions(), plan.pairs().get(0).xDims().length / plan.positions(),
                    plan.pairs().get(0).yDims().length / plan.positions()) : null);
            LOG.info(String.format(Locale.ROOT, "normal-scores transform: %d dimensions fitted on a sample of %d rows"
                            + " (%d knots per dimension at most), %.2f s", plan.layout().width(),
                    TaggedRows.scoresSampleRows(plan.layout().width(), valid), NormalScores.DEFAULT_KNOTS,
                    (System.nanoTime() - tn) / 1e9));
        }
        NormalScores fitted = scores;
        this.tagged = role -> TaggedRows.tag(rows, plan.layout(), seed, split, mean, invStd, fitted, role);
    }

    InputChecks checks() {
        return checks;
    }

    Bound bound() {
        return bound;
    }

    int partitions() {
        return parts;
    }

    /** Training rows cached (after {@link #run}). */
    long trainingRows() {
        return nTrain;
    }

    /**
     * Training partitions when {@code --partitions} is not given: one per task slot, i.e. Spark's
     * default parallelism divided by {@code spark.task.cpus}, so every synchronous training task of
     * a step can run at the same time (the stream trainer's barrier stage requires it).
     */
    static int defaultPartitions(JavaSparkContext jsc) {
        int taskCpus = Math.max(1, jsc.getConf().getInt("spark.task.cpus", 1));
        return Math.max(1, jsc.defaultParallelism() / taskCpus);
    }

    /**
     * The Bernoulli fraction that keeps at most {@code cap} of about {@code expected} rows: 1 when they fit, else
     * {@code max(floor, cap - 4 sqrt(cap)) / expected}. Four binomial standard deviations below the cap, the sample
     * exceeds it with probability about 3e-5; {@code floor} keeps rows when the cap is so small that the margin would
     * take them all (training: 0; the test rows: half the cap).
     */
    static double capFraction(double expected, double cap, double floor) {
        return expected <= cap ? 1.0 : Math.max(floor, cap - 4 * Math.sqrt(cap)) / expected;
    }

    /** Splits a global batch over {@code parts} partitions as evenly as possible. */
    static int[] splitBatch(int batch, int parts) {
        int[] b = new int[parts];
        for (int p = 0; p < parts; p++) {
            b[p] = PassSteps.share(batch, parts, p);
        }
        return b;
    }

    /**
     * Training rows drawn in the first {@code done} steps of a run that started at batch
     * {@code initial}, grew after the given steps and now runs at {@code current}: every growth
     * doubles the batch except perhaps the last, which may be capped (for samples per second after a
     * resume).
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

    /** A learning rate for messages: 4 significant digits, plain notation ("0.0001", "1"). */
    static String rate(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /**
     * Trains and evaluates every trainable pair of the plan in passes of at most
     * {@code pairsPerPass}, and returns every pair's outcome in plan order. With a checkpoint
     * directory (plans with one trainable pair only) the training state is saved and
     * {@code resume} continues from it.
     */
    Outcome[] run(int pairsPerPass, Progress progress) {
        return run(pairsPerPass, progress, new String[plan.size()]);
    }

    /**
     * The screen's data: caches the training rows (which {@link #run} then trains on) and returns
     * every pair's plug-in estimate ({@link #plugIns}).
     */
    PlugIn[] screen() {
        cacheTraining();
        return plugIns();
    }

    /** As {@link #run(int, Progress)}, with pair m not trained when {@code skip[m]} (the reason) is not null. */
    Outcome[] run(int pairsPerPass, Progress progress, String[] skip) {
        int total = plan.size();
        Outcome[] out = new Outcome[total];
        List<Integer> trainable = Outcomes.trainable(checks, skip, out);
        if (trainable.isEmpty()) {
            return out;
        }
        cacheTraining();
        Work work = new Work(total, spec.steps(), (long) trainable.size() * spec.steps(), total - trainable.size(),
                progress);
        Run run = new Run(plan, spec, shapes, bound, seed, blocks, batchLimit, validation, work);
        Outcomes outcomes = new Outcomes(jsc, run, parts, checks, tagged(TaggedRows.TEST_ROW));
        Checkpointing.Checkpoints ck = Checkpointing.none(checks.warnings());
        // (the runners reject --resume without a directory, and pairs --checkpoint-dir with several
        // pairs, before any data is read; MineSpec turns a blank directory into null)
        if (spec.checkpointDir() != null) {
            if (trainable.size() != 1) {
                throw new IllegalArgumentException("--checkpoint-dir / mine.train.checkpoint-dir: a checkpoint holds the"
                        + " training state of one critic, and this run trains " + trainable.size() + " critics in shared"
                        + " passes; run the pairs separately to checkpoint them, or remove --checkpoint-dir");
            }
            int m = trainable.get(0);
            ck = Checkpointing.Checkpoints.open(jsc, spec, Checkpointing.fingerprint(spec, plan.pairs().get(m), parts,
                    checks.stats(), checks.mean(), checks.invStd(), nTrain, shapes[m]), checks.warnings());
        }
        double lr = spec.learningRate();
        List<Integer> toRetry = new ArrayList<>();
        String[] first = new String[total];
        TrainingCheckpoint resume = ck.resumeFrom;
        if (resume != null && resume.attempt() == 1) {
            // the checkpoint is of the retry: the first attempt's outcome is in it
            int m = trainable.get(0);
            toRetry.add(m);
            first[m] = resume.firstDivergence();
        } else {
            toRetry = outcomes.passes(trainable, pairsPerPass, lr, 0, null, ck, resume, out);
            for (int m : toRetry) {
                first[m] = divergence(out[m]);
            }
        }
        if (!toRetry.isEmpty()) {
            double lr2 = lr / retryDivisor;
            LOG.warn("{} critic(s) diverged at learning rate {}; retrying them once from scratch at {}", toRetry.size(),
                    rate(lr), rate(lr2));
            work.retry(toRetry.size());
            outcomes.passes(toRetry, pairsPerPass, lr2, 1, first, ck,
                    resume != null && resume.attempt() == 1 ? resume : null, out);
        }
        ck.discard();
        ensemble = toRetry.isEmpty() ? outcomes.ensemble() : null;
        return out;
    }

    /** Why outcome o diverged (its monitor's reason or the non-finite held-out value), or null. */
    private static String divergence(Outcome o) {
        return PairResult.DIVERGED.equals(o.status()) ? o.message() : null;
    }

    /** Caches the training and validation rows ({@link CachedRows}); nothing stays cached after an error. */
    private void cacheTraining() {
        if (blocks != null) {
            return;
        }
        CachedRows c = CachedRows.cache(tagged(TaggedRows.TRAIN_ROW), tagged(TaggedRows.VALIDATION_ROW),
                plan.layout().width(), parts, seed, spec, checks, validationFraction);
        blocks = c.blocks();
        validation = c.validation();
        nTrain = c.trainingRows();
        batchLimit = c.batchLimit();
    }

    /** The retrained permutation null of pair {@code m} ({@link NullRetraining}); call after {@link #run}. */
    double[] retrainedNull(int m) {
        return blocks == null ? new double[0] : NullRetraining.run(this, m);
    }

    /**
     * The plug-in estimate beside MINE of every pair ({@link PlugInPass}: pairs whose x and y are one
     * dimension each, over the cached training rows); call after {@link #run}. All
     * {@link PlugIn#NONE} when nothing was trained (no rows cached).
     */
    PlugIn[] plugIns() {
        if (blocks == null) {
            PlugIn[] none = new PlugIn[plan.pairs().size()];
            java.util.Arrays.fill(none, PlugIn.NONE);
            return none;
        }
        long t = System.nanoTime();
        double[] share = new double[plan.size()];
        for (int m = 0; m < share.length; m++) {
            share[m] = checks.completeShare(m);
        }
        PlugIn[] p = PlugInPass.run(blocks, plan, nTrain, plan.layout().pairwise() ? share : null);
        LOG.info(String.format(Locale.ROOT, "plug-in estimates beside MINE: %.2f s", (System.nanoTime() - t) / 1e9));
        return p;
    }

    /** The rows of {@code role} ({@link TaggedRows#TRAIN_ROW}, {@code VALIDATION_ROW} or {@code TEST_ROW}), lazily. */
    JavaRDD<float[]> tagged(byte role) {
        return tagged.apply(role);
    }

    /**
     * The held-out statistics of the ensemble of a replicate plan's critics (the mean critic of
     * {@link org.minespark.core.CriticEnsemble}) after {@link #run}; null when there is none (one
     * critic, the separable critic, or a replicate that diverged or was retried).
     */
    BoundStats ensemble() {
        return ensemble;
    }

    JavaRDD<FloatBlock> blocks() {
        return blocks;
    }

    Validation validation() {
        return validation;
    }

    Plan plan() {
        return plan;
    }

    MineSpec spec() {
        return spec;
    }

    CriticShape[] shapes() {
        return shapes;
    }

    long seed() {
        return seed;
    }

    int batchLimit() {
        return batchLimit;
    }

    @Override
    public void close() {
        if (blocks != null) {
            blocks.unpersist(false);
        }
        if (validation != null) {
            validation.blocks().unpersist(false);
        }
    }
}
