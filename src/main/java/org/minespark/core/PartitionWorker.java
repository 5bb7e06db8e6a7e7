package org.minespark.core;

import java.util.SplittableRandom;

/**
 * The per-partition share of a training step and of the held-out evaluation, for one {@link Bound}
 * and one critic (concat or separable), with every buffer allocated once (critic activations,
 * gradient tensors, index arrays, the InfoNCE score matrix) and reused. Not thread-safe: one
 * instance per task at a time; see {@link #acquire} and {@link #release}. It picks its training
 * step ({@link MinibatchStep}) and its held-out scoring ({@link HeldOutScorer}) once, at
 * construction, and owns the buffers and input loaders they share.
 *
 * <p>Pairwise bounds (dv, dv-biased, nwj, smile): joint pairs {@code (x_i, y_i)} and one marginal
 * pair {@code (x_i, y_perm(i))} per joint pair. All-pairs bounds (infonce): the minibatch share is
 * split into {@code ceil(b / K)} groups of near-equal size (at most K) and every pairing within a
 * group is scored: with the concat critic by forward/backward passes over slices of whole score
 * rows (a row's softmax weights depend only on that row), with the separable critic by one GEMM
 * of the group's embeddings.
 *
 * <p><b>Positions</b> ({@link CriticShape#positions()} {@code P > 1}, tensor rows as in seed 000):
 * a row holds P position vectors and the concat critic scores each position on its own with shared
 * weights. A minibatch of b rows ({@link #drawMinibatch}) gives {@code b P} joint critic
 * rows {@code (x_{i,p}, y_{i,p})} and {@code b P} marginal rows {@code (x_{i,p}, y_{perm(i),p})}: y
 * comes from another row at the same position, shuffled along the batch axis only. The bound's
 * sums run over all {@code b P} critic rows, e.g. DV
 * {@code mean_{i,p} T(x_{i,p}, y_{i,p}) - ln mean_{i,p} e^{T(x_{i,p}, y_{perm(i),p})}}, so the
 * gradient is the average of the per-position gradients. Held-out evaluation keeps the row as the
 * statistical unit (positions of a row are dependent): each row contributes the mean of its P joint
 * scores and the log of the mean of its P marginal {@code e^T} (clipped as the bound clips), so
 * the bound's estimate is the pooled one and the delta-method CI is over rows; the permutation test
 * re-pairs whole rows (positions kept) and scores each row by its mean joint T. Supported with the
 * pairwise bounds and the concat critic only.
 */
public final class PartitionWorker {
    final CriticShape shape;
    private final MinibatchStep step; // the training step of this critic and bound
    private final HeldOutScorer scorer; // the held-out scoring of this critic and bound
    final int positions; // position vectors per row (1: plain rows)
    final Bound bound;
    final Kernels kernels;
    final Critic critic; // concat, else null
    final SeparableCritic sep; // separable, else null
    final int maxRows;
    final float[] ones;
    final float[] weights;
    final float[] tJoint;
    final float[] tMarg;
    final double[] sumScratch = new double[1];
    final float[] scores; // K x K score matrix of an all-pairs group, else null
    final int[] idx;
    final int[] perm;

    /** A worker for the {@code dv} bound. */
    public PartitionWorker(CriticShape shape, Kernels kernels, int maxRows) {
        this(shape, kernels, maxRows, Bound.forName("dv"));
    }

    public PartitionWorker(CriticShape shape, Kernels kernels, int maxRows, Bound bound) {
        this.shape = shape;
        this.bound = java.util.Objects.requireNonNull(bound, "bound");
        this.kernels = kernels;
        this.positions = shape.positions();
        if (positions > 1 && (shape.isSeparable() || bound.groupSize() > 0)) {
            throw new IllegalArgumentException("tensor rows (" + positions + " positions) need the concat critic and a"
                    + " pairwise bound; got " + shape.type() + " critic and bound " + bound.name());
        }
        if (maxRows < 1 || (long) maxRows * positions > Integer.MAX_VALUE / Math.max(1, shape.inputDim())) {
            throw new IllegalArgumentException("maxRows must be >= 1 and maxRows x positions x input width must fit an"
                    + " array, got maxRows " + maxRows + ", " + positions + " positions");
        }
        int critRows = maxRows * positions; // critic rows: one per (row, position)
        if (shape.isSeparable()) {
            this.critic = null;
            this.sep = new SeparableCritic(shape, kernels, maxRows);
        } else {
            this.critic = new Critic(shape, kernels, critRows);
            this.sep = null;
        }
        this.maxRows = maxRows;
        this.ones = new float[critRows];
        java.util.Arrays.fill(ones, 1f);
        this.weights = new float[critRows];
        this.tJoint = new float[maxRows];
        this.tMarg = new float[sep != null ? maxRows : 0]; // marginal scores of the separable critic
        int k = bound.groupSize();
        this.scores = k > 0 ? new float[k * k] : null;
        this.idx = new int[maxRows];
        this.perm = new int[maxRows];
        this.step = new MinibatchStep(this);
        this.scorer = new HeldOutScorer(this);
    }

    /** A pooled worker for the {@code dv} bound; see {@link #acquire(CriticShape, Kernels, int, Bound)}. */
    public static PartitionWorker acquire(CriticShape shape, Kernels kernels, int maxRows) {
        return acquire(shape, kernels, maxRows, Bound.forName("dv"));
    }

    /**
     * A worker for the shape, kernels, bound and at least {@code maxRows} rows from a JVM-wide pool,
     * so a training step allocates no workspace whichever executor thread runs the task. Give it
     * back with {@link #release(PartitionWorker)} when the task is done with it.
     */
    public static PartitionWorker acquire(CriticShape shape, Kernels kernels, int maxRows, Bound bound) {
        for (java.util.Iterator<PartitionWorker> it = POOL.iterator(); it.hasNext(); ) {
            PartitionWorker w = it.next();
            if (w.shape.equals(shape) && w.maxRows >= maxRows && w.kernelsName.equals(kernels.name())
                    && w.bound.equals(bound) && POOL.remove(w)) {
                return w;
            }
        }
        PartitionWorker w = new PartitionWorker(shape, kernels, maxRows, bound);
        w.kernelsName = kernels.name();
        return w;
    }

    /** Returns a worker to the pool (keeps at most a few idle workers per JVM). */
    public static void release(PartitionWorker w) {
        if (POOL.size() < MAX_POOLED) {
            POOL.add(w);
        }
    }

    private static final int MAX_POOLED = 2 * Runtime.getRuntime().availableProcessors() + 2;
    private static final java.util.concurrent.ConcurrentLinkedQueue<PartitionWorker> POOL =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private String kernelsName = "";

    /** Bytes of this worker's fixed workspace (critic buffers, two gradient copies, index arrays, scores). */
    public long workspaceBytes() {
        long critBytes = critic != null ? critic.workspaceBytes() : sep.workspaceBytes();
        long scoreBytes = 4L * (scores == null ? 0 : scores.length);
        return critBytes + step.workspaceBytes() + 4L * (ones.length + weights.length + tJoint.length + tMarg.length)
                + scorer.workspaceBytes() + 4L * (idx.length + perm.length) + scoreBytes;
    }

    public int maxRows() {
        return maxRows;
    }

    public Bound bound() {
        return bound;
    }

    /**
     * One partition's contribution to a training step: draws {@code batch} rows of the block
     * (uniformly, with replacement) as joint pairs, pairs the same x with a random permutation of
     * the drawn y as marginal pairs (all-pairs bounds: every pairing within a group), and returns the
     * mergeable aggregate of the bound's sums and gradients.
     */
    public StepAggregate trainStep(FloatBlock block, float[][] params, int batch, long streamSeed) {
        int numParams = (int) shape.numParams();
        StepAggregate agg = new StepAggregate(numParams);
        if (batch == 0) {
            return agg;
        }
        if (batch > maxRows) {
            throw new IllegalArgumentException("batch " + batch + " exceeds the workspace of " + maxRows + " rows");
        }
        if (block.rows() == 0) {
            throw new IllegalStateException("a training partition is empty but was asked for " + batch + " rows");
        }
        drawMinibatch(streamSeed, block.rows(), batch, idx, perm);
        return trainStepOn(block, params, batch, agg);
    }

    /**
     * The minibatch of a step from its stream: {@code idx[0..batch)} uniform row indices in
     * {@code [0, rows)} (with replacement) and {@code perm[0..batch)} a uniform random cyclic
     * permutation of the batch (Sattolo's algorithm: one cycle through all {@code batch} slots, so
     * {@code perm[r] != r} for every r when {@code batch >= 2}) pairing x of row r with y of row
     * perm[r] for the marginal pairs. Every trainer of this project draws through here, so the same
     * (seed, step, partition) gives the same minibatch.
     *
     * <p><b>Why no fixed points.</b> A uniform permutation (Fisher-Yates) has one fixed point in
     * expectation whatever its size, and a fixed point makes the "marginal" pair {@code (x_r, y_r)}
     * a joint one: a fraction {@code f = 1/batch} of the partition term's sample then comes from P,
     * not from the product of the marginals. The optimum of the contaminated DV objective is
     * {@code T = ln(r / ((1 - f) + f r)) + c} with {@code r = p(x,y) / (p(x) p(y))}, a critic that
     * saturates near {@code ln(1/f)} where the density ratio is large, and its DV bound falls short
     * of the MI: at {@code f = 1/512} (the default batch of 1024 over two partitions) by 0.17 nats on
     * the 20-d Gaussian at 4 nats and 0.63 at 6 nats, and at {@code f = 1/6} (seed 000's tensor rows,
     * 11 rows per step) by 7 % on the binary tensor (docs/accuracy.md, "Fixed points of the marginal
     * pairing"). With a cyclic permutation each row's y partner is uniform over the other rows of
     * the batch; a pair can still repeat a row only when {@code idx} draws the same row twice (about
     * {@code 1/rows}, as sampling from the empirical product of the marginals does). A batch of one
     * row has no other row to pair with, and keeps {@code perm[0] = 0}.
     */
    static void drawMinibatch(long streamSeed, int rows, int batch, int[] idx, int[] perm) {
        SplittableRandom rng = new SplittableRandom(streamSeed);
        for (int r = 0; r < batch; r++) {
            idx[r] = rng.nextInt(rows);
            perm[r] = r;
        }
        for (int r = batch - 1; r > 0; r--) {
            int j = rng.nextInt(r); // Sattolo: j < r, never r itself
            int tmp = perm[r];
            perm[r] = perm[j];
            perm[j] = tmp;
        }
    }

    /**
     * The step for the minibatch already in {@code idx[0..batch)} (row indices into the block) and
     * {@code perm} (marginal pairing: x of row r with y of row perm[r]; unused by all-pairs
     * bounds). Package-private for tests.
     */
    StepAggregate trainStepOn(FloatBlock block, float[][] params, int batch, StepAggregate agg) {
        return step.run(block, params, batch, agg);
    }

    /** Groups of near-equal size, at most K rows each: the size of group {@code g} of {@code groups} over {@code n} rows. */
    static int groupRows(int n, int groups, int g) {
        return n / groups + (g < n % groups ? 1 : 0);
    }

    /** Input rows (x_{rows[r0+i0+a]}, y_{rows[r0+j]}) for a in [0, ni), j in [0, k), row a*k+j of the critic input. */
    void fillPairsInput(float[] bx, float[] by, int dx, int dy, int[] rows, int r0, int i0, int ni, int k) {
        int in = dx + dy;
        float[] input = critic.input();
        for (int a = 0; a < ni; a++) {
            int xi = rows == null ? r0 + i0 + a : rows[r0 + i0 + a];
            for (int j = 0; j < k; j++) {
                int yi = rows == null ? r0 + j : rows[r0 + j];
                int o = (a * k + j) * in;
                System.arraycopy(bx, xi * dx, input, o, dx);
                System.arraycopy(by, yi * dy, input, o + dx, dy);
            }
        }
    }

    /** x rows and y rows {@code rows[r0..r0+k)} (identity if {@code rows == null}) into g's and h's inputs. */
    void loadSeparableGroup(float[] bx, float[] by, int dx, int dy, int[] rows, int r0, int k) {
        float[] xin = sep.xInput();
        float[] yin = sep.yInput();
        for (int i = 0; i < k; i++) {
            int ri = rows == null ? r0 + i : rows[r0 + i];
            System.arraycopy(bx, ri * dx, xin, i * dx, dx);
            System.arraycopy(by, ri * dy, yin, i * dy, dy);
        }
    }

    /**
     * Adds held-out pairs to {@code stats} (from {@link Bound#newStats()} of this worker's bound):
     * rows {@code 0..count)} of {@code x} ({@code count x dx}) and {@code y}. Pairwise bounds: joint
     * pairs (x_i, y_i), marginal pairs (x_i, y_(i+s) mod count) for a random shift s in [1, count),
     * so no row is paired with itself. All-pairs bounds: the chunk is split into
     * {@code ceil(count / K)} groups of consecutive rows of near-equal size, each group's
     * {@code k x k} score matrix is fed to {@link BoundStats#addScores} (the rng is not used). The
     * rows must be in random order (the caller spreads and sorts them by a random key). A chunk of
     * one row contributes nothing.
     */
    public void evaluateChunk(float[][] params, float[] x, float[] y, int count, SplittableRandom rng, BoundStats stats) {
        evaluateChunk(params, x, y, count, rng, stats, null, null);
    }

    /**
     * As {@link #evaluateChunk(float[][], float[], float[], int, SplittableRandom, BoundStats)}, and
     * when {@code perm} is not null also feeds the permutation test ({@link PermutationStats}) with
     * the same critic: the observed joint scores {@code T(x_i, y_i)} and, for each of its K
     * replicates, the scores of the re-paired rows {@code T(x_i, y_g(i))}. Pairwise bounds: g is a
     * cyclic shift of the whole chunk by {@code s} drawn uniformly from {@code [0, count)} (one per
     * replicate, from {@code permRng}); all-pairs bounds: g is a cyclic shift within each group by
     * a shift uniform in {@code [0, k)} drawn per group and replicate, read off the group's score
     * matrix at no extra critic cost (the group's log-sum-exp terms are unchanged by re-pairing).
     * Drawing from the whole group of shifts, identity included, is what makes the Monte-Carlo
     * p-value exact (Hemerik and Goeman 2018); leaving the identity out would not be for small
     * groups. The estimate ({@code stats}) and {@code rng} do not depend on {@code perm}: the
     * permutation shifts come from their own stream.
     */
    public void evaluateChunk(float[][] params, float[] x, float[] y, int count, SplittableRandom rng, BoundStats stats,
                              PermutationStats perm, SplittableRandom permRng) {
        if (count < 2) {
            return;
        }
        if (perm != null && permRng == null) {
            throw new IllegalArgumentException("a permutation test needs its own random stream (permRng)");
        }
        scorer.evaluateChunk(params, x, y, count, rng, stats, perm, permRng);
    }
}
