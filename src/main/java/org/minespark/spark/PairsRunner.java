package org.minespark.spark;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.minespark.api.MiResult;
import org.minespark.api.MineInputException;
import org.minespark.api.MineSpec;
import org.minespark.api.PairResult;
import org.minespark.api.PairsProgressListener;
import org.minespark.api.PairsResult;
import org.minespark.api.PairsSpec;
import org.minespark.core.Bound;
import org.minespark.core.BoundStats;
import org.minespark.core.ColumnStats;
import org.minespark.core.ConvergenceMonitor;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MineOptimizer;
import org.minespark.core.MultiPairWorker;
import org.minespark.core.PermutationStats;
import org.minespark.core.Seeds;
import org.minespark.core.StepAggregate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.Tuple2;

/**
 * MI estimates for many pairs of columns (or column groups) in one job, sharing every data pass:
 * <ol>
 * <li>one stats pass over the wide row of all selected dimensions ({@link PairsLayout}; string
 *     columns one-hot encoded) for counts, means and deviations;</li>
 * <li>rows tagged train / validation / test by the same seeded hashes as {@link MineRunner}, the
 *     training rows cached as ONE standardised block per partition holding every dimension, the
 *     validation rows (as many as an estimate would use) cached the same way;</li>
 * <li>pairs trained together in passes of at most {@code pairsPerPass}: every synchronous step is
 *     one Spark job in which each partition draws one minibatch (shared rows and marginal
 *     permutation, see {@link MultiPairWorker}) and returns every active pair's
 *     {@link StepAggregate} in one task result; the driver merges per pair in partition order
 *     and steps one {@link MineOptimizer} per pair;</li>
 * <li>every {@code eval-every} steps one validation job evaluates all active pairs on the cached
 *     validation rows; one {@link ConvergenceMonitor} per pair keeps its best weights and stops
 *     it after {@code patience} evaluations without a gain above {@code min-delta}, exactly as an
 *     estimate does. A stopped (or diverged) pair is skipped by the later steps of its pass: its
 *     critic is no longer computed;</li>
 * <li>held-out evaluation of the kept weights of all pairs of a pass in one streaming pass over
 *     the test rows: a {@link BoundStats} (estimate and delta-method CI) per pair and, unless
 *     {@code permutations} is 0, the Monte-Carlo permutation test of independence per pair
 *     ({@link PermutationStats}, as the estimate's evaluation; each pair with its own streams, so
 *     its p-value does not depend on the other pairs), on at most {@link #PERMUTATION_MAX_ROWS}
 *     of the test rows.</li>
 * </ol>
 * A pair with a constant side gets MI 0 without training. A pair whose training diverges
 * (non-finite or collapsing minibatch/validation values, see {@link ConvergenceMonitor}) or whose
 * held-out estimate is not finite is retried once from scratch at {@code lr / }
 * {@link MineRunner#RETRY_LR_DIVISOR} in an extra pass with the other diverged pairs (as an
 * estimate retries); after a second divergence it is reported {@link PairResult#DIVERGED} with no
 * estimate (never NaN in the outputs). Any pair's failure leaves the other pairs unaffected.
 *
 * <p>Trainer ({@code --trainer}): {@code stream} (default) runs each segment of {@code eval-every}
 * steps of a pass as one barrier stage ({@link StreamTrainer#runSegment} with this pass's driver
 * and task sides: all pairs' weights out, all pairs' aggregates back, over the open connections);
 * {@code jobs} runs one Spark job per step. Same arithmetic in the same order: the same weights bit
 * for bit.
 */
public final class PairsRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PairsRunner.class);
    // the same stream purposes as MineRunner, so a pair sees the rows an estimate would
    private static final long TRAIN = 4;
    private static final long EVAL = 5;
    private static final long INIT = 6;
    private static final long VALIDATION_SPREAD = 8;
    private static final long VALIDATE = 9;
    private static final long PERMUTE = 10;

    /**
     * The retry's learning rate is {@code lr / retryDivisor}: {@link MineRunner#RETRY_LR_DIVISOR};
     * tests set 1 to make the retry repeat the first attempt's divergence bit for bit.
     */
    static volatile double retryDivisor = MineRunner.RETRY_LR_DIVISOR;

    /**
     * The permutation test of each pair uses at most about this many test rows: the first chunks
     * of every partition's randomly ordered test rows, {@code PERMUTATION_MAX_ROWS / partitions}
     * rows each (rounded up to whole chunks). The rows are chosen by their random position, not
     * their values, so the test stays exact; its resolution is still 1/(K+1). It bounds the cost:
     * every replicate is one more critic forward pass per row and pair, so K = 99 over the 2 M
     * test rows of a 10 M-row table and 20 pairs would be ~4 G row forwards, 20 times this cap's.
     * The estimate and its CI use all test rows.
     */
    public static final long PERMUTATION_MAX_ROWS = 100_000;
    /** {@link #PERMUTATION_MAX_ROWS}; tests lower it. */
    static volatile long permutationMaxRows = PERMUTATION_MAX_ROWS;

    private PairsRunner() {
    }

    /**
     * Estimates every pair of {@code ps} with the training settings {@link PairsSpec#training()}
     * (its x/y are ignored, its hidden widths replaced by {@link PairsSpec#hidden()}).
     *
     * @param progress receives pairs done / total and the ETA (may be null)
     */
    public static PairsResult run(Dataset<Row> data, PairsSpec ps, PairsProgressListener progress) {
        try {
            return runUnwrapped(data, ps, progress);
        } catch (RuntimeException e) {
            throw MineRunner.unwrap(e);
        }
    }

    /** Work in pair-steps, for the ETA: planned shrinks when a pair stops early, grows for a retry. */
    private static final class Work {
        final long t0 = System.nanoTime();
        final int total;
        final int steps;
        final PairsProgressListener listener;
        final int logEvery;
        long planned;
        long done;
        int pairsDone;

        Work(int total, int steps, long planned, int pairsDone, PairsProgressListener listener, int logEvery) {
            this.total = total;
            this.steps = steps;
            this.planned = planned;
            this.pairsDone = pairsDone;
            this.listener = listener;
            this.logEvery = logEvery;
        }

        double eta() {
            double el = (System.nanoTime() - t0) / 1e9;
            return done > 0 ? el / done * Math.max(0, planned - done) : Double.NaN;
        }

        void report(int step, String pass) {
            double eta = eta();
            if (listener != null) {
                listener.onProgress(pairsDone, total, step, steps, eta);
            }
            if (step % logEvery == 0 || step == steps) {
                LOG.info(String.format(Locale.ROOT, "pairs %d/%d done; %s step %d/%d; ETA %.0fs",
                        pairsDone, total, pass, step, steps, eta));
            }
        }
    }

    private static PairsResult runUnwrapped(Dataset<Row> data, PairsSpec ps, PairsProgressListener progress) {
        long t0 = System.nanoTime();
        MineSpec spec = ps.training();
        if (!MineSpec.DEFAULT_TRANSFORM.equals(spec.transform())) {
            throw new IllegalArgumentException("--transform / mine.data.transform " + spec.transform() + " is for estimate"
                    + " only: pairs standardises its columns; use --transform " + MineSpec.DEFAULT_TRANSFORM);
        }
        if (spec.checkpointDir() != null) {
            LOG.warn("pairs does not write checkpoints: --checkpoint-dir {} is ignored", spec.checkpointDir());
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        final long seed = spec.seed();
        Map.Entry<PairsLayout, Dataset<Row>> created = PairsLayout.create(data, ps.columns(), ps.categoricalTopK());
        final PairsLayout lay = created.getKey();
        final int width = lay.width();
        final int numWidth = lay.numericWidth();
        JavaRDD<Row> rows = created.getValue().javaRDD();

        ColumnStats stats = Merge.ordered(rows.mapPartitions((Iterator<Row> it) -> {
            ColumnStats s = new ColumnStats(width);
            double[] num = new double[numWidth];
            double[] v = new double[width];
            while (it.hasNext()) {
                if (lay.extract(it.next(), num, v)) {
                    s.add(v);
                } else {
                    s.addDropped();
                }
            }
            return Collections.singletonList(s).iterator();
        }), new ColumnStats(width), ColumnStats::merge, Integer.MAX_VALUE);
        if (stats.valid() < MineRunner.MIN_ROWS) {
            throw new MineInputException("only " + stats.valid() + " usable rows (" + stats.rows() + " read, "
                    + stats.dropped() + " dropped for a null/NaN/Inf in one of the selected columns "
                    + String.join(", ", lay.names()) + "); at least " + MineRunner.MIN_ROWS + " are needed");
        }
        final double[] mean = new double[width];
        final double[] invStd = new double[width];
        boolean[] constant = new boolean[width];
        for (int i = 0; i < width; i++) {
            mean[i] = stats.mean(i);
            double sd = stats.std(i);
            constant[i] = !(sd > 0);
            invStd[i] = sd > 0 ? 1.0 / sd : 1.0;
        }
        LOG.info("pairs input: {} rows, {} dropped (null/NaN/Inf in a selected column), {} dimensions",
                stats.rows(), stats.dropped(), width);

        // the pairs: dims, constant sides
        List<String[]> pairs = new ArrayList<>();
        for (List<String> p : ps.pairs()) {
            pairs.add(new String[] {p.get(0), p.get(1)});
        }
        int total = pairs.size();
        PairResult[] results = new PairResult[total];
        List<Integer> trainable = new ArrayList<>();
        int[][] xDims = new int[total][];
        int[][] yDims = new int[total][];
        for (int p = 0; p < total; p++) {
            xDims[p] = dimsOf(lay, ps.units().get(pairs.get(p)[0]));
            yDims[p] = dimsOf(lay, ps.units().get(pairs.get(p)[1]));
            if (allConstant(xDims[p], constant) || allConstant(yDims[p], constant)) {
                results[p] = new PairResult(name(pairs.get(p)), pairs.get(p)[0], pairs.get(p)[1], 0, 0, 0,
                        MiResult.Significance.NONE, stats.valid(), 0, 0, 0, false, false, false, false, 0,
                        PairResult.CONSTANT, (allConstant(xDims[p], constant) ? pairs.get(p)[0] : pairs.get(p)[1])
                                + " is constant: I(X; Y) = 0 exactly, no training");
            } else {
                trainable.add(p);
            }
        }

        int parts = spec.partitions() > 0 ? spec.partitions() : MineRunner.defaultPartitions(jsc);
        final double evalFraction = spec.evalFraction();
        double expectedTrain = stats.valid() * (1 - evalFraction);
        double cap = spec.maxTrainRows();
        final double sampleFraction = expectedTrain <= cap ? 1.0
                : Math.max(0.0, (cap - 4 * Math.sqrt(cap)) / expectedTrain);
        double validationFraction = MineRunner.validationFraction(spec, stats.valid());
        JavaRDD<Tuple2<Byte, float[]>> tagged = tag(rows, lay, seed, evalFraction, validationFraction, sampleFraction,
                mean, invStd);

        if (!trainable.isEmpty()) {
            JavaRDD<FloatBlock> blocks = MineRunner.buildBlocks(tagged, parts, seed, width, 0);
            blocks.persist(StorageLevel.MEMORY_AND_DISK());
            JavaRDD<FloatBlock> validation = null;
            try {
                List<Integer> blockRows = blocks.map(FloatBlock::rows).collect();
                long nTrain = blockRows.stream().mapToLong(Integer::longValue).sum();
                if (spec.batchSize() > nTrain) {
                    throw new IllegalArgumentException("--batch-size " + spec.batchSize() + " is larger than the "
                            + nTrain + " training rows; use a smaller --batch-size or more data");
                }
                int[] perPart = MineRunner.splitBatch(spec.batchSize(), blockRows.size());
                for (int p = 0; p < perPart.length; p++) {
                    if (blockRows.get(p) < Math.max(1, perPart[p])) {
                        throw new IllegalArgumentException("training partition " + p + " has " + blockRows.get(p)
                                + " rows but its share of --batch-size " + spec.batchSize() + " is " + perPart[p]
                                + "; use fewer partitions (--partitions), a smaller --batch-size or more data");
                    }
                }
                validation = validationBlocks(tagged, validationFraction, parts, seed, width, spec);
                LOG.info(String.format(Locale.ROOT, "pairs: %d to train (%d constant), %d training rows in %d partitions"
                                + " (%.1f MiB as floats, all pairs share it), batch %d, %d steps, up to %d pairs per pass",
                        trainable.size(), total - trainable.size(), nTrain, blockRows.size(),
                        nTrain * 4.0 * width / (1 << 20), spec.batchSize(), spec.steps(), ps.pairsPerPass()));
                Work work = new Work(total, spec.steps(), (long) trainable.size() * spec.steps(),
                        total - trainable.size(), progress, spec.logEvery());
                Context cx = new Context(jsc, blocks, validation, tagged, pairs, xDims, yDims, spec, ps, perPart, parts,
                        seed, stats.valid());
                List<Integer> toRetry = trainPasses(cx, trainable, spec.learningRate(), null, results, work, "");
                if (!toRetry.isEmpty()) {
                    double lr2 = spec.learningRate() / retryDivisor;
                    LOG.warn("{} pair(s) diverged at learning rate {}; retrying them once from scratch at {}",
                            toRetry.size(), MineRunner.rate(spec.learningRate()), MineRunner.rate(lr2));
                    String[] first = new String[total];
                    for (int p : toRetry) {
                        first[p] = results[p].message();
                    }
                    work.planned += (long) toRetry.size() * spec.steps();
                    work.pairsDone -= toRetry.size();
                    trainPasses(cx, toRetry, lr2, first, results, work, "retry ");
                }
            } finally {
                blocks.unpersist(false);
                if (validation != null) {
                    validation.unpersist(false);
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info(String.format(Locale.ROOT, "pairs: %d pairs in %.1f s", total, seconds));
        return new PairsResult(List.of(results), stats.rows(), stats.dropped(), seconds);
    }

    /** What every pass of a run shares. */
    private record Context(JavaSparkContext jsc, JavaRDD<FloatBlock> blocks, JavaRDD<FloatBlock> validation,
                           JavaRDD<Tuple2<Byte, float[]>> tagged, List<String[]> pairs, int[][] xDims, int[][] yDims,
                           MineSpec spec, PairsSpec ps, int[] perPart, int parts, long seed, long usable) {
    }

    /**
     * Trains and evaluates {@code members} in passes of at most {@code pairsPerPass} at learning
     * rate {@code lr}, filling {@code results}; returns the pairs that diverged (to retry) when
     * this is the first attempt ({@code firstDivergence} null), else none (a second divergence is
     * final).
     */
    private static List<Integer> trainPasses(Context cx, List<Integer> members, double lr, String[] firstDivergence,
                                             PairResult[] results, Work work, String label) {
        List<Integer> diverged = new ArrayList<>();
        int per = cx.ps.pairsPerPass();
        int passes = (members.size() + per - 1) / per;
        for (int pass = 0; pass < passes; pass++) {
            List<Integer> group = members.subList(pass * per, Math.min(members.size(), (pass + 1) * per));
            long tPass = System.nanoTime();
            Pass run = new Pass(cx, group, lr, work);
            run.train(label + "pass " + (pass + 1) + "/" + passes + " (" + group.size() + " pairs)");
            EvalStats[] eval = run.evaluate();
            double secondsEach = (System.nanoTime() - tPass) / 1e9 / group.size();
            for (int m = 0; m < group.size(); m++) {
                int p = group.get(m);
                PairResult r = run.result(m, eval[m], secondsEach, firstDivergence == null ? null : firstDivergence[p]);
                results[p] = r;
                if (firstDivergence == null && PairResult.DIVERGED.equals(r.status())) {
                    diverged.add(p);
                }
            }
            work.report(cx.spec.steps(), label + "pass " + (pass + 1) + "/" + passes + " evaluated;");
        }
        return diverged;
    }

    /**
     * The validation rows (all dimensions) cached as one block per partition; null without
     * validation ({@code eval-every} 0) or with fewer than 2 validation rows (early stopping off).
     */
    private static JavaRDD<FloatBlock> validationBlocks(JavaRDD<Tuple2<Byte, float[]>> tagged, double fraction,
                                                        int parts, long seed, int width, MineSpec spec) {
        if (fraction <= 0) {
            return null;
        }
        JavaRDD<FloatBlock> b = MineRunner.buildBlocks(tagged, MineRunner.VALIDATION_ROW, parts, seed, VALIDATION_SPREAD,
                width, 0).persist(StorageLevel.MEMORY_AND_DISK());
        long n = 0;
        for (int r : b.map(FloatBlock::rows).collect()) {
            n += r;
        }
        if (n < 2) {
            b.unpersist(false);
            LOG.warn("too few held-out rows for a validation part: early stopping is off, every pair keeps its last weights");
            return null;
        }
        LOG.info("validation: {} held-out rows, evaluated every {} steps (patience {}, min-delta {} nats)", n,
                spec.evalEvery(), spec.patience(), spec.minDelta());
        return b;
    }

    static String name(String[] pair) {
        return pair[0] + " ~ " + pair[1];
    }

    private static int[] dimsOf(PairsLayout lay, List<String> columns) {
        return columns.stream().flatMapToInt(c -> java.util.Arrays.stream(lay.dims(c))).toArray();
    }

    private static boolean allConstant(int[] dims, boolean[] constant) {
        for (int d : dims) {
            if (!constant[d]) {
                return false;
            }
        }
        return true;
    }

    /** Standardised wide rows tagged train / validation / test, as {@link MineRunner#streamTagged}. */
    private static JavaRDD<Tuple2<Byte, float[]>> tag(JavaRDD<Row> rows, PairsLayout lay, long seed,
                                                         double evalFraction, double validationFraction,
                                                         double sampleFraction, double[] mean, double[] invStd) {
        final int width = lay.width();
        final int numWidth = lay.numericWidth();
        return rows.mapPartitionsWithIndex((pi, it) -> {
            double[] num = new double[numWidth];
            double[] v = new double[width];
            return new MappingIterator<Row, Tuple2<Byte, float[]>>(it) {
                @Override
                protected Tuple2<Byte, float[]> map(Row row, long rowId) {
                    if (!lay.extract(row, num, v)) {
                        return null;
                    }
                    byte role = MineRunner.role(seed, pi, rowId, evalFraction, validationFraction, sampleFraction);
                    return role == MineRunner.SKIP ? null
                            : new Tuple2<>(role, MineRunner.standardised(v, width, mean, invStd));
                }
            };
        }, true);
    }

    /** Per-executor pool of the current pass's workers (a new pass key drops the previous pass's). */
    private static long poolKey;
    private static final java.util.ArrayDeque<MultiPairWorker> POOL = new java.util.ArrayDeque<>();

    static synchronized MultiPairWorker acquire(long key, java.util.function.Supplier<MultiPairWorker> make) {
        if (key != poolKey) {
            POOL.clear();
            poolKey = key;
        }
        MultiPairWorker w = POOL.poll();
        return w != null ? w : make.get();
    }

    static synchronized void release(long key, MultiPairWorker w) {
        if (key == poolKey && POOL.size() < 2 * Runtime.getRuntime().availableProcessors() + 2) {
            POOL.push(w);
        }
    }

    /** One pass: the critics of a set of pairs trained together, then evaluated together. */
    private static final class Pass {
        private final Context cx;
        private final Work work;
        private final List<String[]> names = new ArrayList<>();
        private final CriticShape[] shapes;
        private final int[][] xDims;
        private final int[][] yDims;
        private final MineOptimizer[] opts;
        private final ConvergenceMonitor[] monitors;
        private final float[][][] kept;
        private final int[] keptStep;
        private final boolean[] over;
        private final String[] failure;
        private final int[] stepsDone;
        private final MineSpec spec;
        private final Bound bound;
        private final double lr;
        private final long key;

        Pass(Context cx, List<Integer> members, double lr, Work work) {
            this.cx = cx;
            this.work = work;
            this.lr = lr;
            int n = members.size();
            this.shapes = new CriticShape[n];
            this.xDims = new int[n][];
            this.yDims = new int[n][];
            this.opts = new MineOptimizer[n];
            this.monitors = new ConvergenceMonitor[n];
            this.kept = new float[n][][];
            this.keptStep = new int[n];
            this.over = new boolean[n];
            this.failure = new String[n];
            this.stepsDone = new int[n];
            this.spec = cx.spec;
            this.bound = Bound.forName(spec.bound(), spec.emaAlpha(), spec.smileTau(), spec.infonceK());
            this.key = new SplittableRandom().nextLong();
            int[] hidden = cx.ps.hidden().stream().mapToInt(Integer::intValue).toArray();
            Kernels driverKernels = Kernels.forName(spec.kernels());
            for (int m = 0; m < n; m++) {
                int p = members.get(m);
                names.add(cx.pairs.get(p));
                xDims[m] = cx.xDims[p];
                yDims[m] = cx.yDims[p];
                shapes[m] = CriticShape.of(spec.critic(), xDims[m].length, yDims[m].length, hidden, spec.embedDim());
                opts[m] = new MineOptimizer(shapes[m], shapes[m].init(Seeds.derive(cx.seed, INIT)), lr,
                        bound, driverKernels).withCosineDecay(spec.steps(), spec.lrFinalFraction());
                monitors[m] = ConvergenceMonitor.forBound(spec.patience(), spec.minDelta(), bound.name());
            }
        }

        /** Training of pair m is over (early stop, divergence or failure): later steps skip its critic. */
        private void end(int m, int step) {
            if (!over[m]) {
                over[m] = true;
                work.planned -= spec.steps() - step;
                work.pairsDone++;
            }
        }

        private long[] wall;
        private long[] compute;
        private int[] activeAt;
        private int ran;
        private String label;

        /**
         * Trains the pass: segments of {@code eval-every} steps (the whole run without validation),
         * each followed by a validation job; on the {@code stream} trainer ({@code --trainer}) a
         * segment is one barrier stage ({@link StreamTrainer#runSegment}), on {@code jobs} one Spark
         * job per step. Both do the same arithmetic in the same order: the same weights bit for bit.
         */
        void train(String label) {
            this.label = label;
            int steps = spec.steps();
            int every = cx.validation != null ? spec.evalEvery() : steps;
            wall = new long[steps];
            compute = new long[steps];
            activeAt = new int[steps];
            ran = 0;
            int maxBatch = 1;
            for (int b : cx.perPart) {
                maxBatch = Math.max(maxBatch, b);
            }
            boolean stream = Trainers.STREAM.equals(spec.trainer());
            StreamTrainer st = stream ? new StreamTrainer(cx.blocks, cx.perPart) : null;
            int done = 0;
            while (done < steps && active() > 0) {
                int to = Math.min(steps, (done / every + 1) * every);
                if (st != null) {
                    st.runSegment(done, to, new PassDriver(),
                            new PassTask(shapes, xDims, yDims, spec.kernels(), bound, cx.perPart, cx.seed, maxBatch, key));
                } else {
                    for (int s = done; s < to && active() > 0; s++) {
                        jobsStep(s, maxBatch);
                    }
                }
                done = to;
                if (cx.validation != null) {
                    int before = work.pairsDone;
                    validate(done);
                    if (work.pairsDone != before) {
                        work.report(done, label); // early stops count at once, not at the next step
                    }
                }
            }
            int n = shapes.length;
            for (int m = 0; m < n; m++) {
                if (kept[m] == null && failure[m] == null && !monitors[m].diverged()) {
                    kept[m] = opts[m].snapshot();
                    keptStep[m] = stepsDone[m];
                }
                end(m, steps);
            }
            if (ran > 0) {
                long[] w = java.util.Arrays.copyOf(wall, ran);
                long[] c = java.util.Arrays.copyOf(compute, ran);
                java.util.Arrays.sort(w);
                java.util.Arrays.sort(c);
                LOG.info(String.format(Locale.ROOT, "pass of %d pairs (%s trainer): %d steps, median step %.2f ms"
                        + " (slowest partition's compute %.2f ms, %d pairs active at the median step)", n,
                        stream ? "stream" : "jobs", ran, w[ran / 2] / 1e6, c[ran / 2] / 1e6, activeAt[ran / 2]));
            }
        }

        private int active() {
            int a = 0;
            for (boolean o : over) {
                a += o ? 0 : 1;
            }
            return a;
        }

        /** One step as one Spark job ({@code jobs} trainer). */
        private void jobsStep(int s, int maxBatch) {
            int n = shapes.length;
            long w0 = System.nanoTime();
            float[][][] params = new float[n][][];
            for (int m = 0; m < n; m++) {
                if (!over[m]) {
                    params[m] = opts[m].snapshot();
                }
            }
            final int mb = maxBatch;
            final CriticShape[] sh = shapes;
            final int[][] xd = xDims;
            final int[][] yd = yDims;
            final String kn = spec.kernels();
            final Bound bd = bound;
            final int[] bpp = cx.perPart;
            final long sd = cx.seed;
            final long k = key;
            final int step = s;
            JavaRDD<StepAggregate[]> aggs = cx.blocks.mapPartitionsWithIndex((pi, it) -> {
                long c0 = System.nanoTime();
                MultiPairWorker w = acquire(k, () -> new MultiPairWorker(sh, xd, yd, Kernels.forName(kn), mb, 0, bd));
                StepAggregate[] out = null;
                try {
                    while (it.hasNext()) {
                        StepAggregate[] a = w.trainStep(it.next(), params, bpp[pi], Seeds.derive(sd, TRAIN, step, pi));
                        out = out == null ? a : mergeAll(out, a);
                    }
                } finally {
                    release(k, w);
                }
                if (out != null && out.length > 0) {
                    out[0].recordComputeNanos(System.nanoTime() - c0);
                }
                return Collections.singletonList(out).iterator();
            }, false);
            StepAggregate[] zero = new StepAggregate[n];
            for (int m = 0; m < n; m++) {
                zero[m] = new StepAggregate((int) shapes[m].numParams());
            }
            StepAggregate[] merged = Merge.ordered(aggs, zero, PairsRunner::mergeAll, SyncTrainer.MAX_COLLECTED_PARTITIONS);
            afterStep(s, merged, System.nanoTime() - w0);
        }

        /** The driver's part of a step once every partition's aggregates are merged: per-pair updates and monitors. */
        private void afterStep(int s, StepAggregate[] merged, long stepNanos) {
            int n = shapes.length;
            compute[s] = merged.length > 0 ? merged[0].computeNanos() : 0;
            int active = active();
            activeAt[s] = active;
            work.done += active;
            for (int m = 0; m < n; m++) {
                if (over[m]) {
                    continue;
                }
                try {
                    double est = opts[m].step(merged[m]);
                    stepsDone[m] = s + 1;
                    if (monitors[m].onStep(s, est)) {
                        LOG.warn("pair {}: training diverged: {}", name(names.get(m)), monitors[m].divergence());
                        end(m, s + 1);
                    }
                } catch (RuntimeException e) {
                    failure[m] = "training failed at step " + (s + 1) + ": " + e.getMessage();
                    LOG.warn("pair {}: {}", name(names.get(m)), failure[m]);
                    end(m, s + 1);
                }
            }
            wall[s] = stepNanos;
            ran = s + 1;
            work.report(s + 1, label);
        }

        /**
         * The stream trainer's driver side of this pass. Weights message: one int per pair (1 =
         * training, 0 = over: its critic is skipped), then every training pair's weights at the
         * pair's fixed offset; answer: every pair's {@link StepAggregate} wire form, in pair order
         * (an over pair's is empty).
         */
        private final class PassDriver implements StreamTrainer.DriverSide {
            private final int n = shapes.length;
            private final int[] offset = floatOffsets(shapes);
            private final StepAggregate[] scratch = new StepAggregate[n];
            private StepAggregate[] merged;
            private byte[] msg;
            private ByteBuffer head;
            private java.nio.FloatBuffer floats;

            PassDriver() {
                for (int m = 0; m < n; m++) {
                    scratch[m] = new StepAggregate((int) shapes[m].numParams());
                }
            }

            @Override
            public int weightBytes() {
                return 4 * n + 4 * offset[n];
            }

            @Override
            public int aggBytes() {
                return answerBytes(shapes);
            }

            @Override
            public void writeWeights(byte[] m) {
                if (m != msg) {
                    msg = m;
                    head = ByteBuffer.wrap(m).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    floats = ByteBuffer.wrap(m, 4 + 4 * n, 4 * offset[n]).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer();
                }
                for (int p = 0; p < n; p++) {
                    head.putInt(4 + 4 * p, over[p] ? 0 : 1);
                    if (!over[p]) {
                        floats.position(offset[p]);
                        for (float[] t : opts[p].params()) {
                            floats.put(t);
                        }
                    }
                }
            }

            @Override
            public void beginStep() {
                merged = new StepAggregate[n];
                for (int m = 0; m < n; m++) {
                    merged[m] = new StepAggregate((int) shapes[m].numParams());
                }
            }

            @Override
            public void merge(ByteBuffer b) {
                for (int m = 0; m < n; m++) {
                    scratch[m].readWire(b);
                    merged[m] = merged[m].merge(scratch[m]);
                }
            }

            @Override
            public void endStep(int step, long stepNanos) {
                afterStep(step, merged, stepNanos);
            }
        }

        /**
         * One validation job for the active pairs after {@code done} steps: each pair's monitor
         * decides (keep the weights of a new best; stop after patience; divergence).
         */
        private void validate(int done) {
            int n = shapes.length;
            float[][][] params = new float[n][][];
            boolean any = false;
            for (int m = 0; m < n; m++) {
                if (!over[m]) {
                    params[m] = opts[m].snapshot();
                    any = true;
                }
            }
            if (!any) {
                return;
            }
            final CriticShape[] sh = shapes;
            final int[][] xd = xDims;
            final int[][] yd = yDims;
            final String kn = spec.kernels();
            final Bound bd = bound;
            final int pairings = spec.evalPairings();
            final long sd = cx.seed;
            BoundStats[] zero = new BoundStats[n];
            for (int m = 0; m < n; m++) {
                zero[m] = bound.newStats();
            }
            BoundStats[] v = Merge.ordered(cx.validation.mapPartitionsWithIndex((pi, it) -> {
                BoundStats[] st = new BoundStats[n];
                for (int m = 0; m < n; m++) {
                    st[m] = MineRunner.newStats(bd, pairings);
                }
                while (it.hasNext()) {
                    FloatBlock b = it.next();
                    if (b.rows() < 2) {
                        continue;
                    }
                    MultiPairWorker w = new MultiPairWorker(sh, xd, yd, Kernels.forName(kn), 1, b.rows(), bd);
                    SplittableRandom[] rngs = new SplittableRandom[n];
                    for (int m = 0; m < n; m++) {
                        // as MineRunner.validate: the same stream every pass, per pair
                        rngs[m] = new SplittableRandom(Seeds.derive(sd, VALIDATE, pi));
                    }
                    w.evaluateChunk(params, b.x(), b.dx(), b.rows(), rngs, st);
                }
                return Collections.singletonList(st).iterator();
            }, false), zero, PairsRunner::mergeStats, Integer.MAX_VALUE);
            for (int m = 0; m < n; m++) {
                if (over[m]) {
                    continue;
                }
                double value = v[m].count() == 0 ? Double.NaN : v[m].estimate();
                ConvergenceMonitor.Verdict verdict = monitors[m].onValidation(done, value);
                if (verdict == ConvergenceMonitor.Verdict.DIVERGED) {
                    LOG.warn("pair {}: training diverged: {}", name(names.get(m)), monitors[m].divergence());
                    end(m, done);
                    continue;
                }
                if (monitors[m].bestStep() == done) {
                    kept[m] = opts[m].snapshot();
                    keptStep[m] = done;
                }
                if (verdict == ConvergenceMonitor.Verdict.STOP) {
                    LOG.info("pair {}: early stop after step {} (no validation gain above {} nats in {} evaluations);"
                            + " keeping the weights of step {}", name(names.get(m)), done, spec.minDelta(),
                            spec.patience(), keptStep[m]);
                    end(m, done);
                }
            }
        }

        /** All pairs' test-row stats (and permutation tests) of the kept weights in one streaming pass. */
        EvalStats[] evaluate() {
            int n = shapes.length;
            int chunkRows = spec.evalChunkRows();
            int perms = spec.permutations();
            JavaPairRDD<Long, float[]> keyed = MineRunner.randomlyOrdered(
                    cx.tagged.filter(t -> t._1() == MineRunner.TEST_ROW), cx.parts, cx.seed, EVAL);
            Broadcast<float[][][]> bc = cx.jsc.broadcast(kept);
            final CriticShape[] sh = shapes;
            final int[][] xd = xDims;
            final int[][] yd = yDims;
            final String kn = spec.kernels();
            final Bound bd = bound;
            final int pairings = spec.evalPairings();
            final long sd = cx.seed;
            final long permRows = (permutationMaxRows + cx.parts - 1) / cx.parts;
            try {
                EvalStats[] zero = new EvalStats[n];
                for (int m = 0; m < n; m++) {
                    zero[m] = new EvalStats(bound.newStats(), perms > 0 ? new PermutationStats(perms) : null);
                }
                return Merge.ordered(keyed.mapPartitionsWithIndex((pi, it) -> {
                    MultiPairWorker w = new MultiPairWorker(sh, xd, yd, Kernels.forName(kn), 1, chunkRows, bd);
                    SplittableRandom[] rngs = new SplittableRandom[n];
                    SplittableRandom[] prngs = new SplittableRandom[n];
                    BoundStats[] st = new BoundStats[n];
                    PermutationStats[] ps = perms > 0 ? new PermutationStats[n] : null;
                    for (int m = 0; m < n; m++) {
                        // the streams of MineRunner.evaluate, one copy per pair
                        rngs[m] = new SplittableRandom(Seeds.derive(sd, EVAL, 1000003L + pi));
                        prngs[m] = new SplittableRandom(Seeds.derive(sd, PERMUTE, pi));
                        st[m] = MineRunner.newStats(bd, pairings);
                        if (ps != null) {
                            ps[m] = new PermutationStats(perms);
                        }
                    }
                    float[][][] p = bc.value();
                    float[] chunk = null;
                    int width = 0;
                    int c = 0;
                    long seen = 0; // rows of earlier chunks: the permutation test takes the first permRows
                    while (it.hasNext()) {
                        float[] f = it.next()._2();
                        if (chunk == null) {
                            width = f.length;
                            chunk = new float[chunkRows * width];
                        }
                        System.arraycopy(f, 0, chunk, c * width, width);
                        if (++c == chunkRows) {
                            w.evaluateChunk(p, chunk, width, c, rngs, st, seen < permRows ? ps : null, prngs);
                            seen += c;
                            c = 0;
                        }
                    }
                    if (chunk != null) {
                        w.evaluateChunk(p, chunk, width, c, rngs, st, seen < permRows ? ps : null, prngs);
                    }
                    EvalStats[] out = new EvalStats[n];
                    for (int m = 0; m < n; m++) {
                        out[m] = new EvalStats(st[m], ps == null ? null : ps[m]);
                    }
                    return Collections.singletonList(out).iterator();
                }, false), zero, PairsRunner::mergeEval, Integer.MAX_VALUE);
            } finally {
                bc.destroy();
            }
        }

        /**
         * The result of pair m. {@code firstDivergence}: null on the first attempt, else why the
         * first attempt diverged (this is the retry at a tenth of the learning rate).
         */
        PairResult result(int m, EvalStats ev, double seconds, String firstDivergence) {
            String[] p = names.get(m);
            BoundStats eval = ev.bound;
            ConvergenceMonitor mon = monitors[m];
            boolean retried = firstDivergence != null;
            String rate = MineRunner.rate(lr);
            String divergence = null;
            String failed = failure[m];
            double est = Double.NaN;
            if (failed == null && mon.diverged()) {
                divergence = "training diverged at learning rate " + rate + ": " + mon.divergence();
            } else if (failed == null) {
                est = eval.count() == 0 ? Double.NaN : eval.estimate();
                if (eval.count() == 0) {
                    failed = "no held-out rows to evaluate; use more rows or a larger eval-fraction";
                } else if (!Double.isFinite(est)) {
                    divergence = "the held-out estimate of the trained critic at learning rate " + rate
                            + " is not finite (" + est + ")";
                }
            }
            if (failed != null || divergence != null) {
                String msg = failed != null ? failed : divergence;
                if (retried && divergence != null) {
                    msg = firstDivergence + "; and again on the retry from scratch: " + divergence
                            + "; no estimate. Use a smaller --lr or a larger --batch-size, or check the columns for extreme values";
                }
                return new PairResult(name(p), p[0], p[1], Double.NaN, Double.NaN, Double.NaN, MiResult.Significance.NONE,
                        cx.usable, eval.count(), stepsDone[m], keptStep[m], false, false, divergence != null, retried,
                        seconds, failed != null ? PairResult.FAILED : PairResult.DIVERGED, msg);
            }
            double lo = eval.ci95Low();
            double hi = eval.ci95High();
            MiResult.Significance sig;
            PermutationStats perm = ev.permutations;
            if (perm == null || perm.count() == 0) {
                sig = new MiResult.Significance(MiResult.Significance.TEST_CI, 0, Double.NaN, Double.NaN, lo > 0,
                        Double.NaN, Double.NaN);
            } else {
                double pv = perm.pValue();
                double alpha = spec.significanceLevel();
                sig = new MiResult.Significance(MiResult.Significance.TEST_PERMUTATION, perm.replicates(), alpha, pv,
                        pv <= alpha, perm.nullMean(est), perm.nullStd(est));
            }
            List<String> notes = new ArrayList<>();
            if (retried) {
                notes.add(firstDivergence + "; the estimate comes from one retry from scratch at learning rate " + rate
                        + ": use --lr " + rate + " or lower next time");
            }
            if (mon.stillIncreasing()) {
                notes.add("the validation estimate was still rising when the steps ran out: the estimate may be low;"
                        + " train longer (--steps)");
            }
            return new PairResult(name(p), p[0], p[1], Math.max(0, est), Math.max(0, lo), Math.max(0, hi), sig, cx.usable,
                    eval.count(), stepsDone[m], keptStep[m], mon.converged(), mon.stillIncreasing(), false, retried,
                    seconds, PairResult.OK, String.join("; ", notes));
        }
    }

    /** Per pair, the offset of its weights among all pairs' floats; entry n is the total. */
    static int[] floatOffsets(CriticShape[] shapes) {
        int[] o = new int[shapes.length + 1];
        for (int m = 0; m < shapes.length; m++) {
            o[m + 1] = o[m] + (int) shapes[m].numParams();
        }
        return o;
    }

    /** Bytes of one partition's answer on the stream trainer: every pair's aggregate wire form. */
    static int answerBytes(CriticShape[] shapes) {
        int b = 0;
        for (CriticShape s : shapes) {
            b += StepAggregate.wireBytes((int) s.numParams());
        }
        return b;
    }

    /**
     * The stream trainer's task side of a pass: per step, read which pairs train and their
     * weights, run {@link MultiPairWorker#trainStep} (the stream and draws of the jobs trainer)
     * and write every pair's aggregate.
     */
    private static final class PassTask implements StreamTrainer.TaskSide {
        private static final long serialVersionUID = 1L;
        private final CriticShape[] shapes;
        private final int[][] xDims;
        private final int[][] yDims;
        private final String kernels;
        private final Bound bound;
        private final int[] batchPerPartition;
        private final long seed;
        private final int maxBatch;
        private final long key;

        PassTask(CriticShape[] shapes, int[][] xDims, int[][] yDims, String kernels, Bound bound, int[] batchPerPartition,
                 long seed, int maxBatch, long key) {
            this.shapes = shapes;
            this.xDims = xDims;
            this.yDims = yDims;
            this.kernels = kernels;
            this.bound = bound;
            this.batchPerPartition = batchPerPartition;
            this.seed = seed;
            this.maxBatch = maxBatch;
            this.key = key;
        }

        @Override
        public int weightBytes() {
            return 4 * shapes.length + 4 * floatOffsets(shapes)[shapes.length];
        }

        @Override
        public int aggBytes() {
            return answerBytes(shapes);
        }

        @Override
        public StreamTrainer.TaskStep open(int p, List<FloatBlock> mine) {
            int n = shapes.length;
            int[] offset = floatOffsets(shapes);
            float[][][] weights = new float[n][][];
            for (int m = 0; m < n; m++) {
                weights[m] = shapes[m].zeros();
            }
            float[][][] params = new float[n][][];
            MultiPairWorker w = acquire(key, () -> new MultiPairWorker(shapes, xDims, yDims, Kernels.forName(kernels),
                    maxBatch, 0, bound));
            return new StreamTrainer.TaskStep() {
                private byte[] src;
                private ByteBuffer head;
                private java.nio.FloatBuffer floats;

                @Override
                public void compute(int step, byte[] wmsg, ByteBuffer out) {
                    if (wmsg != src) {
                        src = wmsg;
                        head = ByteBuffer.wrap(wmsg).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                        floats = ByteBuffer.wrap(wmsg, 4 * n, 4 * offset[n]).slice()
                                .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                    }
                    for (int m = 0; m < n; m++) {
                        if (head.getInt(4 * m) != 0) {
                            floats.position(offset[m]);
                            for (float[] t : weights[m]) {
                                floats.get(t);
                            }
                            params[m] = weights[m];
                        } else {
                            params[m] = null;
                        }
                    }
                    long c0 = System.nanoTime();
                    StepAggregate[] res = null;
                    for (FloatBlock b : mine) {
                        StepAggregate[] a = w.trainStep(b, params, batchPerPartition[p], Seeds.derive(seed, TRAIN, step, p));
                        res = res == null ? a : mergeAll(res, a);
                    }
                    if (res == null) {
                        res = new StepAggregate[n];
                        for (int m = 0; m < n; m++) {
                            res[m] = new StepAggregate((int) shapes[m].numParams());
                        }
                    }
                    if (n > 0) {
                        res[0].recordComputeNanos(System.nanoTime() - c0);
                    }
                    for (StepAggregate a : res) {
                        a.writeWire(out);
                    }
                }

                @Override
                public void close() {
                    release(key, w);
                }
            };
        }
    }

    static StepAggregate[] mergeAll(StepAggregate[] a, StepAggregate[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i].merge(b[i]);
        }
        return a;
    }

    static BoundStats[] mergeStats(BoundStats[] a, BoundStats[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i].merge(b[i]);
        }
        return a;
    }

    static EvalStats[] mergeEval(EvalStats[] a, EvalStats[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i].merge(b[i]);
        }
        return a;
    }
}
