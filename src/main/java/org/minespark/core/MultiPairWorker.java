package org.minespark.core;

import java.util.SplittableRandom;

/**
 * One partition's share of a training step (and of held-out evaluation) for N &ge; 1 critics at
 * once, each reading its own x and y dimensions from one wide block that holds every needed
 * dimension ({@code dy == 0}). Every command trains through here: an estimate is N = 1.
 *
 * <p>Each critic m has its own batch share {@code batch[m]}. Critics with the same share use ONE
 * minibatch: {@code batch} row indices uniformly with replacement and one random permutation for
 * the marginal pairing, drawn by {@link PartitionWorker#drawMinibatch} from the step's stream. The
 * draw depends only on (stream, rows, batch), so a critic gets exactly the minibatch it would get
 * if it were trained alone (its result does not depend on which other critics share the pass).
 * A replicate ({@code replicates[m] > 0}: another critic of the same pair, for the interval that
 * includes training variability) draws from its own stream {@link #replicateStream}, so replicates
 * see independent minibatches as if each were trained alone with another seed.
 * Sharing rows is sound: each critic's joint sample is still i.i.d. from P(X, Y) and its marginal
 * pairing (x_i, y_perm(i)) a sample of P(X) P(Y); the critics' gradient noises are correlated,
 * which does not matter because every critic has its own optimiser. Each critic gathers its
 * dimensions of the drawn rows into a small per-critic block and runs
 * {@link PartitionWorker#trainStepOn} on it.
 *
 * <p>Buffers grow on demand (a batch larger than any before, a larger evaluation chunk) and are
 * otherwise reused; a step allocates nothing. The returned aggregates belong to the worker and
 * are overwritten by its next step. Not thread-safe; {@link #acquire}/{@link #release} pool
 * workers per executor JVM.
 */
public final class MultiPairWorker {
    private final CriticShape[] shapes;
    private final int[][] xDims;
    private final int[][] yDims;
    private final Kernels kernels;
    private final Bound bound;
    private final PartitionWorker[] workers;
    private final PartitionWorker[] evalWorkers;
    private final FloatBlock[] minis;
    private final float[][] evalX;
    private final float[][] evalY;
    private final StepAggregate[] aggs;
    private final int[] replicates;
    private int[] idx = new int[0];
    private int[] perm = new int[0];

    /**
     * @param shapes the critic shape of every critic ({@code shapes[m].xWidth() == xDims[m].length}, same for y)
     * @param xDims  per critic, the columns of the wide block holding its x dimensions
     * @param yDims  per critic, the columns holding its y dimensions
     */
    public MultiPairWorker(CriticShape[] shapes, int[][] xDims, int[][] yDims, Kernels kernels, Bound bound) {
        this(shapes, xDims, yDims, kernels, bound, new int[shapes.length]);
    }

    /**
     * As {@link #MultiPairWorker(CriticShape[], int[][], int[][], Kernels, Bound)}, with critic m the
     * replicate {@code replicates[m]} of its pair (0: the pair's own stream; see the class).
     */
    public MultiPairWorker(CriticShape[] shapes, int[][] xDims, int[][] yDims, Kernels kernels, Bound bound,
                           int[] replicates) {
        if (shapes.length != replicates.length) {
            throw new IllegalArgumentException("replicates must have one entry per critic, got " + replicates.length
                    + " for " + shapes.length + " critics");
        }
        if (shapes.length != xDims.length || shapes.length != yDims.length) {
            throw new IllegalArgumentException("shapes, xDims and yDims must have one entry per critic, got "
                    + shapes.length + ", " + xDims.length + ", " + yDims.length);
        }
        int n = shapes.length;
        for (int m = 0; m < n; m++) {
            if (shapes[m].xWidth() != xDims[m].length || shapes[m].yWidth() != yDims[m].length) {
                throw new IllegalArgumentException("critic " + m + ": shape " + shapes[m] + " does not match "
                        + xDims[m].length + " x and " + yDims[m].length + " y dimensions");
            }
        }
        this.shapes = shapes;
        this.xDims = xDims;
        this.yDims = yDims;
        this.kernels = kernels;
        this.bound = bound;
        this.workers = new PartitionWorker[n];
        this.evalWorkers = new PartitionWorker[n];
        this.minis = new FloatBlock[n];
        this.evalX = new float[n][];
        this.evalY = new float[n][];
        this.aggs = new StepAggregate[n];
        this.replicates = replicates.clone();
        for (int m = 0; m < n; m++) {
            aggs[m] = new StepAggregate((int) shapes[m].numParams());
        }
    }

    public int critics() {
        return workers.length;
    }

    /** Critic m's training worker, with room for a minibatch share of at least {@code rows} data rows. */
    private PartitionWorker worker(int m, int rows) {
        PartitionWorker w = workers[m];
        if (w == null || w.maxRows() < rows) {
            workers[m] = w = new PartitionWorker(shapes[m], kernels, rows, bound);
        }
        return w;
    }

    /**
     * Critic m's evaluation worker: it scores {@link #EVAL_ROWS} critic rows per pass (data rows
     * divided by the positions of tensor rows), whatever the training batch, so held-out values
     * do not depend on the training history.
     */
    private PartitionWorker evalWorker(int m) {
        PartitionWorker w = evalWorkers[m];
        if (w == null) {
            evalWorkers[m] = w = new PartitionWorker(shapes[m], kernels, Math.max(1, EVAL_ROWS / shapes[m].positions()),
                    bound);
        }
        return w;
    }

    /**
     * The step aggregates of every critic for the block {@code block} (x holds all dimensions,
     * {@code dy == 0}): critic m draws {@code batch[m]} rows ({@code params[m]} null: the critic is
     * over and gets an empty aggregate). The aggregates are the worker's own (see the class).
     */
    public StepAggregate[] trainStep(FloatBlock block, float[][][] params, int[] batch, long streamSeed) {
        int n = workers.length;
        int drawn = -1;
        long drawnStream = 0;
        for (int m = 0; m < n; m++) {
            StepAggregate agg = aggs[m];
            agg.clear();
            int b = batch[m];
            if (params[m] == null || b == 0) {
                continue;
            }
            if (block.rows() == 0) {
                throw new IllegalStateException("a training partition is empty but was asked for " + b + " rows");
            }
            long stream = replicateStream(streamSeed, replicates[m]);
            if (b != drawn || stream != drawnStream) {
                if (idx.length < b) {
                    idx = new int[b];
                    perm = new int[b];
                }
                PartitionWorker.drawMinibatch(stream, block.rows(), b, idx, perm);
                drawn = b;
                drawnStream = stream;
            }
            PartitionWorker w = worker(m, b);
            FloatBlock mini = minis[m];
            int dx = xDims[m].length;
            int dy = yDims[m].length;
            if (mini == null || mini.rows() < b) {
                mini = minis[m] = new FloatBlock(b, dx, dy, new float[b * dx], new float[b * dy]);
            }
            gather(block.x(), block.dx(), idx, b, xDims[m], mini.x());
            gather(block.x(), block.dx(), idx, b, yDims[m], mini.y());
            for (int r = 0; r < b; r++) {
                w.idx[r] = r;
            }
            System.arraycopy(perm, 0, w.perm, 0, b);
            w.trainStepOn(mini, params[m], b, agg);
        }
        return aggs;
    }

    /** The minibatch stream of replicate {@code r} of a step whose stream is {@code streamSeed} (r = 0: itself). */
    public static long replicateStream(long streamSeed, int r) {
        return r == 0 ? streamSeed : Seeds.derive(streamSeed, r);
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
     * Adds a chunk of held-out rows ({@code count x width}, all dimensions) to every critic's
     * stats, each with its own random stream {@code rngs[m]} (as {@link PartitionWorker#evaluateChunk}),
     * and when {@code perms} is not null to every critic's permutation test with its own shift
     * stream {@code permRngs[m]}, so a critic's p-value does not depend on the others. Critics with
     * null params are skipped.
     */
    public void evaluateChunk(float[][][] params, float[] rows, int width, int count, SplittableRandom[] rngs,
                              BoundStats[] stats, PermutationStats[] perms, SplittableRandom[] permRngs) {
        if (perms != null && (permRngs == null || perms.length != workers.length || permRngs.length != workers.length)) {
            throw new IllegalArgumentException("perms and permRngs must both have one entry per critic");
        }
        for (int m = 0; m < workers.length; m++) {
            if (params[m] == null || count == 0) {
                continue;
            }
            int dx = xDims[m].length;
            int dy = yDims[m].length;
            if (evalX[m] == null || evalX[m].length < count * dx || evalY[m].length < count * dy) {
                evalX[m] = new float[count * dx];
                evalY[m] = new float[count * dy];
            }
            gather(rows, width, null, count, xDims[m], evalX[m]);
            gather(rows, width, null, count, yDims[m], evalY[m]);
            evalWorker(m).evaluateChunk(params[m], evalX[m], evalY[m], count, rngs[m], stats[m],
                    perms == null ? null : perms[m], perms == null ? null : permRngs[m]);
        }
    }

    /** Data rows an evaluation worker scores per critic pass (larger chunks are scored in pieces). */
    public static final int EVAL_ROWS = 4096;

    // ---- per-executor pool: the workers of the current pass (a new key drops the previous pass's) ----
    private static long poolKey;
    private static final java.util.ArrayDeque<MultiPairWorker> POOL = new java.util.ArrayDeque<>();
    private static final int MAX_POOLED = 2 * Runtime.getRuntime().availableProcessors() + 2;

    /** A pooled worker of the pass {@code key}, or a new one from {@code make}. */
    public static synchronized MultiPairWorker acquire(long key, java.util.function.Supplier<MultiPairWorker> make) {
        if (key != poolKey) {
            POOL.clear();
            poolKey = key;
        }
        MultiPairWorker w = POOL.poll();
        return w != null ? w : make.get();
    }

    /** Returns a worker of the pass {@code key} to the pool. */
    public static synchronized void release(long key, MultiPairWorker w) {
        if (key == poolKey && POOL.size() < MAX_POOLED) {
            POOL.push(w);
        }
    }
}
