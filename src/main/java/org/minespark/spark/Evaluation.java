package org.minespark.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.minespark.core.Bound;
import org.minespark.core.BoundStats;
import org.minespark.core.CriticShape;
import org.minespark.core.EstimatorReach;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MultiPairWorker;
import org.minespark.core.PermutationStats;
import org.minespark.core.Seeds;
import org.minespark.spec.MiResult;


/**
 * The held-out passes of N critics: the validation pass (the chosen bound on cached validation
 * blocks, for early stopping and batch growth) and the test pass (the reported estimate, its CI
 * and the permutation test). Every critic has its own random streams, derived only from the seed
 * and the partition, so its values do not depend on the other critics of the pass.
 */
final class Evaluation implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * The permutation test of each critic uses at most about this many test rows: the first chunks
     * of every partition's randomly ordered test rows, {@code PERMUTATION_MAX_ROWS / partitions}
     * rows each (rounded up to whole chunks). The rows are chosen by their random position, not
     * their values, so the test stays exact; its resolution is still 1/(K+1). It bounds the cost:
     * every replicate is one more critic forward pass per row, so K = 99 over the 2 M test rows of
     * a 10 M-row table would be 200 M row forwards per critic, 40 times this cap's. 50 000 rows
     * still detect a weak dependence: the null spread of the statistic {@code mean T} is about
     * {@code sd(T) / sqrt(50 000)}, under 0.001 nats for a critic whose values spread by 0.2 (what a
     * 0.02-nat dependence trains), against a shift of about the MI. Lowered from 100 000 (2026-12-07)
     * when an estimate began evaluating three replicate critics and their ensemble: on a 3 M-row
     * table the test still took longer than the training. The estimate and its CI use all test rows
     * (a seeded sample of at most about {@code max-test-rows}: {@link TaggedRows#role}).
     */
    static final long PERMUTATION_MAX_ROWS = 50_000;
    /** {@link #PERMUTATION_MAX_ROWS}; tests lower it. */
    static volatile long permutationMaxRows = PERMUTATION_MAX_ROWS;

    private final CriticShape[] shapes;
    private final int[][] xDims;
    private final int[][] yDims;
    private final int[] replicates;
    private final String kernels;
    private final Bound bound;
    private final int pairings;
    private final long key;

    /**
     * @param replicates per critic, its replicate index ({@link Plan.Pair#replicate()}): the pass's
     *                   training workers are reused, so the pool's workers must be the ones training builds
     * @param key the pass's worker-pool key ({@link MultiPairWorker#acquire}): its training workers are reused
     */
    Evaluation(CriticShape[] shapes, int[][] xDims, int[][] yDims, int[] replicates, String kernels, Bound bound,
               int pairings, long key) {
        this.replicates = replicates;
        this.shapes = shapes;
        this.xDims = xDims;
        this.yDims = yDims;
        this.kernels = kernels;
        this.bound = bound;
        this.pairings = pairings;
        this.key = key;
    }

    /**
     * A held-out accumulator of the bound scoring {@code pairings} marginal pairings per row;
     * all-pairs bounds (infonce) score their groups' pairings and take one.
     */
    static BoundStats newStats(Bound bound, int pairings) {
        BoundStats s = bound.newStats();
        return bound.groupSize() > 0 ? s : s.withMarginalPairings(pairings);
    }

    private MultiPairWorker worker() {
        final CriticShape[] sh = shapes;
        final int[][] xd = xDims;
        final int[][] yd = yDims;
        final String kn = kernels;
        final Bound bd = bound;
        final int[] rep = replicates;
        return MultiPairWorker.acquire(key, () -> new MultiPairWorker(sh, xd, yd, Kernels.forName(kn), bd, rep));
    }

    /**
     * The chosen bound of every critic with non-null {@code params} on the cached {@code blocks}:
     * one chunk per block, marginal pairs from a stream fixed per partition ({@code seed},
     * {@code purpose}), so every pass pairs the same rows and successive passes differ only by the
     * weights.
     */
    BoundStats[] validate(JavaRDD<FloatBlock> blocks, float[][][] params, long seed, long purpose) {
        int n = shapes.length;
        final Evaluation ev = this;
        BoundStats[] zero = new BoundStats[n];
        for (int m = 0; m < n; m++) {
            zero[m] = bound.newStats();
        }
        return Merge.ordered(blocks.mapPartitionsWithIndex((pi, it) -> {
            BoundStats[] st = new BoundStats[n];
            SplittableRandom[] rngs = new SplittableRandom[n];
            for (int m = 0; m < n; m++) {
                st[m] = newStats(ev.bound, ev.pairings);
                rngs[m] = new SplittableRandom(Seeds.derive(seed, purpose, pi));
            }
            MultiPairWorker w = ev.worker();
            try {
                while (it.hasNext()) {
                    FloatBlock b = it.next();
                    if (b.rows() >= 2) {
                        w.evaluateChunk(params, b.x(), b.dx(), b.rows(), rngs, st, null, null);
                    }
                }
            } finally {
                MultiPairWorker.release(ev.key, w);
            }
            return Collections.singletonList(st).iterator();
        }, false), zero, Evaluation::mergeStats, Integer.MAX_VALUE);
    }

    /**
     * One streaming pass over the test rows (spread and ordered by a random key, in chunks of
     * {@code chunkRows}): every critic's bound statistics and, unless {@code permutations} is 0,
     * its permutation test on the first {@link #permutationMaxRows} rows.
     */
    EvalStats[] evaluate(JavaSparkContext jsc, JavaRDD<float[]> testRows, float[][][] params, int parts,
                         long seed, int chunkRows, int permutations) {
        return evaluate(jsc, testRows, params, parts, seed, chunkRows, permutations, shapes.length);
    }

    /** As above, with the permutation test for the first {@code permuted} critics only (the others: null). */
    EvalStats[] evaluate(JavaSparkContext jsc, JavaRDD<float[]> testRows, float[][][] params, int parts,
                         long seed, int chunkRows, int permutations, int permuted) {
        int n = shapes.length;
        JavaPairRDD<Long, float[]> keyed = TaggedRows.randomlyOrdered(testRows, parts, seed, Engine.EVAL);
        Broadcast<float[][][]> bc = jsc.broadcast(params);
        final Evaluation ev = this;
        final long permRows = (permutationMaxRows + parts - 1) / parts;
        try {
            EvalStats[] zero = new EvalStats[n];
            for (int m = 0; m < n; m++) {
                zero[m] = new EvalStats(bound.newStats(), permutations > 0 && m < permuted
                        ? new PermutationStats(permutations) : null);
            }
            return Merge.ordered(keyed.mapPartitionsWithIndex((pi, it) -> {
                SplittableRandom[] rngs = new SplittableRandom[n];
                SplittableRandom[] prngs = new SplittableRandom[n];
                BoundStats[] st = new BoundStats[n];
                PermutationStats[] ps = permutations > 0 ? new PermutationStats[n] : null;
                for (int m = 0; m < n; m++) {
                    rngs[m] = new SplittableRandom(Seeds.derive(seed, Engine.EVAL, 1000003L + pi));
                    prngs[m] = new SplittableRandom(Seeds.derive(seed, Engine.PERMUTE, pi));
                    st[m] = newStats(ev.bound, ev.pairings);
                    if (ps != null) {
                        ps[m] = m < permuted ? new PermutationStats(permutations) : null;
                    }
                }
                float[][][] p = bc.value();
                MultiPairWorker w = ev.worker();
                try {
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
                } finally {
                    MultiPairWorker.release(ev.key, w);
                }
                EvalStats[] out = new EvalStats[n];
                for (int m = 0; m < n; m++) {
                    out[m] = new EvalStats(st[m], ps == null ? null : ps[m]);
                }
                return Collections.singletonList(out).iterator();
            }, false), zero, Evaluation::mergeEval, Integer.MAX_VALUE);
        } finally {
            bc.destroy();
        }
    }

    /**
     * The significance verdict of a held-out estimate: with a permutation test, {@code dependent}
     * iff {@code p <= alpha}, and the null mean and spread of the raw bound {@code est} over the
     * re-paired replicates; without one ({@code perm} null or empty), {@code dependent} iff the raw
     * 95% CI lower end {@code lo} is above 0.
     */
    static MiResult.Significance significance(PermutationStats perm, double est, double lo, double alpha) {
        if (perm == null || perm.count() == 0) {
            return new MiResult.Significance(MiResult.Significance.TEST_CI, 0, Double.NaN, Double.NaN, lo > 0, Double.NaN,
                    Double.NaN);
        }
        double p = perm.pValue();
        return new MiResult.Significance(MiResult.Significance.TEST_PERMUTATION, perm.replicates(), alpha, p, p <= alpha,
                perm.nullMean(est), perm.nullStd(est));
    }

    /**
     * The notes on a held-out estimate, in this order: a negative raw bound (I(X;Y) >= 0 and the
     * constant critic attains DV = 0 exactly, so max(0, DV(T)) is reported and the raw value kept
     * here: a negative DV(T) is the critic's own curvature, not evidence about the MI), and an
     * estimate near the estimator's reach ({@link EstimatorReach}).
     */
    static List<String> notes(String bound, BoundStats eval) {
        List<String> notes = new ArrayList<>();
        double est = eval.estimate();
        double lo = eval.ci95Low();
        double hi = eval.ci95High();
        if (est < 0) {
            notes.add(String.format(Locale.ROOT, "the %s bound of the trained critic on held-out rows is %.5f nats"
                    + " (95%% CI [%.5f, %.5f]); mutual information is >= 0 and a constant critic attains 0, so 0 is"
                    + " reported", bound, est, lo, hi));
        }
        if (nearLimit(eval)) {
            notes.add(EstimatorReach.warning(bound, Math.max(0, est), Math.max(0, hi), eval.count(), eval.marginalEss(),
                    eval.marginalPairs()));
        }
        return notes;
    }

    /** Whether the held-out estimate is flagged near the estimator's reach ({@link EstimatorReach#nearLimit}). */
    static boolean nearLimit(BoundStats eval) {
        return EstimatorReach.nearLimit(Math.max(0, eval.ci95High()), eval.count(), eval.marginalEss(),
                eval.marginalPairs());
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
