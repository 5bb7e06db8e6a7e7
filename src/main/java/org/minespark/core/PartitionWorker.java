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
    private final CriticShape shape;
    private final Step step; // the training step of this critic and bound
    private final EvalPass evalPass; // the held-out scoring of this critic kind (pairwise bounds)
    private final Evaluator evaluator; // the held-out scoring of this bound family
    private final int positions; // position vectors per row (1: plain rows)
    private final Bound bound;
    private final Kernels kernels;
    private final Critic critic; // concat, else null
    private final SeparableCritic sep; // separable, else null
    private final int maxRows;
    private final float[][] gradJoint;
    private final float[][] gradMarg;
    private final float[] ones;
    private final float[] weights;
    private final float[] tJoint;
    private final float[] tMarg;
    private final float[] rowJoint; // positions > 1: per-row mean joint T of an evaluation pass
    private final float[] rowMarg; // positions > 1: per-row log-mean-exp of the marginal T (and permuted means)
    private final double[] sumScratch = new double[1];
    private final float[] scores; // K x K score matrix of an all-pairs group, else null
    private final float[] dScores; // K x K upstream weights (separable all-pairs), else null
    final int[] idx;
    final int[] perm;
    private int[] shifts = new int[0]; // permutation-test shifts of the current chunk, grown once per K

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
        this.rowJoint = new float[positions > 1 ? maxRows : 0];
        this.rowMarg = new float[positions > 1 ? maxRows : 0];
        this.tMarg = new float[sep != null ? maxRows : 0]; // marginal scores of the separable critic
        int k = bound.groupSize();
        this.scores = k > 0 ? new float[k * k] : null;
        this.dScores = k > 0 && sep != null ? new float[k * k] : null;
        this.idx = new int[maxRows];
        this.perm = new int[maxRows];
        this.step = bound.groupSize() > 0 ? this::allPairsStep : sep != null ? this::separablePairStep
                : this::concatPairStep;
        this.evalPass = positions > 1 ? this::tensorEvalPass : sep != null ? this::separableEvalPass
                : this::concatEvalPass;
        this.evaluator = bound.groupSize() > 0 ? this::evaluateAllPairs : this::evaluatePairwise;
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
        return critBytes + 2 * 4 * shape.numParams() + 4L * (ones.length + weights.length + tJoint.length + tMarg.length + rowJoint.length + rowMarg.length)
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

    /** A piece of held-out rows {@code [start, start + rows)} of a chunk scored by one critic kind; chosen at construction. */
    @FunctionalInterface
    private interface EvalPass {
        void run(float[][] params, float[] x, float[] y, int count, int start, int rows, int shift, int reps,
                 BoundStats stats, PermutationStats perm);
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
    private static int groupRows(int n, int groups, int g) {
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

    private Kernels kernelsOf() {
        return kernels;
    }

    /** Input rows (x_{rows[r0+i0+a]}, y_{rows[r0+j]}) for a in [0, ni), j in [0, k), row a*k+j of the critic input. */
    private void fillPairsInput(float[] bx, float[] by, int dx, int dy, int[] rows, int r0, int i0, int ni, int k) {
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
    private void loadSeparableGroup(float[] bx, float[] by, int dx, int dy, int[] rows, int r0, int k) {
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
        evaluator.run(params, x, y, count, rng, stats, perm, permRng);
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
            evaluatePairings(params, x, y, count, rng, stats, perm, permRng);
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
    private void concatJoint(float[][] params, float[] x, float[] y, int start, int rows) {
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
    private void concatPermutations(float[][] params, float[] y, int count, int start, int rows, int reps,
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

    // several marginal pairings per held-out row (evaluatePairings): per chunk row, grown once
    private float[] pairA = new float[0];
    private double[] rowMax = new double[0];
    private double[] rowSum = new double[0];
    private double[] rowSum2 = new double[0];
    private double[] colMax = new double[0];
    private double[] colSum = new double[0];
    private double[] lnE = new double[0];
    private int[] pairShifts = new int[0];

    /**
     * The held-out evaluation with {@code M = stats.marginalPairings()} marginal pairings per row
     * (plain rows, pairwise bounds): the chunk's y rows are re-paired by M distinct cyclic shifts
     * {@code s_1..s_M} drawn from {@code [1, count)} without replacement (all {@code count - 1}
     * shifts when M is not smaller), so the partition term {@code mean e^T} averages over
     * {@code count M} distinct product-of-marginals pairs of the chunk instead of {@code count}
     * (an incomplete U-statistic; for the optimal critic {@code E_Y e^{T*(x, Y)} = 1} for every x,
     * so its variance falls like 1/M). Row i contributes its joint score and
     * {@code E_i = (B_i + C_i) / 2}, with {@code B_i} the mean {@code e^T} of its M pairings that
     * take x from row i and {@code C_i} of the M that take y from row i; the mean of E over the
     * chunk is exactly the mean over all its scored pairings, and {@code 2 (E_i - mu)} is row i's
     * first-order influence on it, which the delta-method CI uses. The permutation replicates are
     * scored as in the one-pairing evaluation.
     */
    private void evaluatePairings(float[][] params, float[] x, float[] y, int count, SplittableRandom rng,
                                  BoundStats stats, PermutationStats perm, SplittableRandom permRng) {
        int m = Math.min(stats.marginalPairings(), count - 1);
        drawPairShifts(m, count, rng);
        if (pairA.length < count) {
            pairA = new float[count];
            rowMax = new double[count];
            rowSum = new double[count];
            rowSum2 = new double[count];
            colMax = new double[count];
            colSum = new double[count];
            lnE = new double[count];
        }
        java.util.Arrays.fill(rowMax, 0, count, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(colMax, 0, count, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(rowSum, 0, count, 0.0);
        java.util.Arrays.fill(rowSum2, 0, count, 0.0);
        java.util.Arrays.fill(colSum, 0, count, 0.0);
        int reps = perm == null ? 0 : perm.replicates();
        if (reps > 0) {
            if (shifts.length < reps) {
                shifts = new int[reps];
            }
            for (int q = 0; q < reps; q++) {
                shifts[q] = permRng.nextInt(count);
            }
        }
        int dx = shape.dx();
        int dy = shape.dy();
        int in = dx + dy;
        for (int start = 0; start < count; start += maxRows) {
            int rows = Math.min(maxRows, count - start);
            float[] gm = null;
            if (sep != null) {
                float[] xin = sep.xInput();
                float[] yin = sep.yInput();
                System.arraycopy(x, start * dx, xin, 0, rows * dx);
                System.arraycopy(y, start * dy, yin, 0, rows * dy);
                gm = sep.forwardX(params, rows);
                SeparableCritic.dots(gm, sep.forwardY(params, rows), null, rows, sep.embedDim(), tJoint);
            } else {
                concatJoint(params, x, y, start, rows);
            }
            System.arraycopy(tJoint, 0, pairA, start, rows);
            for (int q = 0; q < m; q++) {
                int s = pairShifts[q];
                float[] tm;
                if (sep != null) {
                    float[] yin = sep.yInput();
                    for (int r = 0; r < rows; r++) {
                        int j = (start + r + s) % count;
                        System.arraycopy(y, j * dy, yin, r * dy, dy);
                    }
                    SeparableCritic.dots(gm, sep.forwardY(params, rows), null, rows, sep.embedDim(), tMarg);
                    tm = tMarg;
                } else {
                    float[] input = critic.input();
                    for (int r = 0; r < rows; r++) {
                        int j = (start + r + s) % count;
                        System.arraycopy(y, j * dy, input, r * in + dx, dy);
                    }
                    tm = critic.forward(params, rows);
                }
                for (int r = 0; r < rows; r++) {
                    double t = stats.clipMarginal(tm[r]);
                    int i = start + r;
                    int j = (i + s) % count;
                    double mx = rowMax[i];
                    if (t > mx) {
                        double f = Math.exp(mx - t);
                        rowSum[i] = rowSum[i] * f + 1.0;
                        rowSum2[i] = rowSum2[i] * f * f + 1.0;
                        rowMax[i] = t;
                    } else {
                        double e = Math.exp(t - mx);
                        rowSum[i] += e;
                        rowSum2[i] += e * e;
                    }
                    double my = colMax[j];
                    if (t > my) {
                        colSum[j] = colSum[j] * Math.exp(my - t) + 1.0;
                        colMax[j] = t;
                    } else {
                        colSum[j] += Math.exp(t - my);
                    }
                }
            }
            if (reps > 0) {
                if (sep != null) {
                    separablePermutations(params, y, count, start, rows, gm, perm);
                } else {
                    concatPermutations(params, y, count, start, rows, reps, perm);
                }
            }
        }
        double lnM = Math.log(m);
        for (int i = 0; i < count; i++) {
            double b = rowMax[i] + Math.log(rowSum[i]) - lnM;
            double c = colMax[i] + Math.log(colSum[i]) - lnM;
            lnE[i] = MineOptimizer.logAddExp(b, c) - LN2;
        }
        stats.addPairings(pairA, lnE, rowMax, rowSum, rowSum2, count, m);
    }

    private static final double LN2 = Math.log(2.0);

    /** M distinct shifts in {@code [1, count)} into {@link #pairShifts}: all of them when {@code M = count - 1}. */
    private void drawPairShifts(int m, int count, SplittableRandom rng) {
        if (pairShifts.length < m) {
            pairShifts = new int[m];
        }
        if (m == count - 1) {
            for (int q = 0; q < m; q++) {
                pairShifts[q] = q + 1;
            }
            return;
        }
        for (int q = 0; q < m; q++) {
            int s;
            boolean dup;
            do {
                s = 1 + rng.nextInt(count - 1);
                dup = false;
                for (int k = 0; k < q; k++) {
                    if (pairShifts[k] == s) {
                        dup = true;
                        break;
                    }
                }
            } while (dup);
            pairShifts[q] = s;
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
    private void separablePermutations(float[][] params, float[] y, int count, int start, int rows, float[] gm,
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
                    this.perm[r] = j >= count ? j - count : j;
                }
                SeparableCritic.dots(gm, hm, this.perm, rows, e, tMarg);
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
            int k = groupRows(count, groups, g);
            if (sep != null) {
                loadSeparableGroup(x, y, dx, dy, null, r0, k);
                float[] gm = sep.forwardX(params, k);
                float[] hm = sep.forwardY(params, k);
                kernelsOf().sgemm(false, true, k, k, sep.embedDim(), 1f, gm, hm, 0f, scores);
            } else {
                int per = Math.max(1, maxRows / k);
                for (int i0 = 0; i0 < k; i0 += per) {
                    int ni = Math.min(per, k - i0);
                    fillPairsInput(x, y, dx, dy, null, r0, i0, ni, k);
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

    private static void zero(float[][] g) {
        for (float[] a : g) {
            java.util.Arrays.fill(a, 0f);
        }
    }
}
