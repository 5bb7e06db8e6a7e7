package org.minespark.core;

import java.util.SplittableRandom;

/**
 * The held-out half of a {@link PartitionWorker}: scores chunks of held-out rows with one critic for
 * one bound (the estimate's {@link BoundStats} and, when asked, the permutation test's
 * {@link PermutationStats}). It picks its evaluator (all-pairs groups, or pairwise with one or
 * several pairings) and its critic pass (concat, separable, tensor positions) once, at
 * construction, and shares the worker's critic and score buffers. Not thread-safe.
 */
final class HeldOutScorer {
    private final PartitionWorker w;
    private final CriticShape shape;
    private final int positions;
    private final Bound bound;
    private final Critic critic;
    private final SeparableCritic sep;
    private final int maxRows;
    private final float[] tJoint;
    private final float[] tMarg;
    private final float[] scores;
    private final float[] weights;
    private final float[] ones;
    private final double[] sumScratch;
    private final float[] rowJoint; // positions > 1: per-row mean joint T of an evaluation pass
    private final float[] rowMarg; // positions > 1: per-row log-mean-exp of the marginal T (and permuted means)
    int[] shifts = new int[0]; // permutation-test shifts of the current chunk, grown once per K
    private final EvalPass evalPass; // the critic kind's pass over a piece of a chunk (pairwise bounds)
    private final Evaluator evaluator; // the bound family's scoring of a chunk
    private final PairingsScorer pairings; // several marginal pairings per row

    HeldOutScorer(PartitionWorker w) {
        this.w = w;
        this.shape = w.shape;
        this.positions = w.positions;
        this.bound = w.bound;
        this.critic = w.critic;
        this.sep = w.sep;
        this.maxRows = w.maxRows;
        this.tJoint = w.tJoint;
        this.tMarg = w.tMarg;
        this.scores = w.scores;
        this.weights = w.weights;
        this.ones = w.ones;
        this.sumScratch = w.sumScratch;
        this.rowJoint = new float[positions > 1 ? maxRows : 0];
        this.rowMarg = new float[positions > 1 ? maxRows : 0];
        this.evalPass = positions > 1 ? this::tensorEvalPass : sep != null ? this::separableEvalPass
                : this::concatEvalPass;
        this.evaluator = bound.groupSize() > 0 ? this::evaluateAllPairs : this::evaluatePairwise;
        this.pairings = new PairingsScorer(this, shape, critic, sep, maxRows, tJoint, tMarg);
    }

    /** Bytes of this scorer's own fixed buffers (the per-row values of tensor rows). */
    long workspaceBytes() {
        return 4L * (rowJoint.length + rowMarg.length);
    }

    /** See {@link PartitionWorker#evaluateChunk(float[][], float[], float[], int, SplittableRandom, BoundStats, PermutationStats, SplittableRandom)}. */
    void evaluateChunk(float[][] params, float[] x, float[] y, int count, SplittableRandom rng, BoundStats stats,
                       PermutationStats perm, SplittableRandom permRng) {
        evaluator.run(params, x, y, count, rng, stats, perm, permRng);
    }

    /** A piece of held-out rows {@code [start, start + rows)} of a chunk scored by one critic kind; chosen at construction. */
    @FunctionalInterface
    private interface EvalPass {
        void run(float[][] params, float[] x, float[] y, int count, int start, int rows, int shift, int reps,
                 BoundStats stats, PermutationStats perm);
    }

    /** The held-out scoring of a chunk for one bound family; chosen once, at construction. */
    @FunctionalInterface
    private interface Evaluator {
        void run(float[][] params, float[] x, float[] y, int count, SplittableRandom rng, BoundStats stats,
                 PermutationStats perm, SplittableRandom permRng);
    }

    /** All-pairs bounds: every pairing within groups (the rng is not used). */
    private void evaluateAllPairs(float[][] params, float[] x, float[] y, int count, SplittableRandom rng,
                                  BoundStats stats, PermutationStats perm, SplittableRandom permRng) {
        evaluateGroups(params, x, y, count, stats, perm, permRng);
    }

    /** Pairwise bounds: one shifted pairing per chunk, or several per row ({@link BoundStats#marginalPairings()}). */
    private void evaluatePairwise(float[][] params, float[] x, float[] y, int count, SplittableRandom rng,
                                  BoundStats stats, PermutationStats perm, SplittableRandom permRng) {
        if (stats.marginalPairings() > 1 && positions == 1) {
            pairings.evaluate(params, x, y, count, rng, stats, perm, permRng);
            return;
        }
        int shift = 1 + rng.nextInt(count - 1);
        int reps = perm == null ? 0 : perm.replicates();
        if (reps > 0) {
            if (shifts.length < reps) {
                shifts = new int[reps]; // once per worker and K, not per chunk
            }
            for (int q = 0; q < reps; q++) {
                shifts[q] = permRng.nextInt(count);
            }
        }
        int cap = maxRows;
        for (int start = 0; start < count; start += cap) {
            evalPass.run(params, x, y, count, start, Math.min(cap, count - start), shift, reps, stats, perm);
        }
    }

    /** The separable critic's piece: g(x) once, h(y) for the joint and the shifted pairing. */
    private void separableEvalPass(float[][] params, float[] x, float[] y, int count, int start, int rows, int shift,
                                   int reps, BoundStats stats, PermutationStats perm) {
        int dx = shape.dx();
        int dy = shape.dy();
        float[] xin = sep.xInput();
        float[] yin = sep.yInput();
        System.arraycopy(x, start * dx, xin, 0, rows * dx);
        System.arraycopy(y, start * dy, yin, 0, rows * dy);
        float[] gm = sep.forwardX(params, rows);
        SeparableCritic.dots(gm, sep.forwardY(params, rows), null, rows, sep.embedDim(), tJoint);
        for (int r = 0; r < rows; r++) {
            int j = (start + r + shift) % count;
            System.arraycopy(y, j * dy, yin, r * dy, dy);
        }
        SeparableCritic.dots(gm, sep.forwardY(params, rows), null, rows, sep.embedDim(), tMarg);
        stats.add(tJoint, tMarg, rows);
        if (reps > 0) {
            separablePermutations(params, y, count, start, rows, gm, perm);
        }
    }

    /** The concat critic's piece: the joint rows, then the same x with the shifted y. */
    private void concatEvalPass(float[][] params, float[] x, float[] y, int count, int start, int rows, int shift,
                                int reps, BoundStats stats, PermutationStats perm) {
        int dx = shape.dx();
        int dy = shape.dy();
        int in = dx + dy;
        float[] input = critic.input();
        concatJoint(params, x, y, start, rows);
        for (int r = 0; r < rows; r++) {
            int i = start + r;
            int j = (i + shift) % count;
            System.arraycopy(y, j * dy, input, r * in + dx, dy);
        }
        float[] tm = critic.forward(params, rows);
        stats.add(tJoint, tm, rows);
        if (reps > 0) {
            concatPermutations(params, y, count, start, rows, reps, perm);
        }
    }

    /** Joint scores of chunk rows {@code [start, start+rows)} into {@code tJoint}; leaves their (x, y) in the critic input. */
    void concatJoint(float[][] params, float[] x, float[] y, int start, int rows) {
        int dx = shape.dx();
        int dy = shape.dy();
        int in = dx + dy;
        float[] input = critic.input();
        for (int r = 0; r < rows; r++) {
            int i = start + r;
            System.arraycopy(x, i * dx, input, r * in, dx);
            System.arraycopy(y, i * dy, input, r * in + dx, dy);
        }
        System.arraycopy(critic.forward(params, rows), 0, tJoint, 0, rows);
    }

    /**
     * The permutation replicates of the concat critic for rows {@code [start, start+rows)} of a
     * chunk of {@code count} rows whose joint scores are in {@code tJoint} and whose x rows are in
     * the critic input: replicate q re-pairs row i with y row {@code (i + shifts[q]) mod count}.
     */
    void concatPermutations(float[][] params, float[] y, int count, int start, int rows, int reps,
                                    PermutationStats perm) {
        int dx = shape.dx();
        int dy = shape.dy();
        int in = dx + dy;
        float[] input = critic.input();
        perm.addObserved(tJoint, rows);
        for (int q = 0; q < reps; q++) {
            int s = shifts[q];
            if (s == 0) {
                perm.addPermuted(q, tJoint, rows); // the identity re-pairing
                continue;
            }
            for (int r = 0; r < rows; r++) {
                int j = (start + r + s) % count;
                System.arraycopy(y, j * dy, input, r * in + dx, dy);
            }
            perm.addPermuted(q, critic.forward(params, rows), rows);
        }
    }

    /**
     * One evaluation pass of tensor rows {@code [start, start+rows)} of a chunk of {@code count}
     * rows: per row i the mean joint score {@code a_i = mean_p T(x_ip, y_ip)} and the marginal value
     * {@code b_i = ln mean_p e^{T(x_ip, y_jp)}} with {@code j = (i + shift) mod count} (each T clipped
     * as the bound's statistics clip it, so {@code e^{b_i}} is the row's mean of the clipped
     * {@code e^T}) go to {@code stats}: its sums over rows give the pooled bound over all (row,
     * position) pairs and a delta-method variance with the row as the unit. Permutation replicate
     * q re-pairs whole rows ({@code j = (i + shifts[q]) mod count}, positions kept) and is scored
     * by the row means of T.
     */
    private void tensorEvalPass(float[][] params, float[] x, float[] y, int count, int start, int rows, int shift,
                                int reps, BoundStats stats, PermutationStats perm) {
        int n = rows * positions;
        fillEvalInput(x, y, count, start, rows, 0);
        rowMeans(critic.forward(params, n), rows, rowJoint);
        fillEvalInput(x, y, count, start, rows, shift);
        float[] t = critic.forward(params, n);
        int o = 0;
        for (int r = 0; r < rows; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < positions; p++) {
                m = Math.max(m, stats.clipMarginal(t[o + p]));
            }
            double s = 0;
            for (int p = 0; p < positions; p++) {
                s += Math.exp(stats.clipMarginal(t[o + p]) - m);
            }
            rowMarg[r] = (float) (m + Math.log(s / positions));
            o += positions;
        }
        stats.add(rowJoint, rowMarg, rows);
        if (reps > 0) {
            perm.addObserved(rowJoint, rows);
            for (int q = 0; q < reps; q++) {
                int s = shifts[q];
                if (s == 0) {
                    perm.addPermuted(q, rowJoint, rows); // the identity re-pairing
                    continue;
                }
                fillEvalInput(x, y, count, start, rows, s);
                rowMeans(critic.forward(params, n), rows, rowMarg);
                perm.addPermuted(q, rowMarg, rows);
            }
        }
    }

    /** Critic rows {@code r P + p} = (x of chunk row start+r at position p, y of row (start+r+s) mod count at p). */
    private void fillEvalInput(float[] x, float[] y, int count, int start, int rows, int s) {
        int dx = shape.dx();
        int dy = shape.dy();
        int xw = positions * dx;
        int yw = positions * dy;
        int in = dx + dy;
        float[] input = critic.input();
        int o = 0;
        for (int r = 0; r < rows; r++) {
            int i = start + r;
            int j = (i + s) % count;
            for (int p = 0; p < positions; p++) {
                System.arraycopy(x, i * xw + p * dx, input, o, dx);
                System.arraycopy(y, j * yw + p * dy, input, o + dx, dy);
                o += in;
            }
        }
    }

    /** {@code out[r] = mean_p t[r P + p]} for r in [0, rows). */
    private void rowMeans(float[] t, int rows, float[] out) {
        int o = 0;
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int p = 0; p < positions; p++) {
                s += t[o++];
            }
            out[r] = (float) (s / positions);
        }
    }

    /**
     * The permutation replicates of the separable critic for rows {@code [start, start+rows)} of a
     * chunk of {@code count} rows, whose x embeddings are {@code gm} and joint scores
     * {@code tJoint}. A chunk within one workspace ({@code rows == count}): the y embeddings of the
     * chunk once, then one dot product per row and replicate. Otherwise the y rows of each
     * replicate are embedded anew.
     */
    void separablePermutations(float[][] params, float[] y, int count, int start, int rows, float[] gm,
                                       PermutationStats perm) {
        int dy = shape.dy();
        int e = sep.embedDim();
        float[] yin = sep.yInput();
        perm.addObserved(tJoint, rows);
        if (rows == count) {
            System.arraycopy(y, 0, yin, 0, count * dy);
            float[] hm = sep.forwardY(params, count);
            for (int q = 0; q < perm.replicates(); q++) {
                int s = shifts[q];
                for (int r = 0; r < rows; r++) {
                    int j = r + s;
                    w.perm[r] = j >= count ? j - count : j;
                }
                SeparableCritic.dots(gm, hm, w.perm, rows, e, tMarg);
                perm.addPermuted(q, tMarg, rows);
            }
            return;
        }
        for (int q = 0; q < perm.replicates(); q++) {
            int s = shifts[q];
            for (int r = 0; r < rows; r++) {
                int j = (start + r + s) % count;
                System.arraycopy(y, j * dy, yin, r * dy, dy);
            }
            SeparableCritic.dots(gm, sep.forwardY(params, rows), null, rows, e, tMarg);
            perm.addPermuted(q, tMarg, rows);
        }
    }

    private void evaluateGroups(float[][] params, float[] x, float[] y, int count, BoundStats stats,
                                PermutationStats perm, SplittableRandom permRng) {
        int kMax = Math.min(bound.groupSize(), maxRows);
        int groups = (count + kMax - 1) / kMax;
        int dx = shape.dx();
        int dy = shape.dy();
        int r0 = 0;
        for (int g = 0; g < groups; g++) {
            int k = PartitionWorker.groupRows(count, groups, g);
            if (sep != null) {
                w.loadSeparableGroup(x, y, dx, dy, null, r0, k);
                float[] gm = sep.forwardX(params, k);
                float[] hm = sep.forwardY(params, k);
                w.kernels.sgemm(false, true, k, k, sep.embedDim(), 1f, gm, hm, 0f, scores);
            } else {
                int per = Math.max(1, maxRows / k);
                for (int i0 = 0; i0 < k; i0 += per) {
                    int ni = Math.min(per, k - i0);
                    w.fillPairsInput(x, y, dx, dy, null, r0, i0, ni, k);
                    System.arraycopy(critic.forward(params, ni * k), 0, scores, i0 * k, ni * k);
                }
            }
            stats.addScores(scores, k);
            if (perm != null) {
                groupPermutations(k, perm, permRng);
            }
            r0 += k;
        }
    }

    /**
     * The permutation replicates of one all-pairs group from its {@code k x k} score matrix: the
     * diagonal is observed, replicate q re-pairs row i with y row {@code (i + s_q) mod k}.
     */
    private void groupPermutations(int k, PermutationStats perm, SplittableRandom permRng) {
        for (int i = 0; i < k; i++) {
            tJoint[i] = scores[i * k + i];
        }
        perm.addObserved(tJoint, k);
        for (int q = 0; q < perm.replicates(); q++) {
            int s = permRng.nextInt(k);
            for (int i = 0; i < k; i++) {
                int j = i + s;
                tJoint[i] = scores[i * k + (j >= k ? j - k : j)];
            }
            perm.addPermuted(q, tJoint, k);
        }
    }
}
