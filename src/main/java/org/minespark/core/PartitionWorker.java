package org.minespark.core;

import java.util.SplittableRandom;

/**
 * The per-partition share of a training step and of the held-out evaluation, for one {@link Bound}
 * and one critic (concat or separable), with every buffer allocated once (critic activations,
 * gradient tensors, index arrays, the InfoNCE score matrix) and reused. Not thread-safe: one
 * instance per task at a time; see {@link #acquire} and {@link #release}.
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
 * weights. A minibatch of b rows ({@link #drawMinibatch}, unchanged) gives {@code b P} joint critic
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
    private final Step step; // the training step of this critic and bound
    private final HeldOutScorer scorer; // the held-out scoring of this critic and bound
    final int positions; // position vectors per row (1: plain rows)
    final Bound bound;
    final Kernels kernels;
    final Critic critic; // concat, else null
    final SeparableCritic sep; // separable, else null
    final int maxRows;
    private final float[][] gradJoint;
    private final float[][] gradMarg;
    final float[] ones;
    final float[] weights;
    final float[] tJoint;
    final float[] tMarg;
    final double[] sumScratch = new double[1];
    final float[] scores; // K x K score matrix of an all-pairs group, else null
    private final float[] dScores; // K x K upstream weights (separable all-pairs), else null
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
        this.gradJoint = shape.zeros();
        this.gradMarg = shape.zeros();
        this.ones = new float[critRows];
        java.util.Arrays.fill(ones, 1f);
        this.weights = new float[critRows];
        this.tJoint = new float[maxRows];
        this.tMarg = new float[sep != null ? maxRows : 0]; // marginal scores of the separable critic
        int k = bound.groupSize();
        this.scores = k > 0 ? new float[k * k] : null;
        this.dScores = k > 0 && sep != null ? new float[k * k] : null;
        this.idx = new int[maxRows];
        this.perm = new int[maxRows];
        this.step = bound.groupSize() > 0 ? this::allPairsStep : sep != null ? this::separablePairStep
                : this::concatPairStep;
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
        long scoreBytes = 4L * ((scores == null ? 0 : scores.length) + (dScores == null ? 0 : dScores.length));
        return critBytes + 2 * 4 * shape.numParams() + 4L * (ones.length + weights.length + tJoint.length + tMarg.length) + scorer.workspaceBytes()
                + 4L * (idx.length + perm.length) + scoreBytes;
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
     * {@code [0, rows)} (with replacement) and {@code perm[0..batch)} a uniform random permutation
     * (Fisher-Yates) pairing x of row r with y of row perm[r] for the marginal pairs. Every trainer of
     * this project draws through here, so the same (seed, step, partition) gives the same minibatch.
     */
    static void drawMinibatch(long streamSeed, int rows, int batch, int[] idx, int[] perm) {
        SplittableRandom rng = new SplittableRandom(streamSeed);
        for (int r = 0; r < batch; r++) {
            idx[r] = rng.nextInt(rows);
            perm[r] = r;
        }
        for (int r = batch - 1; r > 0; r--) {
            int j = rng.nextInt(r + 1);
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
        zero(gradJoint);
        zero(gradMarg);
        return step.run(block, params, batch, agg);
    }

    /** One partition's minibatch step of one (critic, bound) combination; chosen once, at construction. */
    @FunctionalInterface
    private interface Step {
        StepAggregate run(FloatBlock block, float[][] params, int batch, StepAggregate agg);
    }

    /** The concat critic's pairwise step: joint pairs, then marginal pairs by {@code perm}. */
    private StepAggregate concatPairStep(FloatBlock block, float[][] params, int batch, StepAggregate agg) {
        boolean js = bound.jsGradient();
        int n = batch * positions; // critic rows: one per (row, position)
        // joint pairs (x_i, y_i) (per position: (x_ip, y_ip))
        fillInput(block, batch, false);
        float[] t = critic.forward(params, n);
        double sumT = 0;
        for (int r = 0; r < n; r++) {
            sumT += t[r];
        }
        if (js) {
            jsWeights(t, n, true, weights);
        }
        critic.backward(params, js ? weights : ones, n, gradJoint);

        // marginal pairs (x_i, y_perm(i)) (per position: (x_ip, y_perm(i)p)), weights exp(T - max)
        // (clipped form for SMILE)
        fillInput(block, batch, true);
        t = critic.forward(params, n);
        float max = bound.marginalWeights(t, n, weights, sumScratch);
        if (js) {
            jsWeights(t, n, false, weights);
        }
        critic.backward(params, weights, n, js ? gradJoint : gradMarg);

        agg.addJoint(n, sumT, gradJoint);
        agg.addMarginal(n, max, sumScratch[0], gradMarg);
        return agg;
    }

    /**
     * Upstream weights of the Jensen-Shannon objective: {@code sigma(-t)} for joint scores,
     * {@code -sigma(t)} for marginal ones.
     */
    private static void jsWeights(float[] t, int n, boolean joint, float[] w) {
        for (int r = 0; r < n; r++) {
            double s = 1.0 / (1.0 + Math.exp(joint ? t[r] : -t[r]));
            w[r] = (float) (joint ? s : -s);
        }
    }

    private StepAggregate separablePairStep(FloatBlock block, float[][] params, int batch, StepAggregate agg) {
        int dx = block.dx();
        int dy = block.dy();
        int e = sep.embedDim();
        float[] xin = sep.xInput();
        float[] yin = sep.yInput();
        for (int r = 0; r < batch; r++) {
            System.arraycopy(block.x(), idx[r] * dx, xin, r * dx, dx);
            System.arraycopy(block.y(), idx[r] * dy, yin, r * dy, dy);
        }
        float[] gm = sep.forwardX(params, batch);
        float[] hm = sep.forwardY(params, batch);
        SeparableCritic.dots(gm, hm, null, batch, e, tJoint);
        SeparableCritic.dots(gm, hm, perm, batch, e, tMarg);
        double sumT = 0;
        for (int r = 0; r < batch; r++) {
            sumT += tJoint[r];
        }
        boolean js = bound.jsGradient();
        // joint: dT_r/dG_r = H_r, dT_r/dH_r = G_r
        float[] dG = sep.dG();
        float[] dH = sep.dH();
        if (js) {
            jsWeights(tJoint, batch, true, weights);
            for (int i = 0; i < batch * e; i++) {
                float wr = weights[i / e];
                dG[i] = wr * hm[i];
                dH[i] = wr * gm[i];
            }
        } else {
            System.arraycopy(hm, 0, dG, 0, batch * e);
            System.arraycopy(gm, 0, dH, 0, batch * e);
        }
        sep.backward(params, batch, batch, gradJoint);
        // marginal: T'_r = G_r . H_perm(r) with weight w_r
        float max = bound.marginalWeights(tMarg, batch, weights, sumScratch);
        if (js) {
            jsWeights(tMarg, batch, false, weights);
        }
        for (int r = 0; r < batch; r++) {
            float wr = weights[r];
            int go = r * e;
            int ho = perm[r] * e;
            for (int c = 0; c < e; c++) {
                dG[go + c] = wr * hm[ho + c];
                dH[ho + c] = wr * gm[go + c];
            }
        }
        sep.backward(params, batch, batch, js ? gradJoint : gradMarg);
        agg.addJoint(batch, sumT, gradJoint);
        agg.addMarginal(batch, max, sumScratch[0], gradMarg);
        return agg;
    }

    /** Groups of near-equal size, at most K rows each: the size of group {@code g} of {@code groups} over {@code n} rows. */
    static int groupRows(int n, int groups, int g) {
        return n / groups + (g < n % groups ? 1 : 0);
    }

    private StepAggregate allPairsStep(FloatBlock block, float[][] params, int batch, StepAggregate agg) {
        int groups = (batch + bound.groupSize() - 1) / bound.groupSize();
        double sumT = 0;
        double sumRow = 0;
        int r0 = 0;
        for (int g = 0; g < groups; g++) {
            int k = groupRows(batch, groups, g);
            if (sep != null) {
                loadSeparableGroup(block.x(), block.y(), block.dx(), block.dy(), idx, r0, k);
                float[] gm = sep.forwardX(params, k);
                float[] hm = sep.forwardY(params, k);
                int e = sep.embedDim();
                kernelsOf().sgemm(false, true, k, k, e, 1f, gm, hm, 0f, scores);
                for (int i = 0; i < k; i++) {
                    sumT += scores[i * k + i];
                    sumRow += bound.rowWeights(scores, i * k, k, i, dScores, i * k);
                }
                // dG = D H, dH = D^T G
                kernelsOf().sgemm(false, false, k, e, k, 1f, dScores, hm, 0f, sep.dG());
                kernelsOf().sgemm(true, false, k, e, k, 1f, dScores, gm, 0f, sep.dH());
                sep.backward(params, k, k, gradJoint);
            } else {
                int per = Math.max(1, maxRows / k);
                for (int i0 = 0; i0 < k; i0 += per) {
                    int ni = Math.min(per, k - i0);
                    fillPairsInput(block.x(), block.y(), block.dx(), block.dy(), idx, r0, i0, ni, k);
                    float[] t = critic.forward(params, ni * k);
                    for (int a = 0; a < ni; a++) {
                        int diag = i0 + a;
                        sumT += t[a * k + diag];
                        sumRow += bound.rowWeights(t, a * k, k, diag, weights, a * k);
                    }
                    critic.backward(params, weights, ni * k, gradJoint);
                }
            }
            r0 += k;
        }
        agg.addJoint(batch, sumT, gradJoint);
        agg.addRowTerms(sumRow);
        return agg;
    }

    Kernels kernelsOf() {
        return kernels;
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
     * Critic input of the minibatch in {@code idx}: row {@code r P + p} is (x of row idx[r] at
     * position p, y of row idx[r] (marginal: idx[perm[r]]) at position p).
     */
    private void fillInput(FloatBlock block, int batch, boolean marginal) {
        int xw = block.dx(); // P dx
        int yw = block.dy();
        int dx = positions == 1 ? xw : shape.dx();
        int dy = positions == 1 ? yw : shape.dy();
        int in = dx + dy;
        float[] input = critic.input();
        float[] bx = block.x();
        float[] by = block.y();
        int o = 0;
        for (int r = 0; r < batch; r++) {
            int xi = idx[r];
            int yi = marginal ? idx[perm[r]] : xi;
            for (int p = 0; p < positions; p++) {
                System.arraycopy(bx, xi * xw + p * dx, input, o, dx);
                System.arraycopy(by, yi * yw + p * dy, input, o + dx, dy);
                o += in;
            }
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

    private static void zero(float[][] g) {
        for (float[] a : g) {
            java.util.Arrays.fill(a, 0f);
        }
    }
}
