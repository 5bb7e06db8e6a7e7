package org.minespark.spark;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.minespark.core.FloatBlock;
import org.minespark.core.NormalScores;
import org.minespark.core.Seeds;

import scala.Tuple2;

/**
 * The engine's row stages: the transformed wide rows tagged train / validation / test by seeded
 * hashes, the normal-scores fit, and the randomly spread and ordered blocks the trainers and
 * evaluators read. Stream purposes ({@link Engine}'s constants) make every random choice a
 * function of (seed, purpose, partition, row or step).
 */
final class TaggedRows {
    /** Row roles in the tagged stream: training sample, validation (early stopping), test (the estimate). */
    static final byte TRAIN_ROW = 0;
    static final byte VALIDATION_ROW = 1;
    static final byte TEST_ROW = 2;
    /** Not in the data: a training row left out of the bounded training sample, or a test row out of the test sample. */
    static final byte SKIP = -1;

    /** Rows sampled to fit the normal-scores transform (at most; fewer when a row has many values). */
    static final int NORMAL_SCORES_ROWS = 100_000;

    private TaggedRows() {
    }

    /**
     * How rows are split ({@link #role}): the held-out fraction, the share of the held-out rows used for validation,
     * and the Bernoulli fractions of the training rows and of the test rows that are kept (1 = all).
     */
    record Split(double evalFraction, double validationFraction, double trainFraction, double testFraction)
            implements java.io.Serializable {
    }

    /**
     * The transformed float rows of role {@code only} ({@link #TRAIN_ROW}, {@link #VALIDATION_ROW} or
     * {@link #TEST_ROW}) of {@code split} ({@link #role}), streamed (no per-partition buffer). Each value is
     * standardised with {@code mean}/{@code invStd}, or mapped by {@code scores} (normal scores) when not null. Only
     * the rows of role {@code only} are read into their dimensions and kept: every consumer reads one
     * role, and a wide row with per-value codes costs thousands of dimensions (1000 columns: each
     * pass that read every row took about 165 s, for the 2 % of rows the training sample keeps).
     */
    static JavaRDD<float[]> tag(JavaRDD<Row> rows, RowLayout lay, long seed, Split split, double[] mean,
                                double[] invStd, NormalScores scores, byte only) {
        final int dims = lay.width();
        return rows.mapPartitionsWithIndex((pi, it) -> {
            double[] v = new double[dims];
            return new MappingIterator<Row, float[]>(it) {
                @Override
                protected float[] map(Row row, long rowId) {
                    if (role(seed, pi, rowId, split) != only || lay.firstInvalid(row, v) >= 0) {
                        return null;
                    }
                    return scores == null ? standardised(v, dims, mean, invStd) : scored(v, dims, scores);
                }
            };
        }, true);
    }

    /**
     * A row's part from its seeded uniforms, each derived from (seed, purpose, input partition, row index): the row
     * is held out when its SPLIT uniform is below {@code evalFraction}, else it is a {@link #TRAIN_ROW} when its
     * SAMPLE uniform is below {@code trainFraction}; a held-out row is a {@link #VALIDATION_ROW} when its
     * VALIDATION_SPLIT uniform is below {@code validationFraction}, else a {@link #TEST_ROW} when its TEST_SAMPLE
     * uniform is below {@code testFraction}. Every other row is {@link #SKIP}. Each choice has its own stream, so
     * the test sample does not move a training or validation row. With {@code validationFraction} 0 every held-out
     * row is a test row (or outside the test sample).
     */
    static byte role(long seed, int partition, long rowId, Split split) {
        boolean eval = Seeds.unit(Seeds.derive(seed, Engine.SPLIT, partition, rowId)) < split.evalFraction();
        if (!eval) {
            return kept(seed, Engine.SAMPLE, partition, rowId, split.trainFraction()) ? TRAIN_ROW : SKIP;
        }
        if (Seeds.unit(Seeds.derive(seed, Engine.VALIDATION_SPLIT, partition, rowId)) < split.validationFraction()) {
            return VALIDATION_ROW;
        }
        return kept(seed, Engine.TEST_SAMPLE, partition, rowId, split.testFraction()) ? TEST_ROW : SKIP;
    }

    /** Whether a row is in a Bernoulli sample of {@code fraction} (all rows when it is 1; no draw then). */
    private static boolean kept(long seed, long purpose, int partition, long rowId, double fraction) {
        return fraction >= 1.0 || Seeds.unit(Seeds.derive(seed, purpose, partition, rowId)) < fraction;
    }

    /** {@code (v[i] - mean[i]) * invStd[i]} for the first {@code n} values, as floats. */
    static float[] standardised(double[] v, int n, double[] mean, double[] invStd) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) ((v[i] - mean[i]) * invStd[i]);
        }
        return f;
    }

    /** The normal scores of the first {@code n} values, as floats (NaN, a missing value, stays NaN). */
    static float[] scored(double[] v, int n, NormalScores scores) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = Double.isNaN(v[i]) ? Float.NaN : (float) scores.apply(i, v[i]);
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
     * only those rows, never the table). With {@code group} not null, the dimensions of one group
     * share one map fitted on their pooled values ({@link NormalScores#fitPooled}; tensor rows).
     */
    static NormalScores fitNormalScores(JavaRDD<Row> rows, RowLayout lay, long valid, long seed, int[] group) {
        final int dims = lay.width();
        double fraction = Math.min(1.0, (double) scoresSampleRows(dims, valid) / Math.max(1, valid));
        List<double[]> sample = rows.mapPartitionsWithIndex((pi, it) -> {
            double[] v = new double[dims];
            return new MappingIterator<Row, double[]>(it) {
                @Override
                protected double[] map(Row row, long rowId) {
                    // the draw first: only a sampled row is read into its dimensions (a wide row with
                    // per-value codes costs thousands of them; 1000 columns read every row for 90 s)
                    if (Seeds.unit(Seeds.derive(seed, Engine.NORMAL_SCORES_SAMPLE, pi, rowId)) >= fraction) {
                        return null;
                    }
                    return lay.firstInvalid(row, v) >= 0 ? null : v.clone();
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
        if (lay.pairwise()) {
            presentOnly(perDim);
        }
        return group == null ? NormalScores.fit(perDim, NormalScores.DEFAULT_KNOTS)
                : NormalScores.fitPooled(perDim, group, Arrays.stream(group).max().orElse(0) + 1,
                NormalScores.DEFAULT_KNOTS);
    }

    /**
     * Each dimension's sample without its NaN values (rows where its column is missing); a
     * dimension with none present keeps one 0 (its map is then constant; it scores no row).
     */
    static void presentOnly(double[][] perDim) {
        for (int d = 0; d < perDim.length; d++) {
            double[] s = perDim[d];
            int k = 0;
            for (double v : s) {
                if (!Double.isNaN(v)) {
                    k++;
                }
            }
            if (k == s.length) {
                continue;
            }
            double[] out = new double[Math.max(1, k)];
            int i = 0;
            for (double v : s) {
                if (!Double.isNaN(v)) {
                    out[i++] = v;
                }
            }
            perDim[d] = out;
        }
    }

    /**
     * Rows (of one role) spread over {@code parts} partitions by a seeded random 64-bit key,
     * sorted by it within each partition (rather than shuffle-fetch order, which depends on which
     * map output arrives first: the block's row order, and so the whole run, is reproducible for a
     * seed) and packed into one wide block per partition ({@code dx} = the row width, {@code dy} 0).
     */
    static JavaRDD<FloatBlock> blocks(JavaRDD<float[]> rows, int parts, long seed, long purpose, int width) {
        return randomlyOrdered(rows, parts, seed, purpose).mapPartitions(it -> {
            FloatList xs = new FloatList(1024 * Math.max(1, width));
            int n = 0;
            while (it.hasNext()) {
                xs.add(it.next()._2(), 0, width);
                n++;
            }
            return Collections.singletonList(new FloatBlock(n, width, 0, xs.toArray(), new float[0])).iterator();
        });
    }

    /**
     * The rows keyed by a random 64-bit key from a stream derived from (seed, purpose, source
     * partition), hash-partitioned into {@code parts} partitions and sorted by the key within each
     * (an external, spill-capable sort): a random order that file order cannot influence.
     */
    static JavaPairRDD<Long, float[]> randomlyOrdered(JavaRDD<float[]> rows, int parts, long seed, long purpose) {
        return rows.mapPartitionsWithIndex((pi, it) -> {
            SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, purpose, pi));
            return new Iterator<Tuple2<Long, float[]>>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Tuple2<Long, float[]> next() {
                    return new Tuple2<>(rnd.nextLong(), it.next());
                }
            };
        }, false).mapToPair(t -> t).repartitionAndSortWithinPartitions(new HashPartitioner(parts));
    }

    /** Every block with the rows of dimensions {@code dims} re-paired by {@link FloatBlock#withPermutedColumns}, seeded per partition. */
    static JavaRDD<FloatBlock> permuted(JavaRDD<FloatBlock> blocks, int[] dims, long seed) {
        return blocks.mapPartitionsWithIndex((pi, it) -> {
            long ps = Seeds.derive(seed, pi);
            return new MappingIterator<FloatBlock, FloatBlock>(it) {
                @Override
                protected FloatBlock map(FloatBlock b, long index) {
                    return b.withPermutedColumns(dims, Seeds.derive(ps, index));
                }
            };
        }, true);
    }
}
