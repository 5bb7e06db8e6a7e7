package org.minespark.core;

/**
 * {@code dv-biased}: the Donsker-Varadhan bound {@code I >= E_P[T] - ln E_Q[e^T]} (Donsker and
 * Varadhan 1983; as used by Belghazi et al. 2018 before their correction) with the exact minibatch
 * gradient {@code E_P[grad T] - sum_Q e^T grad T / sum_Q e^T}: no moving average, so the gradient
 * is biased by the minibatch denominator. Stateless.
 */
record DonskerVaradhanBiased() implements Bound {

    @Override
    public String name() {
        return "dv-biased";
    }

    @Override
    public float marginalWeights(float[] t, int n, float[] w, double[] sumOut) {
        return ExpWeights.weights(t, n, w, sumOut, Float.POSITIVE_INFINITY);
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
        return new DvEvalStats();
    }
}
