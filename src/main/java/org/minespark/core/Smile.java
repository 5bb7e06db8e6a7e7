package org.minespark.core;

/**
 * {@code smile}: the clipped DV estimator of Song and Ermon (2020, "Understanding the Limitations of
 * Variational Mutual Information Estimators", ICLR):
 * {@code E_P[T] - ln E_Q[clip(e^T, e^{-tau}, e^tau)]}. Clipping bounds the variance of the partition
 * term; the joint term is not clipped.
 *
 * <p>Training: as in the paper's experiments, the critic is trained on the gradient of the
 * Jensen-Shannon (f-GAN) objective {@code E_P[-softplus(-T)] - E_Q[softplus(T)]} (whose optimum is
 * the log density ratio {@code ln p(x,y)/p(x)p(y)}, the DV optimum) and SMILE is the value reported.
 * Ascending the clipped DV itself diverges: once every marginal score exceeds tau the denominator
 * is constant (zero gradient through clipped samples) while {@code E_P[T]} keeps growing (measured:
 * millions of nats after 3000 steps on the 20-d task). The JS gradient is linear in the samples, so
 * it travels in the aggregate's linear part: {@code sum_P sigma(-T) grad T - sum_Q sigma(T) grad T}.
 * Stateless.
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
    public boolean jsGradient() {
        return true;
    }

    @Override
    public double value(StepAggregate agg) {
        return agg.dvEstimate();
    }

    /** {@code -(JS gradient) / n}: the marginal sum is in the linear part with its sign (n_joint = n_marg per partition). */
    @Override
    public void lossGradient(StepAggregate agg, double[] state, float[][] out) {
        double inv = 1.0 / agg.nJoint();
        double[] gj = agg.gradJoint();
        int o = 0;
        for (float[] g : out) {
            for (int i = 0; i < g.length; i++, o++) {
                g[i] = (float) (-gj[o] * inv);
            }
        }
    }

    @Override
    public BoundStats newStats() {
        return new DvEvalStats((float) tau, false);
    }
}
