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
import org.minespark.api.ProgressListener;
import org.minespark.core.Bound;
import org.minespark.core.BoundStats;
import org.minespark.core.ColumnStats;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MineOptimizer;
import org.minespark.core.PartitionWorker;
import org.minespark.core.Seeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.Tuple2;

/**
 * Runs one MINE estimate on Spark:
 * <ol>
 * <li>check the schema, then one distributed pass for row counts and per-dimension mean/std, plus
 *     the statistics of the input checks ({@link InputStats}): too few usable rows, values whose
 *     squares overflow a double (rescanned at a power-of-two scale), constant column groups (MI 0,
 *     returned without training), x/y dimension pairs in an exact affine relation (unbounded MI).
 *     Data problems are {@link MineInputException}s, parameters that do not fit the data
 *     {@link IllegalArgumentException}s;</li>
 * <li>split rows into train/held-out by a seeded hash of (input partition, row index);</li>
 * <li>cache a bounded random sample of the training rows as one dense, standardised float block per
 *     partition, rows spread over partitions by a seeded random key;</li>
 * <li>synchronous data-parallel training: per step, broadcast the weights, every partition returns a
 *     mergeable {@link org.minespark.core.StepAggregate} for its minibatch, the driver merges and applies
 *     {@link MineOptimizer};</li>
 * <li>evaluate the chosen {@link Bound} over all held-out rows in one streaming pass (rows spread and
 *     sorted by a random key, marginals by pairing within chunks) and merge its {@link BoundStats}.</li>
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

    /** One pass over the rows for counts, moments and the checks' statistics ({@code scale} may be null). */
    private static InputStats statsPass(JavaRDD<Row> rows, ColumnLayout lay, int columns, double[] scale) {
        final int dx = lay.dx();
        final int dy = lay.dy();
        return Merge.ordered(rows.mapPartitions((Iterator<Row> it) -> {
            InputStats s = new InputStats(columns, dx, dy, scale);
            double[] v = new double[dx + dy];
            while (it.hasNext()) {
                int bad = lay.firstInvalid(it.next(), v);
                if (bad < 0) {
                    s.add(v);
                } else {
                    s.addDropped(bad);
                }
            }
            return Collections.singletonList(s).iterator();
        }), new InputStats(columns, dx, dy, scale), InputStats::merge, Integer.MAX_VALUE);
    }

    /** "a: 3, b: 2" for the columns with dropped rows. */
    private static String dropSummary(String[] names, long[] bad) {
        List<String> parts = new ArrayList<>();
        for (int c = 0; c < names.length; c++) {
            if (bad[c] > 0) {
                parts.add("'" + names[c] + "': " + bad[c]);
            }
        }
        return String.join(", ", parts);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static MiResult runUnwrapped(Dataset<Row> data, MineSpec spec, ProgressListener listener) {
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        final long seed = spec.seed();
        ColumnLayout layout = ColumnLayout.fromSchema(data.schema(), spec.xColumns(), spec.yColumns());
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
        final ColumnLayout lay = layout;
        final int dims = layout.dx() + layout.dy();
        JavaRDD<Row> rows = selected.javaRDD();

        // pass 1: counts and moments, plus the statistics of the input checks
        InputStats full = statsPass(rows, lay, names.length, null);
        ColumnStats stats = full.base;
        if (stats.rows() == 0) {
            throw new MineInputException("the input has no rows; nothing to estimate (at least " + MIN_ROWS
                    + " rows are needed)");
        }
        if (stats.valid() == 0) {
            throw new MineInputException("all " + stats.rows() + " rows have a null, NaN or infinite value in a selected"
                    + " column (rows per first offending column: " + dropSummary(names, full.badByColumn)
                    + "); nothing to estimate");
        }
        if (stats.valid() < MIN_ROWS) {
            throw new MineInputException("only " + stats.valid() + " usable rows (" + stats.rows() + " read, "
                    + stats.dropped() + " dropped for null/NaN/Inf); at least " + MIN_ROWS
                    + " are needed to train and evaluate the estimate on held-out rows");
        }
        List<String> warnings = new ArrayList<>();
        if (stats.dropped() > 0) {
            warnings.add("dropped " + stats.dropped() + " of " + stats.rows() + " rows with a null, NaN or infinite value"
                    + " (rows per first offending column: " + dropSummary(names, full.badByColumn) + ")");
        }

        // values whose squares overflow or underflow a double: rescan at an exact power-of-two scale
        double[] scale = null;
        for (int i = 0; i < dims; i++) {
            double sd = stats.std(i);
            if (full.max[i] > full.min[i] && !(sd >= 1 / SCALE_LIMIT && sd <= SCALE_LIMIT)) {
                if (scale == null) {
                    scale = new double[dims];
                    java.util.Arrays.fill(scale, 1.0);
                }
                double big = Math.max(Math.abs(full.max[i]), Math.abs(full.min[i]));
                scale[i] = Math.scalb(1.0, -Math.getExponent(big));
                LOG.info("dimension {} has values up to {} in magnitude (deviation {}): rescanning it scaled by 2^{}",
                        layout.dimName(i), num(big), num(sd), -Math.getExponent(big));
            }
        }
        if (scale != null) {
            full = statsPass(rows, lay, names.length, scale);
            stats = full.base;
        }
        final double[] mean = new double[dims];
        final double[] invStd = new double[dims];
        for (int i = 0; i < dims; i++) {
            if (scale == null) {
                mean[i] = stats.mean(i);
                double sd = stats.std(i);
                invStd[i] = sd > 0 ? 1.0 / sd : 1.0;
            } else {
                mean[i] = stats.mean(i) / scale[i];
                double sd = stats.std(i);
                invStd[i] = sd > 0 ? scale[i] / sd : 1.0;
                double lo = (full.min[i] / scale[i] - mean[i]) * invStd[i];
                double hi = (full.max[i] / scale[i] - mean[i]) * invStd[i];
                if (!(Double.isFinite(mean[i]) && Double.isFinite(invStd[i]) && Double.isFinite(lo) && Double.isFinite(hi))) {
                    throw new MineInputException("column '" + names[layout.columnOfDim(i)] + "': values from "
                            + num(full.min[i] / scale[i]) + " to " + num(full.max[i] / scale[i])
                            + " span more than a double can hold after centring; expected values whose range is below 1e308");
                }
            }
        }
        LOG.info("input: {} rows, {} dropped (null/NaN/Inf), x has {} dims, y has {} dims",
                stats.rows(), stats.dropped(), layout.dx(), layout.dy());

        // constant dimensions: all of x or all of y constant means I(X; Y) = 0 exactly
        List<String> constX = new ArrayList<>();
        List<String> constY = new ArrayList<>();
        for (int i = 0; i < dims; i++) {
            if (full.min[i] == full.max[i]) {
                String d = layout.dimName(i) + " = " + num(full.min[i] / (scale == null ? 1.0 : scale[i]));
                (i < layout.dx() ? constX : constY).add(d);
            }
        }
        if (constX.size() == layout.dx() || constY.size() == layout.dy()) {
            boolean xs = constX.size() == layout.dx();
            warnings.add("every " + (xs ? "x" : "y") + " dimension is constant (" + String.join(", ", xs ? constX : constY)
                    + " in all " + stats.valid() + " usable rows): I(X; Y) = 0 exactly; reported without training");
            LOG.warn(warnings.get(warnings.size() - 1));
            return new MiResult(0.0, 0.0, 0.0, 0.0, stats.rows(), stats.dropped(), 0, 0, 0, spec.bound(), spec.kernels(),
                    (System.nanoTime() - t0) / 1e9, 0.0, 0.0, new double[0], MiResult.STATUS_CONSTANT, warnings);
        }
        for (String c : constX) {
            warnings.add("x dimension " + c + " is constant: it carries no information");
        }
        for (String c : constY) {
            warnings.add("y dimension " + c + " is constant: it carries no information");
        }

        // an x and a y dimension in an exact affine relation: unbounded MI for continuous data
        if (!full.hasPairs()) {
            LOG.info("{} x {} dimension pairs: the exact-dependence check is skipped (at most {} pairs)",
                    layout.dx(), layout.dy(), InputStats.MAX_PAIRS);
        }
        for (int i = 0; i < layout.dx(); i++) {
            for (int j = 0; j < layout.dy(); j++) {
                double rho = full.correlation(i, j);
                if (!(Math.abs(rho) >= 1 - UNBOUNDED_TOLERANCE)) {
                    continue;
                }
                int yd = layout.dx() + j;
                String what = "y " + layout.dimName(yd) + " is an exact affine function of x " + layout.dimName(i)
                        + " (correlation " + String.format(Locale.ROOT, "%.12f", rho) + " over " + stats.valid() + " rows)";
                int k = Math.min(full.distinct(i), full.distinct(yd));
                if (k > InputStats.DISTINCT_CAP) {
                    throw new MineInputException("mutual information is unbounded: " + what
                            + "; for continuous values I(X; Y) is infinite and no estimate is meaningful."
                            + " Remove one of the two columns, or add noise if that is what you meant to measure");
                }
                warnings.add(what + " with only " + k + " distinct values: MI is finite (at most ln " + k + " = "
                        + num(Math.log(k)) + " nats)");
            }
        }
        for (String w : warnings) {
            LOG.warn(w);
        }

        int parts = spec.partitions() > 0 ? spec.partitions() : jsc.defaultParallelism();
        final double evalFraction = spec.evalFraction();
        double expectedTrain = stats.valid() * (1 - evalFraction);
        double cap = spec.maxTrainRows();
        final double sampleFraction = expectedTrain <= cap ? 1.0
                : Math.max(0.0, (cap - 4 * Math.sqrt(cap)) / expectedTrain);

        // standardised float rows tagged train (true) / held-out (false) by a seeded hash
        JavaRDD<Tuple2<Boolean, float[]>> tagged = streamTagged(rows, lay, dims, seed, evalFraction, sampleFraction, mean, invStd);

        TrainingData td = trainingData(tagged, parts, seed, layout, spec, stats.valid());

        // training
        int[] hidden = spec.hidden().stream().mapToInt(Integer::intValue).toArray();
        CriticShape shape = CriticShape.of(spec.critic(), layout.dx(), layout.dy(), hidden, spec.embedDim());
        Bound bound = Bound.forName(spec.bound(), spec.emaAlpha(), spec.smileTau(), spec.infonceK());
        Kernels driverKernels = Kernels.forName(spec.kernels());
        LOG.info("critic {} with {} parameters, bound {}, kernels: {}", shape, shape.numParams(), bound.name(),
                driverKernels.describe());
        if (Double.isFinite(bound.capNats())) {
            warnings.add(String.format(Locale.ROOT, "bound %s cannot exceed ln %d = %.4f nats (its group size K, "
                    + "--infonce-k): an estimate near that cap means the true MI may be larger", bound.name(),
                    bound.groupSize(), bound.capNats()));
            LOG.warn(warnings.get(warnings.size() - 1));
        }
        Trained trained;
        try {
            trained = train(td, shape, bound, driverKernels, spec, listener);
        } finally {
            td.blocks.unpersist(false);
        }
        double trainSeconds = trained.seconds;
        double[] curve = trained.curve;
        long nTrain = td.rows;

        // held-out evaluation
        BoundStats eval = evaluate(jsc, tagged, trained.params, shape, bound, spec.kernels(), parts, seed, spec.evalChunkRows());
        if (eval.count() == 0) {
            throw new IllegalArgumentException("no held-out rows to evaluate (" + stats.valid()
                    + " valid rows, eval-fraction " + evalFraction + "); use more rows or a larger eval-fraction");
        }
        double est = eval.estimate();
        if (!Double.isFinite(est)) {
            throw new IllegalStateException("the held-out estimate is not finite (" + est + "); training diverged");
        }
        double lo = eval.ci95Low();
        double hi = eval.ci95High();
        if (est < 0) {
            // I(X;Y) >= 0 and the constant critic attains DV = 0 exactly, so the best bound is
            // max(0, DV(T)); a negative DV(T) is the critic's own curvature (-Var(T)/2 when X and Y
            // are independent), not evidence about the MI. Keep the raw value in the warnings.
            String raw = String.format(java.util.Locale.ROOT,
                    "the " + bound.name() + " bound of the trained critic on held-out rows is %.5f nats (95%% CI [%.5f, %.5f]); "
                            + "mutual information is >= 0 and a constant critic attains 0, so 0 is reported", est, lo, hi);
            LOG.warn(raw);
            warnings.add(raw);
        }
        est = Math.max(0, est);
        lo = Math.max(0, lo);
        hi = Math.max(0, hi);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new MiResult(est, lo, hi, eval.stdError(), stats.rows(), stats.dropped(),
                nTrain, eval.count(), spec.steps(), bound.name(), driverKernels.name(), seconds, trainSeconds,
                spec.steps() * (double) spec.batchSize() / trainSeconds, curve, MiResult.STATUS_OK, warnings);
    }

    /** The cached training blocks, their row count and every partition's share of the batch. */
    private record TrainingData(JavaRDD<FloatBlock> blocks, long rows, int[] batchPerPartition) {
    }

    /** The trained critic's weights, the per-step minibatch DV estimates and the training wall time. */
    private record Trained(float[][] params, double[] curve, double seconds) {
    }

    /**
     * Caches the training rows as one block per partition and checks that the batch fits: the
     * whole batch within the training rows, each partition's share within its rows (errors name
     * the flag and the numbers; nothing stays cached after an error).
     */
    private static TrainingData trainingData(JavaRDD<Tuple2<Boolean, float[]>> tagged, int parts, long seed,
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
        return new TrainingData(blocks, nTrain, perPart);
    }

    /** The synchronous training loop with progress reporting. */
    private static Trained train(TrainingData td, CriticShape shape, Bound bound, Kernels driverKernels,
                                 MineSpec spec, ProgressListener listener) {
        long seed = spec.seed();
        MineOptimizer opt = new MineOptimizer(shape, shape.init(Seeds.derive(seed, INIT)), spec.learningRate(),
                bound, driverKernels).withCosineDecay(spec.steps(), spec.lrFinalFraction());
        TrainingLoop trainer = Trainers.create(spec.trainer(), td.blocks, shape, spec.kernels(), td.batchPerPartition, seed);
        double[] curve = new double[spec.steps()];
        long tTrain = System.nanoTime();
        double[] smooth = {Double.NaN};
        long[] overhead = new long[spec.steps()];
        trainer.run(0, spec.steps(), TRAIN, opt, (step, dv, agg, stepNanos) -> {
            overhead[step] = stepNanos - agg.computeNanos();
            curve[step] = dv;
            smooth[0] = Double.isNaN(smooth[0]) ? dv : 0.98 * smooth[0] + 0.02 * dv;
            if ((step + 1) % spec.logEvery() == 0 || step + 1 == spec.steps()) {
                double el = (System.nanoTime() - tTrain) / 1e9;
                double sps = (step + 1) * (double) spec.batchSize() / el;
                double eta = el / (step + 1) * (spec.steps() - step - 1);
                String line = String.format(Locale.ROOT, "step %d/%d  estimate %.4f nats (smoothed)  %.0f samples/s  ETA %.0fs",
                        step + 1, spec.steps(), smooth[0], sps, eta);
                if (listener != null) {
                    // the listener reports progress itself: keep ours for debugging only
                    LOG.debug(line);
                    listener.onProgress(step + 1, spec.steps(), smooth[0], sps, eta);
                } else {
                    LOG.info(line);
                }
            }
        });
        double seconds = (System.nanoTime() - tTrain) / 1e9;
        java.util.Arrays.sort(overhead);
        LOG.info(String.format(Locale.ROOT, "training: %d steps in %.1f s, median distribution overhead %.2f ms per step",
                spec.steps(), seconds, overhead[overhead.length / 2] / 1e6));
        return new Trained(opt.snapshot(), curve, seconds);
    }

    /** Splits a global batch over {@code parts} partitions as evenly as possible. */
    static int[] splitBatch(int batch, int parts) {
        int[] b = new int[parts];
        for (int p = 0; p < parts; p++) {
            b[p] = batch / parts + (p < batch % parts ? 1 : 0);
        }
        return b;
    }

    /** Standardised float rows tagged train (true) / held-out (false), streamed (no per-partition buffer). */
    static JavaRDD<Tuple2<Boolean, float[]>> streamTagged(JavaRDD<Row> rows, ColumnLayout lay, int dims, long seed,
                                                          double evalFraction, double sampleFraction,
                                                          double[] mean, double[] invStd) {
        return rows.mapPartitionsWithIndex((pi, it) -> new Iterator<Tuple2<Boolean, float[]>>() {
            private final double[] v = new double[dims];
            private long r;
            private Tuple2<Boolean, float[]> next;

            private void advance() {
                while (next == null && it.hasNext()) {
                    Row row = it.next();
                    long rowId = r++;
                    if (!lay.extract(row, v)) {
                        continue;
                    }
                    boolean eval = Seeds.unit(Seeds.derive(seed, SPLIT, pi, rowId)) < evalFraction;
                    if (!eval && sampleFraction < 1.0
                            && Seeds.unit(Seeds.derive(seed, SAMPLE, pi, rowId)) >= sampleFraction) {
                        continue;
                    }
                    float[] f = new float[dims];
                    for (int i = 0; i < dims; i++) {
                        f[i] = (float) ((v[i] - mean[i]) * invStd[i]);
                    }
                    next = new Tuple2<>(!eval, f);
                }
            }

            @Override
            public boolean hasNext() {
                advance();
                return next != null;
            }

            @Override
            public Tuple2<Boolean, float[]> next() {
                advance();
                if (next == null) {
                    throw new java.util.NoSuchElementException();
                }
                Tuple2<Boolean, float[]> n = next;
                next = null;
                return n;
            }
        }, true);
    }

    /**
     * Spreads training rows over {@code parts} partitions by a seeded random 64-bit key and sorts
     * each partition by it, then packs each partition into one block. Sorting by the key (rather
     * than keeping shuffle-fetch order, which depends on which map output arrives first) makes the
     * block's row order, and so the whole training run, reproducible for a given seed.
     */
    static JavaRDD<FloatBlock> buildBlocks(JavaRDD<Tuple2<Boolean, float[]>> tagged, int parts, long seed, int dx, int dy) {
        return randomlyOrdered(tagged.filter(t -> t._1()), parts, seed, SPREAD).mapPartitions(it -> {
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
    static JavaPairRDD<Long, float[]> randomlyOrdered(JavaRDD<Tuple2<Boolean, float[]>> rows, int parts, long seed,
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

    /** One streaming pass over the held-out rows, randomly spread and ordered, merged on the driver. */
    static BoundStats evaluate(JavaSparkContext jsc, JavaRDD<Tuple2<Boolean, float[]>> tagged, float[][] params,
                               CriticShape shape, Bound bound, String kernels, int parts, long seed, int chunkRows) {
        JavaPairRDD<Long, float[]> keyed = randomlyOrdered(tagged.filter(t -> !t._1()), parts, seed, EVAL);
        Broadcast<float[][]> bc = jsc.broadcast(params);
        try {
            int dx = shape.dx();
            int dy = shape.dy();
            return Merge.ordered(keyed
                    .mapPartitionsWithIndex((pi, it) -> {
                        Kernels k = Kernels.forName(kernels);
                        PartitionWorker w = PartitionWorker.acquire(shape, k, Math.min(chunkRows, 4096), bound);
                        SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, EVAL, 1000003L + pi));
                        BoundStats s = bound.newStats();
                        float[] x = new float[chunkRows * dx];
                        float[] y = new float[chunkRows * dy];
                        float[][] p = bc.value();
                        int c = 0;
                        while (it.hasNext()) {
                            float[] f = it.next()._2();
                            System.arraycopy(f, 0, x, c * dx, dx);
                            System.arraycopy(f, dx, y, c * dy, dy);
                            if (++c == chunkRows) {
                                w.evaluateChunk(p, x, y, c, rnd, s);
                                c = 0;
                            }
                        }
                        w.evaluateChunk(p, x, y, c, rnd, s);
                        PartitionWorker.release(w);
                        return Collections.singletonList(s).iterator();
                    }, false), bound.newStats(), BoundStats::merge, Integer.MAX_VALUE);
        } finally {
            bc.destroy();
        }
    }
}
