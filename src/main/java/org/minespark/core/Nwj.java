package org.minespark.core;

/**
 * {@code nwj}: the f-divergence (KL) lower bound {@code I >= E_P[T] - E_Q[e^{T - 1}]} of Nguyen,
 * Wainwright and Jordan (2010, "Estimating divergence functionals and the likelihood ratio by
 * convex risk minimization", IEEE Trans. Inf. Theory), called MINE-f by Belghazi et al. (2018). It
 * is linear in the minibatch, so its minibatch gradient {@code E_P[grad T] - E_Q[e^{T-1} grad T]} is
 * unbiased. From the aggregate's shifted sums: {@code E_Q[e^{T-1}] = e^{M - 1} S / n}. Stateless.
 */
record Nwj() implements Bound {

    @Override
    public String name() {
        return "nwj";
    }

    @Override
    public float marginalWeights(float[] t, int n, float[] w, double[] sumOut) {
        return ExpWeights.weights(t, n, w, sumOut, Float.POSITIVE_INFINITY);
    }

    @Override
    public double value(StepAggregate agg) {
        if (agg.nJoint() == 0 || agg.nMarg() == 0) {
            throw new IllegalStateException("no joint or no marginal pairs in the aggregate");
        }
        return agg.sumTJoint() / agg.nJoint() - Math.exp(agg.maxMarg() - 1) * agg.sumExpMarg() / agg.nMarg();
    }

    @Override
    public void lossGradient(StepAggregate agg, double[] state, float[][] out) {
        // -d/dtheta: G_m e^{M-1} / n_m - G_j / n_j, i.e. the DV form with the denominator fixed at e^1
        MineOptimizer.lossGradient(agg, 1.0, out);
    }

    @Override
    public BoundStats newStats() {
        return new DvEvalStats(Float.POSITIVE_INFINITY, true);
    }
}
