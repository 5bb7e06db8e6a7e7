package org.minespark.spark;

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
import org.minespark.api.MineInputException;
import org.minespark.api.MineSpec;
import org.minespark.core.Bound;
import org.minespark.core.BoundStats;
import org.minespark.core.ColumnStats;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MineOptimizer;
import org.minespark.core.MultiPairWorker;
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
 * <li>rows tagged train/held-out by the same seeded hash as {@link MineRunner}, the training rows
 *     cached as ONE standardised block per partition holding every dimension;</li>
 * <li>pairs trained together in passes of at most {@code pairsPerPass}: every synchronous step is
 *     one Spark job in which each partition draws one minibatch (shared rows and marginal
 *     permutation, see {@link MultiPairWorker}) and returns every pair's
 *     {@link StepAggregate} in one task result; the driver merges per pair in partition order
 *     and steps one {@link MineOptimizer} per pair;</li>
 * <li>held-out evaluation of all pairs of a pass in one streaming pass, a {@link BoundStats}
 *     (estimate and delta-method CI) per pair.</li>
 * </ol>
 * A pair with a constant side gets MI 0 without training; a pair whose training or estimate is
 * not finite is reported {@code failed} and stops training, without affecting the others.
 */
public final class PairsRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PairsRunner.class);
    // the same stream purposes as MineRunner, so a pair sees the rows an estimate would
    private static final long SPREAD = 3;
    private static final long TRAIN = 4;
    private static final long EVAL = 5;
    private static final long INIT = 6;

    private PairsRunner() {
    }

    /** Receives pair-level progress on the driver. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param pairsDone  pairs finished so far
         * @param pairsTotal pairs of the run
         * @param step       steps done in the current pass
         * @param steps      steps per pass
         * @param etaSeconds estimated seconds until all pairs are done
         */
        void onProgress(int pairsDone, int pairsTotal, int step, int steps, double etaSeconds);
    }

    /**
     * Estimates every pair of {@code ps}; training knobs from {@code spec} (its x/y are ignored,
     * its hidden widths are replaced by {@link PairsSpec#hidden()}).
     */
    public static List<PairResult> run(Dataset<Row> data, PairsSpec ps, MineSpec spec, Progress progress) {
        try {
            return runUnwrapped(data, ps, spec, progress);
        } catch (RuntimeException e) {
            throw MineRunner.unwrap(e);
        }
    }

    private static List<PairResult> runUnwrapped(Dataset<Row> data, PairsSpec ps, MineSpec spec, Progress progress) {
        long t0 = System.nanoTime();
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
        List<String[]> pairs = ps.pairs();
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
                        stats.valid(), 0, 0, 0, PairResult.CONSTANT,
                        (allConstant(xDims[p], constant) ? pairs.get(p)[0] : pairs.get(p)[1])
                                + " is constant: I(X; Y) = 0 exactly, no training", false);
            } else {
                trainable.add(p);
            }
        }

        int parts = spec.partitions() > 0 ? spec.partitions() : jsc.defaultParallelism();
        final double evalFraction = spec.evalFraction();
        double expectedTrain = stats.valid() * (1 - evalFraction);
        double cap = spec.maxTrainRows();
        final double sampleFraction = expectedTrain <= cap ? 1.0
                : Math.max(0.0, (cap - 4 * Math.sqrt(cap)) / expectedTrain);
        JavaRDD<Tuple2<Byte, float[]>> tagged = tag(rows, lay, seed, evalFraction, sampleFraction, mean, invStd);

        if (!trainable.isEmpty()) {
            JavaRDD<FloatBlock> blocks = MineRunner.buildBlocks(tagged, parts, seed, width, 0);
            blocks.persist(StorageLevel.MEMORY_AND_DISK());
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
                LOG.info(String.format(Locale.ROOT, "pairs: %d to train (%d constant), %d training rows in %d partitions"
                                + " (%.1f MiB as floats, all pairs share it), batch %d, %d steps, up to %d pairs per pass",
                        trainable.size(), total - trainable.size(), nTrain, blockRows.size(),
                        nTrain * 4.0 * width / (1 << 20), spec.batchSize(), spec.steps(), ps.pairsPerPass()));
                int done = total - trainable.size();
                long tTrain = System.nanoTime();
                int passes = (trainable.size() + ps.pairsPerPass() - 1) / ps.pairsPerPass();
                for (int pass = 0; pass < passes; pass++) {
                    List<Integer> members = trainable.subList(pass * ps.pairsPerPass(),
                            Math.min(trainable.size(), (pass + 1) * ps.pairsPerPass()));
                    long tPass = System.nanoTime();
                    Pass run = new Pass(jsc, blocks, tagged, members, pairs, xDims, yDims, spec, ps, perPart, parts, seed);
                    final int doneBefore = done;
                    final int trainTotal = trainable.size();
                    final int passNo = pass + 1;
                    run.train((step, steps) -> {
                        double el = (System.nanoTime() - tTrain) / 1e9;
                        double work = (doneBefore - (total - trainTotal)) + members.size() * (double) step / steps;
                        double eta = work > 0 ? el / work * (trainTotal - work) : Double.NaN;
                        if (progress != null) {
                            progress.onProgress(doneBefore, total, step, steps, eta);
                        }
                        if (step % spec.logEvery() == 0 || step == steps) {
                            LOG.info(String.format(Locale.ROOT, "pairs %d/%d done; pass %d/%d (%d pairs) step %d/%d; ETA %.0fs",
                                    doneBefore, total, passNo, passes, members.size(), step, steps, eta));
                        }
                    });
                    BoundStats[] eval = run.evaluate(spec.evalChunkRows());
                    double secondsEach = (System.nanoTime() - tPass) / 1e9 / members.size();
                    for (int m = 0; m < members.size(); m++) {
                        int p = members.get(m);
                        results[p] = run.result(m, eval[m], stats.valid(), secondsEach);
                    }
                    done += members.size();
                    double el = (System.nanoTime() - tTrain) / 1e9;
                    int trainedSoFar = done - (total - trainable.size());
                    LOG.info(String.format(Locale.ROOT, "pairs %d/%d done; ETA %.0fs", done, total,
                            el / trainedSoFar * (trainable.size() - trainedSoFar)));
                    if (progress != null) {
                        progress.onProgress(done, total, spec.steps(), spec.steps(),
                                el / trainedSoFar * (trainable.size() - trainedSoFar));
                    }
                }
            } finally {
                blocks.unpersist(false);
            }
        }
        LOG.info(String.format(Locale.ROOT, "pairs: %d pairs in %.1f s", total, (System.nanoTime() - t0) / 1e9));
        return List.of(results);
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

    /** Standardised wide rows tagged train / test (every held-out row), as {@link MineRunner#streamTagged}. */
    private static JavaRDD<Tuple2<Byte, float[]>> tag(JavaRDD<Row> rows, PairsLayout lay, long seed,
                                                         double evalFraction, double sampleFraction,
                                                         double[] mean, double[] invStd) {
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
                    // no validation part (validation fraction 0): every held-out row is a test row
                    byte role = MineRunner.role(seed, pi, rowId, evalFraction, 0.0, sampleFraction);
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
        private final JavaSparkContext jsc;
        private final JavaRDD<FloatBlock> blocks;
        private final JavaRDD<Tuple2<Byte, float[]>> tagged;
        private final List<String[]> names = new ArrayList<>();
        private final CriticShape[] shapes;
        private final int[][] xDims;
        private final int[][] yDims;
        private final MineOptimizer[] opts;
        private final String[] failure;
        private final int[] stepsDone;
        private final MineSpec spec;
        private final Bound bound;
        private final int[] perPart;
        private final int parts;
        private final long seed;
        private final long key;

        Pass(JavaSparkContext jsc, JavaRDD<FloatBlock> blocks, JavaRDD<Tuple2<Byte, float[]>> tagged,
             List<Integer> members, List<String[]> pairs, int[][] allX, int[][] allY, MineSpec spec, PairsSpec ps,
             int[] perPart, int parts, long seed) {
            this.jsc = jsc;
            this.blocks = blocks;
            this.tagged = tagged;
            int n = members.size();
            this.shapes = new CriticShape[n];
            this.xDims = new int[n][];
            this.yDims = new int[n][];
            this.opts = new MineOptimizer[n];
            this.failure = new String[n];
            this.stepsDone = new int[n];
            this.spec = spec;
            this.bound = Bound.forName(spec.bound(), spec.emaAlpha(), spec.smileTau(), spec.infonceK());
            this.perPart = perPart;
            this.parts = parts;
            this.seed = seed;
            this.key = new SplittableRandom().nextLong();
            int[] hidden = ps.hidden().stream().mapToInt(Integer::intValue).toArray();
            Kernels driverKernels = Kernels.forName(spec.kernels());
            for (int m = 0; m < n; m++) {
                int p = members.get(m);
                names.add(pairs.get(p));
                xDims[m] = allX[p];
                yDims[m] = allY[p];
                shapes[m] = CriticShape.of(spec.critic(), xDims[m].length, yDims[m].length, hidden, spec.embedDim());
                opts[m] = new MineOptimizer(shapes[m], shapes[m].init(Seeds.derive(seed, INIT)), spec.learningRate(),
                        bound, driverKernels).withCosineDecay(spec.steps(), spec.lrFinalFraction());
            }
        }

        interface StepProgress {
            void after(int stepsDone, int steps);
        }

        void train(StepProgress progress) {
            int n = shapes.length;
            int maxBatch = 1;
            for (int b : perPart) {
                maxBatch = Math.max(maxBatch, b);
            }
            final int mb = maxBatch;
            final CriticShape[] sh = shapes;
            final int[][] xd = xDims;
            final int[][] yd = yDims;
            final String kn = spec.kernels();
            final Bound bd = bound;
            final int[] bpp = perPart;
            final long sd = seed;
            final long k = key;
            StepAggregate[] zero = new StepAggregate[n];
            long[] wall = new long[spec.steps()];
            long[] compute = new long[spec.steps()];
            int ran = 0;
            for (int s = 0; s < spec.steps(); s++) {
                long w0 = System.nanoTime();
                float[][][] params = new float[n][][];
                boolean any = false;
                for (int m = 0; m < n; m++) {
                    if (failure[m] == null) {
                        params[m] = opts[m].snapshot();
                        any = true;
                    }
                }
                if (!any) {
                    break;
                }
                final int step = s;
                JavaRDD<StepAggregate[]> aggs = blocks.mapPartitionsWithIndex((pi, it) -> {
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
                for (int m = 0; m < n; m++) {
                    zero[m] = new StepAggregate((int) shapes[m].numParams());
                }
                StepAggregate[] merged = Merge.ordered(aggs, zero, PairsRunner::mergeAll,
                        SyncTrainer.MAX_COLLECTED_PARTITIONS);
                compute[s] = merged.length > 0 ? merged[0].computeNanos() : 0;
                for (int m = 0; m < n; m++) {
                    if (failure[m] != null) {
                        continue;
                    }
                    try {
                        double est = opts[m].step(merged[m]);
                        stepsDone[m] = s + 1;
                        if (!Double.isFinite(est)) {
                            failure[m] = "training diverged at step " + (s + 1) + " (minibatch estimate " + est + ")";
                        }
                    } catch (RuntimeException e) {
                        failure[m] = "training failed at step " + (s + 1) + ": " + e.getMessage();
                    }
                    if (failure[m] != null) {
                        LOG.warn("pair {}: {}", name(names.get(m)), failure[m]);
                    }
                }
                wall[s] = System.nanoTime() - w0;
                ran = s + 1;
                progress.after(s + 1, spec.steps());
            }
            if (ran > 0) {
                long[] w = java.util.Arrays.copyOf(wall, ran);
                long[] c = java.util.Arrays.copyOf(compute, ran);
                java.util.Arrays.sort(w);
                java.util.Arrays.sort(c);
                LOG.info(String.format(Locale.ROOT, "pass of %d pairs: %d steps, median step %.2f ms (slowest partition's"
                        + " compute %.2f ms, %.2f ms per pair)", n, ran, w[ran / 2] / 1e6, c[ran / 2] / 1e6, c[ran / 2] / 1e6 / n));
            }
        }

        /** All pairs' held-out stats in one streaming pass (failed pairs: empty stats). */
        BoundStats[] evaluate(int chunkRows) {
            int n = shapes.length;
            float[][][] params = new float[n][][];
            for (int m = 0; m < n; m++) {
                params[m] = failure[m] == null ? opts[m].snapshot() : null;
            }
            JavaPairRDD<Long, float[]> keyed = MineRunner.randomlyOrdered(tagged.filter(t -> t._1() == MineRunner.TEST_ROW), parts, seed, EVAL);
            Broadcast<float[][][]> bc = jsc.broadcast(params);
            final CriticShape[] sh = shapes;
            final int[][] xd = xDims;
            final int[][] yd = yDims;
            final String kn = spec.kernels();
            final Bound bd = bound;
            final long sd = seed;
            try {
                BoundStats[] zero = new BoundStats[n];
                for (int m = 0; m < n; m++) {
                    zero[m] = bound.newStats();
                }
                return Merge.ordered(keyed.mapPartitionsWithIndex((pi, it) -> {
                    MultiPairWorker w = new MultiPairWorker(sh, xd, yd, Kernels.forName(kn), 1, chunkRows, bd);
                    SplittableRandom[] rngs = new SplittableRandom[n];
                    BoundStats[] st = new BoundStats[n];
                    for (int m = 0; m < n; m++) {
                        rngs[m] = new SplittableRandom(Seeds.derive(sd, EVAL, 1000003L + pi));
                        st[m] = bd.newStats();
                    }
                    float[][][] p = bc.value();
                    float[] chunk = null;
                    int width = 0;
                    int c = 0;
                    while (it.hasNext()) {
                        float[] f = it.next()._2();
                        if (chunk == null) {
                            width = f.length;
                            chunk = new float[chunkRows * width];
                        }
                        System.arraycopy(f, 0, chunk, c * width, width);
                        if (++c == chunkRows) {
                            w.evaluateChunk(p, chunk, width, c, rngs, st);
                            c = 0;
                        }
                    }
                    if (chunk != null) {
                        w.evaluateChunk(p, chunk, width, c, rngs, st);
                    }
                    return Collections.singletonList(st).iterator();
                }, false), zero, PairsRunner::mergeStats, Integer.MAX_VALUE);
            } finally {
                bc.destroy();
            }
        }

        PairResult result(int m, BoundStats eval, long usable, double seconds) {
            String[] p = names.get(m);
            String msg = failure[m];
            double est = Double.NaN;
            double lo = Double.NaN;
            double hi = Double.NaN;
            boolean significant = false;
            if (msg == null) {
                est = eval.count() == 0 ? Double.NaN : eval.estimate();
                if (eval.count() == 0) {
                    msg = "no held-out rows to evaluate; use more rows or a larger eval-fraction";
                } else if (!Double.isFinite(est)) {
                    msg = "the held-out estimate is not finite (" + est + "); training diverged";
                } else {
                    significant = eval.ci95Low() > 0;
                    lo = Math.max(0, eval.ci95Low());
                    hi = Math.max(0, eval.ci95High());
                    est = Math.max(0, est);
                }
            }
            if (msg != null) {
                return new PairResult(name(p), p[0], p[1], Double.NaN, Double.NaN, Double.NaN, usable, eval.count(),
                        stepsDone[m], seconds, PairResult.FAILED, msg, false);
            }
            return new PairResult(name(p), p[0], p[1], est, lo, hi, usable, eval.count(), stepsDone[m], seconds,
                    PairResult.OK, "", significant);
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
}
