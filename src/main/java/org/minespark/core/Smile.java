package org.minespark.core;

/**
 * {@code smile}: the clipped DV estimator of Song and Ermon (2020, "Understanding the Limitations of
 * Variational Mutual Information Estimators", ICLR):
 * {@code E_P[T] - ln E_Q[clip(e^T, e^{-tau}, e^tau)]}. Clipping bounds the variance of the partition
 * term; the gradient through a clipped marginal sample ({@code |T| >= tau}) is zero, the joint term
 * is not clipped. Trained with the plain minibatch gradient (no moving average). Stateless.
 */
record Smile(double tau) implements Bound {

    Smile {
        if (!(tau > 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("smile-tau must be finite and > 0, got " + tau);
        }
    }

    @Override
    public String name() {
        return "smile";
    }

    @Override
    public float marginalWeights(float[] t, int n, float[] w, double[] sumOut) {
        return ExpWeights.weights(t, n, w, sumOut, (float) tau);
    }

    @Override
    public double value(StepAggregate agg) {
        return agg.dvEstimate();
    }

    @Override
    public void lossGradient(StepAggregate agg, double[] state, float[][] out) {
        MineOptimizer.lossGradient(agg, agg.logMeanExpMarg(), out);
    }

    @Override
    public BoundStats newStats() {
        return new DvEvalStats((float) tau, false);
    }
}
