package org.minespark.core;

/**
 * The training half of a {@link PartitionWorker}: one partition's minibatch step of one critic
 * (concat or separable) for one {@link Bound} (pairwise or all-pairs), picked once, at
 * construction, with its two gradient buffers (joint and marginal) and the all-pairs upstream
 * weights; it shares the worker's critic, score and index buffers. Not thread-safe.
 */
final class MinibatchStep {
    private final PartitionWorker w;
    private final CriticShape shape;
    private final int positions;
    private final Bound bound;
    private final Kernels kernels;
    private final Critic critic;
    private final SeparableCritic sep;
    private final int maxRows;
    private final float[][] gradJoint;
    private final float[][] gradMarg;
    private final float[] ones;
    private final float[] weights;
    private final float[] tJoint;
    private final float[] tMarg;
    private final double[] sumScratch;
    private final float[] scores;
    private final float[] dScores; // K x K upstream weights (separable all-pairs), else null
    private final int[] idx;
    private final int[] perm;
    private final Step step; // the training step of this critic and bound

    MinibatchStep(PartitionWorker w) {
        this.w = w;
        this.shape = w.shape;
        this.positions = w.positions;
        this.bound = w.bound;
        this.kernels = w.kernels;
        this.critic = w.critic;
        this.sep = w.sep;
        this.maxRows = w.maxRows;
        this.gradJoint = shape.zeros();
        this.gradMarg = shape.zeros();
        this.ones = w.ones;
        this.weights = w.weights;
        this.tJoint = w.tJoint;
        this.tMarg = w.tMarg;
        this.sumScratch = w.sumScratch;
        this.scores = w.scores;
        int k = bound.groupSize();
        this.dScores = k > 0 && sep != null ? new float[k * k] : null;
        this.idx = w.idx;
        this.perm = w.perm;
        this.step = bound.groupSize() > 0 ? this::allPairsStep : sep != null ? this::separablePairStep
                : this::concatPairStep;
    }

    /** Bytes of this step's own fixed buffers (two gradient copies, the all-pairs upstream weights). */
    long workspaceBytes() {
        return 2 * 4 * shape.numParams() + 4L * (dScores == null ? 0 : dScores.length);
    }

    /** See {@link PartitionWorker#trainStepOn}: zeroes the gradients, then runs this critic and bound's step. */
    StepAggregate run(FloatBlock block, float[][] params, int batch, StepAggregate agg) {
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

    private StepAggregate allPairsStep(FloatBlock block, float[][] params, int batch, StepAggregate agg) {
        int groups = (batch + bound.groupSize() - 1) / bound.groupSize();
        double sumT = 0;
        double sumRow = 0;
        int r0 = 0;
        for (int g = 0; g < groups; g++) {
            int k = PartitionWorker.groupRows(batch, groups, g);
            if (sep != null) {
                w.loadSeparableGroup(block.x(), block.y(), block.dx(), block.dy(), idx, r0, k);
                float[] gm = sep.forwardX(params, k);
                float[] hm = sep.forwardY(params, k);
                int e = sep.embedDim();
                kernels.sgemm(false, true, k, k, e, 1f, gm, hm, 0f, scores);
                for (int i = 0; i < k; i++) {
                    sumT += scores[i * k + i];
                    sumRow += bound.rowWeights(scores, i * k, k, i, dScores, i * k);
                }
                // dG = D H, dH = D^T G
                kernels.sgemm(false, false, k, e, k, 1f, dScores, hm, 0f, sep.dG());
                kernels.sgemm(true, false, k, e, k, 1f, dScores, gm, 0f, sep.dH());
                sep.backward(params, k, k, gradJoint);
            } else {
                int per = Math.max(1, maxRows / k);
                for (int i0 = 0; i0 < k; i0 += per) {
                    int ni = Math.min(per, k - i0);
                    w.fillPairsInput(block.x(), block.y(), block.dx(), block.dy(), idx, r0, i0, ni, k);
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

    private static void zero(float[][] g) {
        for (float[] a : g) {
            java.util.Arrays.fill(a, 0f);
        }
    }
}
