package org.minespark.core;

import java.util.SplittableRandom;

/**
 * The held-out evaluation with several marginal pairings per row (plain rows, pairwise bounds) of a
 * {@link HeldOutScorer}: M distinct cyclic re-pairings of each chunk, per-row influence for the CI.
 * Its per-row buffers grow once to the largest chunk. Not thread-safe.
 */
final class PairingsScorer {
    private final HeldOutScorer hs;
    private final CriticShape shape;
    private final Critic critic;
    private final SeparableCritic sep;
    private final int maxRows;
    private final float[] tJoint;
    private final float[] tMarg;

    PairingsScorer(HeldOutScorer hs, CriticShape shape, Critic critic, SeparableCritic sep, int maxRows, float[] tJoint,
                   float[] tMarg) {
        this.hs = hs;
        this.shape = shape;
        this.critic = critic;
        this.sep = sep;
        this.maxRows = maxRows;
        this.tJoint = tJoint;
        this.tMarg = tMarg;
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
     * (plain rows, pairwise bounds): the chunk's y rows are re-paired by M distinct cyclic hs.shifts
     * {@code s_1..s_M} drawn from {@code [1, count)} without replacement (all {@code count - 1}
     * hs.shifts when M is not smaller), so the partition term {@code mean e^T} averages over
     * {@code count M} distinct product-of-marginals pairs of the chunk instead of {@code count}
     * (an incomplete U-statistic; for the optimal critic {@code E_Y e^{T*(x, Y)} = 1} for every x,
     * so its variance falls like 1/M). Row i contributes its joint score and
     * {@code E_i = (B_i + C_i) / 2}, with {@code B_i} the mean {@code e^T} of its M pairings that
     * take x from row i and {@code C_i} of the M that take y from row i; the mean of E over the
     * chunk is exactly the mean over all its scored pairings, and {@code 2 (E_i - mu)} is row i's
     * first-order influence on it, which the delta-method CI uses. The permutation replicates are
     * scored as in the one-pairing evaluation.
     */
    void evaluate(float[][] params, float[] x, float[] y, int count, SplittableRandom rng,
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
            if (hs.shifts.length < reps) {
                hs.shifts = new int[reps];
            }
            for (int q = 0; q < reps; q++) {
                hs.shifts[q] = permRng.nextInt(count);
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
                hs.concatJoint(params, x, y, start, rows);
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
                    hs.separablePermutations(params, y, count, start, rows, gm, perm);
                } else {
                    hs.concatPermutations(params, y, count, start, rows, reps, perm);
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

    /** M distinct hs.shifts in {@code [1, count)} into {@link #pairShifts}: all of them when {@code M = count - 1}. */
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
}
