package org.minespark.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
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
import org.apache.spark.storage.StorageLevel;
import org.minespark.api.MiResult;
import org.minespark.api.MineSpec;
import org.minespark.api.ProgressListener;
import org.minespark.core.ColumnStats;
import org.minespark.core.CriticShape;
import org.minespark.core.DvEvalStats;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MineOptimizer;
import org.minespark.core.PartitionWorker;
import org.minespark.core.Seeds;
import org.minespark.core.StepAggregate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.Tuple2;

/**
 * Runs one MINE estimate on Spark:
 * <ol>
 * <li>check the schema, then one distributed pass for row counts and per-dimension mean/std;</li>
 * <li>split rows into train/held-out by a seeded hash of (input partition, row index);</li>
 * <li>cache a bounded random sample of the training rows as one dense, standardised float block per
 *     partition, rows spread over partitions by a seeded random key;</li>
 * <li>synchronous data-parallel training: per step, broadcast the weights, every partition returns a
 *     mergeable {@link StepAggregate} for its minibatch, the driver merges and applies
 *     {@link MineOptimizer};</li>
 * <li>evaluate the DV bound over all held-out rows in one streaming pass (rows spread and sorted by
 *     a random key, marginals by pairing within chunks) and merge {@link DvEvalStats}.</li>
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

    private MineRunner() {
    }

    public static MiResult run(Dataset<Row> data, MineSpec spec, ProgressListener listener) {
        try {
            return runUnwrapped(data, spec, listener);
        } catch (RuntimeException e) {
            throw unwrap(e);
        }
    }

    /** Executors wrap our validation errors in SparkException; surface the original message. */
    private static RuntimeException unwrap(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
                return (RuntimeException) t;
            }
        }
        // in separate executor JVMs only the message of the remote exception survives
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = t.getMessage();
            String marker = "java.lang.IllegalArgumentException: ";
            if (msg != null && msg.contains(marker)) {
                String m = msg.substring(msg.indexOf(marker) + marker.length());
                int nl = m.indexOf('\n');
                return new IllegalArgumentException(nl >= 0 ? m.substring(0, nl) : m, e);
            }
        }
        return e;
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
                throw new IllegalArgumentException("no row has all of the columns " + String.join(", ", names) + " set (all null)");
            }
            layout.resolveWidths(first.get(0));
        }
        final ColumnLayout lay = layout;
        final int dims = layout.dx() + layout.dy();
        JavaRDD<Row> rows = selected.javaRDD();

        // pass 1: counts and moments
        ColumnStats stats = Merge.ordered(rows.mapPartitions((Iterator<Row> it) -> {
            ColumnStats s = new ColumnStats(dims);
            double[] v = new double[dims];
            while (it.hasNext()) {
                if (lay.extract(it.next(), v)) {
                    s.add(v);
                } else {
                    s.addDropped();
                }
            }
            return Collections.singletonList(s).iterator();
        }), new ColumnStats(dims), ColumnStats::merge, Integer.MAX_VALUE);
        if (stats.rows() == 0) {
            throw new IllegalArgumentException("the input has no rows; nothing to estimate");
        }
        if (stats.valid() == 0) {
            throw new IllegalArgumentException("all " + stats.rows() + " rows have a null, NaN or infinite value in "
                    + String.join(", ", names) + "; nothing to estimate");
        }
        final double[] mean = new double[dims];
        final double[] invStd = new double[dims];
        for (int i = 0; i < dims; i++) {
            mean[i] = stats.mean(i);
            double sd = stats.std(i);
            invStd[i] = sd > 0 ? 1.0 / sd : 1.0;
        }
        LOG.info("input: {} rows, {} dropped (null/NaN/Inf), x has {} dims, y has {} dims",
                stats.rows(), stats.dropped(), layout.dx(), layout.dy());

        int parts = spec.partitions() > 0 ? spec.partitions() : jsc.defaultParallelism();
        final double evalFraction = spec.evalFraction();
        double expectedTrain = stats.valid() * (1 - evalFraction);
        double cap = spec.maxTrainRows();
        final double sampleFraction = expectedTrain <= cap ? 1.0
                : Math.max(0.0, (cap - 4 * Math.sqrt(cap)) / expectedTrain);

        // standardised float rows tagged train (true) / held-out (false) by a seeded hash
        JavaRDD<Tuple2<Boolean, float[]>> tagged = streamTagged(rows, lay, dims, seed, evalFraction, sampleFraction, mean, invStd);

        JavaRDD<FloatBlock> blocks = buildBlocks(tagged, parts, seed, layout.dx(), layout.dy());
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        List<Integer> blockRows = blocks.map(FloatBlock::rows).collect();
        long nTrain = 0;
        for (int n : blockRows) {
            nTrain += n;
        }
        int[] perPart = splitBatch(spec.batchSize(), blockRows.size());
        for (int p = 0; p < perPart.length; p++) {
            if (blockRows.get(p) < Math.max(1, perPart[p])) {
                blocks.unpersist(false);
                throw new IllegalArgumentException("training partition " + p + " has " + blockRows.get(p)
                        + " rows but its share of batch-size " + spec.batchSize() + " is " + perPart[p]
                        + " rows; use fewer partitions (--partitions), a smaller --batch-size or more data ("
                        + nTrain + " training rows in all)");
            }
        }
        LOG.info("training sample: {} rows in {} partitions ({} MiB as floats), batch {} per step",
                nTrain, blockRows.size(), String.format("%.1f", nTrain * 4.0 * dims / (1 << 20)), spec.batchSize());

        // training
        int[] hidden = spec.hidden().stream().mapToInt(Integer::intValue).toArray();
        CriticShape shape = new CriticShape(layout.dx(), layout.dy(), hidden);
        Kernels driverKernels = Kernels.forName(spec.kernels());
        LOG.info("critic {} with {} parameters, kernels: {}", shape, shape.numParams(), driverKernels.describe());
        MineOptimizer opt = new MineOptimizer(shape, shape.init(Seeds.derive(seed, INIT)), spec.learningRate(),
                spec.emaAlpha(), driverKernels);
        SyncTrainer trainer = new SyncTrainer(jsc, blocks, shape, spec.kernels(), perPart, seed);
        double[] curve = new double[spec.steps()];
        long tTrain = System.nanoTime();
        double smooth = Double.NaN;
        long[] overhead = new long[spec.steps()];
        for (int step = 0; step < spec.steps(); step++) {
            long ts = System.nanoTime();
            StepAggregate agg = trainer.step(opt.snapshot(), step, TRAIN);
            double dv = opt.step(agg);
            overhead[step] = System.nanoTime() - ts - agg.computeNanos();
            curve[step] = dv;
            smooth = Double.isNaN(smooth) ? dv : 0.98 * smooth + 0.02 * dv;
            if ((step + 1) % spec.logEvery() == 0 || step + 1 == spec.steps()) {
                double el = (System.nanoTime() - tTrain) / 1e9;
                double sps = (step + 1) * (double) spec.batchSize() / el;
                double eta = el / (step + 1) * (spec.steps() - step - 1);
                LOG.info(String.format("step %d/%d  estimate %.4f nats (smoothed)  %.0f samples/s  ETA %.0fs",
                        step + 1, spec.steps(), smooth, sps, eta));
                if (listener != null) {
                    listener.onProgress(step + 1, spec.steps(), smooth, sps, eta);
                }
            }
        }
        double trainSeconds = (System.nanoTime() - tTrain) / 1e9;
        java.util.Arrays.sort(overhead);
        LOG.info(String.format("training: %d steps in %.1f s, median distribution overhead %.2f ms per step",
                spec.steps(), trainSeconds, overhead[overhead.length / 2] / 1e6));
        blocks.unpersist(false);

        // held-out evaluation
        DvEvalStats eval = evaluate(jsc, tagged, opt.snapshot(), shape, spec.kernels(), parts, seed, spec.evalChunkRows());
        if (eval.count() == 0) {
            throw new IllegalArgumentException("no held-out rows to evaluate (" + stats.valid()
                    + " valid rows, eval-fraction " + evalFraction + "); use more rows or a larger eval-fraction");
        }
        double est = eval.estimate();
        if (!Double.isFinite(est)) {
            throw new IllegalStateException("the held-out estimate is not finite (" + est + "); training diverged");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new MiResult(est, eval.ci95Low(), eval.ci95High(), eval.stdError(), stats.rows(), stats.dropped(),
                nTrain, eval.count(), spec.steps(), "dv", driverKernels.name(), seconds, trainSeconds,
                spec.steps() * (double) spec.batchSize() / trainSeconds, curve);
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

    /** Spreads training rows over {@code parts} partitions by a seeded random key; one block each. */
    static JavaRDD<FloatBlock> buildBlocks(JavaRDD<Tuple2<Boolean, float[]>> tagged, int parts, long seed, int dx, int dy) {
        JavaPairRDD<Integer, float[]> keyed = tagged.filter(t -> t._1()).mapPartitionsWithIndex((pi, it) -> {
            SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, SPREAD, pi));
            return new Iterator<Tuple2<Integer, float[]>>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Tuple2<Integer, float[]> next() {
                    return new Tuple2<>(rnd.nextInt(parts), it.next()._2());
                }
            };
        }, false).mapToPair(t -> t);
        return keyed.partitionBy(new HashPartitioner(parts)).mapPartitions(it -> {
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

    /** One streaming pass over the held-out rows, randomly spread and ordered, merged on the driver. */
    static DvEvalStats evaluate(JavaSparkContext jsc, JavaRDD<Tuple2<Boolean, float[]>> tagged, float[][] params,
                                CriticShape shape, String kernels, int parts, long seed, int chunkRows) {
        JavaPairRDD<Long, float[]> keyed = tagged.filter(t -> !t._1()).mapPartitionsWithIndex((pi, it) -> {
            SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, EVAL, pi));
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
        }, false).mapToPair(t -> t);
        Broadcast<float[][]> bc = jsc.broadcast(params);
        try {
            int dx = shape.dx();
            int dy = shape.dy();
            return Merge.ordered(keyed.repartitionAndSortWithinPartitions(new HashPartitioner(parts))
                    .mapPartitionsWithIndex((pi, it) -> {
                        Kernels k = Kernels.forName(kernels);
                        PartitionWorker w = PartitionWorker.forThread(shape, k, Math.min(chunkRows, 4096));
                        SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, EVAL, 1000003L + pi));
                        DvEvalStats s = new DvEvalStats();
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
                        return Collections.singletonList(s).iterator();
                    }, false), new DvEvalStats(), DvEvalStats::merge, Integer.MAX_VALUE);
        } finally {
            bc.destroy();
        }
    }
}
