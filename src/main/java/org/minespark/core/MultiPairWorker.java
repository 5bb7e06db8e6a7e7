package org.minespark.core;

import java.util.SplittableRandom;

/**
 * One partition's share of a training step (and of the held-out evaluation) for many pairs of
 * column groups at once, all read from one wide block that holds every needed dimension.
 *
 * <p>Each step draws ONE minibatch for all pairs: {@code batch} row indices uniformly with
 * replacement and one random permutation for the marginal pairing, exactly as
 * {@link PartitionWorker#trainStep} draws them from the same stream. Every pair then gathers its
 * own x and y dimensions of those rows into a small per-pair minibatch block and runs its own
 * critic on it ({@link PartitionWorker#trainStepOn}). Sharing the rows and the permutation is
 * sound: each pair's joint sample is still i.i.d. from P(X, Y) and its marginal pairing
 * (x_i, y_perm(i)) still a sample of P(X) P(Y), so each pair's step is distributed exactly as a
 * single-pair step; the pairs' gradient noises are correlated, which does not matter because
 * every pair has its own optimiser. It also makes a pair's result independent of which other
 * pairs share the pass: for the same seed it is bit-identical to training that pair alone
 * (see {@code PairsRunnerTest}).
 *
 * <p>All buffers (per-pair critics, minibatch blocks, index arrays) are allocated once. Not
 * thread-safe.
 */
public final class MultiPairWorker {
    private final int[][] xDims;
    private final int[] numParams;
    private final int[][] yDims;
    private final PartitionWorker[] workers;
    private final FloatBlock[] minis;
    private final int maxRows;
    private final int[] idx;
    private final int[] perm;
    private final int evalRows;
    private final float[][] evalX;
    private final float[][] evalY;

    /**
     * @param shapes   the critic shape of every pair ({@code shapes[p].dx() == xDims[p].length}, same for y)
     * @param xDims    per pair, the columns of the wide block holding its x dimensions
     * @param yDims    per pair, the columns holding its y dimensions
     * @param maxRows  the largest minibatch share a step asks for
     * @param evalRows the largest held-out chunk {@link #evaluateChunk} gets (0 if unused)
     */
    public MultiPairWorker(CriticShape[] shapes, int[][] xDims, int[][] yDims, Kernels kernels, int maxRows,
                           int evalRows, Bound bound) {
        if (shapes.length != xDims.length || shapes.length != yDims.length) {
            throw new IllegalArgumentException("shapes, xDims and yDims must have one entry per pair, got "
                    + shapes.length + ", " + xDims.length + ", " + yDims.length);
        }
        if (maxRows < 1 || evalRows < 0) {
            throw new IllegalArgumentException("maxRows must be >= 1 and evalRows >= 0, got " + maxRows + ", " + evalRows);
        }
        int n = shapes.length;
        this.xDims = xDims;
        this.yDims = yDims;
        this.maxRows = maxRows;
        this.evalRows = evalRows;
        this.workers = new PartitionWorker[n];
        this.numParams = new int[n];
        this.minis = new FloatBlock[n];
        this.evalX = new float[n][];
        this.evalY = new float[n][];
        int evalCap = Math.min(Math.max(evalRows, 1), 4096);
        for (int p = 0; p < n; p++) {
            if (shapes[p].dx() != xDims[p].length || shapes[p].dy() != yDims[p].length) {
                throw new IllegalArgumentException("pair " + p + ": shape " + shapes[p] + " does not match "
                        + xDims[p].length + " x and " + yDims[p].length + " y dimensions");
            }
            int dx = xDims[p].length;
            int dy = yDims[p].length;
            numParams[p] = (int) shapes[p].numParams();
            workers[p] = new PartitionWorker(shapes[p], kernels, Math.max(maxRows, evalCap), bound);
            minis[p] = new FloatBlock(maxRows, dx, dy, new float[maxRows * dx], new float[maxRows * dy]);
            evalX[p] = new float[evalRows * dx];
            evalY[p] = new float[evalRows * dy];
        }
        this.idx = new int[maxRows];
        this.perm = new int[maxRows];
    }

    public int pairs() {
        return workers.length;
    }

    /**
     * The step aggregates of every pair for one shared minibatch of {@code batch} rows of
     * {@code block} (a block whose x holds all dimensions, {@code dy == 0}). A pair whose
     * {@code params[p]} is null (stopped: failed or diverged) gets an empty aggregate.
     */
    public StepAggregate[] trainStep(FloatBlock block, float[][][] params, int batch, long streamSeed) {
        int n = workers.length;
        StepAggregate[] out = new StepAggregate[n];
        if (batch > maxRows) {
            throw new IllegalArgumentException("batch " + batch + " exceeds the workspace of " + maxRows + " rows");
        }
        if (batch > 0 && block.rows() == 0) {
            throw new IllegalStateException("a training partition is empty but was asked for " + batch + " rows");
        }
        // the same draws as PartitionWorker.trainStep from the same stream
        PartitionWorker.drawMinibatch(streamSeed, block.rows(), batch, idx, perm);
        int width = block.dx();
        float[] src = block.x();
        for (int p = 0; p < n; p++) {
            PartitionWorker w = workers[p];
            StepAggregate agg = new StepAggregate(numParams[p]);
            out[p] = agg;
            if (params[p] == null || batch == 0) {
                continue;
            }
            gather(src, width, idx, batch, xDims[p], minis[p].x());
            gather(src, width, idx, batch, yDims[p], minis[p].y());
            for (int r = 0; r < batch; r++) {
                w.idx[r] = r;
            }
            System.arraycopy(perm, 0, w.perm, 0, batch);
            w.trainStepOn(minis[p], params[p], batch, agg);
        }
        return out;
    }

    /** dst row r = the {@code dims} columns of src row rows[r] (rows null: identity). */
    private static void gather(float[] src, int width, int[] rows, int count, int[] dims, float[] dst) {
        int d = dims.length;
        for (int r = 0; r < count; r++) {
            int s = (rows == null ? r : rows[r]) * width;
            int o = r * d;
            for (int j = 0; j < d; j++) {
                dst[o + j] = src[s + dims[j]];
            }
        }
    }

    /**
     * Adds a chunk of held-out rows ({@code count x width}, all dimensions) to every pair's stats,
     * each pair with its own random stream {@code rngs[p]} (as {@link PartitionWorker#evaluateChunk}).
     * Pairs with null params are skipped.
     */
    public void evaluateChunk(float[][][] params, float[] rows, int width, int count, SplittableRandom[] rngs,
                              BoundStats[] stats) {
        evaluateChunk(params, rows, width, count, rngs, stats, null, null);
    }

    /**
     * As {@link #evaluateChunk(float[][][], float[], int, int, SplittableRandom[], BoundStats[])},
     * and when {@code perms} is not null also feeds every pair's permutation test of independence
     * ({@link PermutationStats}, see
     * {@link PartitionWorker#evaluateChunk(float[][], float[], float[], int, SplittableRandom, BoundStats,
     * PermutationStats, SplittableRandom)}), each pair with its own shift stream {@code permRngs[p]},
     * so a pair's p-value does not depend on the other pairs of the pass.
     */
    public void evaluateChunk(float[][][] params, float[] rows, int width, int count, SplittableRandom[] rngs,
                              BoundStats[] stats, PermutationStats[] perms, SplittableRandom[] permRngs) {
        if (perms != null && (permRngs == null || perms.length != workers.length || permRngs.length != workers.length)) {
            throw new IllegalArgumentException("perms and permRngs must both have one entry per pair");
        }
        if (count > evalRows) {
            throw new IllegalArgumentException("chunk of " + count + " rows exceeds " + evalRows);
        }
        for (int p = 0; p < workers.length; p++) {
            if (params[p] == null) {
                continue;
            }
            gather(rows, width, null, count, xDims[p], evalX[p]);
            gather(rows, width, null, count, yDims[p], evalY[p]);
            workers[p].evaluateChunk(params[p], evalX[p], evalY[p], count, rngs[p], stats[p],
                    perms == null ? null : perms[p], perms == null ? null : permRngs[p]);
        }
    }
}
