package org.minespark.core;

/**
 * {@code dv}: the Donsker-Varadhan bound {@code I >= E_P[T] - ln E_Q[e^T]} trained as MINE
 * (Belghazi et al. 2018, "Mutual Information Neural Estimation", ICML, section 3.2). The exact
 * minibatch gradient {@code E_P[grad T] - E_Q[e^T grad T] / E_Q[e^T]} is biased because of the
 * minibatch denominator; MINE replaces the denominator by an exponential moving average
 * {@code ma <- (1 - alpha) ma + alpha * mean_batch(e^T)} (kept in log space, initialised with the
 * first minibatch). The reported value is the plain minibatch DV. State: {@code [ln ma]}.
 */
record DonskerVaradhan(double emaAlpha) implements Bound {

    @Override
    public String name() {
        return "dv";
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
    public double[] newState() {
        return new double[] {Double.NaN};
    }

    @Override
    public void lossGradient(StepAggregate agg, double[] state, float[][] out) {
        double logMeanExp = agg.logMeanExpMarg();
        if (Double.isNaN(state[0])) {
            state[0] = logMeanExp;
        } else {
            state[0] = MineOptimizer.logAddExp(Math.log1p(-emaAlpha) + state[0], Math.log(emaAlpha) + logMeanExp);
        }
        MineOptimizer.lossGradient(agg, state[0], out);
    }

    @Override
    public BoundStats newStats() {
        return new DvEvalStats();
    }
}
