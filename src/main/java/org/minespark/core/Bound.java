package org.minespark.core;

import java.io.Serializable;
import java.util.Locale;

/**
 * A variational lower bound on the mutual information {@code I(X; Y)} that the critic T maximises,
 * evaluated from the joint pairs {@code (x_i, y_i) ~ P = p(x, y)} and marginal pairs
 * {@code ~ Q = p(x) p(y)} (y shuffled). One small class per bound; all of them are served by the
 * same distributed machinery: every partition returns a {@link StepAggregate} (linear sums plus a
 * log-sum-exp part, mergeable in any order), the driver turns the merged aggregate into the bound's
 * minibatch value and the gradient of the loss {@code -bound}.
 *
 * <p>Roles:
 * <ul>
 * <li>worker side: {@link #marginalWeights} (bounds of the form {@code E_P[T] - f(E_Q[phi(T)])}) or,
 *     for bounds that need every pairing within a group of rows ({@link #groupSize()} {@code > 0}),
 *     {@link #rowWeights};</li>
 * <li>driver side: {@link #value} and {@link #lossGradient}, with per-run mutable state from
 *     {@link #newState()} (the moving average of {@code dv});</li>
 * <li>held-out evaluation: {@link #newStats()}.</li>
 * </ul>
 * Implementations are immutable, serializable and thread-safe; the state array is not.
 */
public interface Bound extends Serializable {

    /** The default MINE moving-average factor of {@code dv}. */
    double DEFAULT_EMA_ALPHA = 0.01;
    /** The default SMILE clipping threshold tau. */
    double DEFAULT_SMILE_TAU = 5.0;
    /** The default InfoNCE group size K (rows whose K x K pairings are scored together per partition). */
    int DEFAULT_INFONCE_K = 64;

    /** The configuration name ({@code dv}, {@code dv-biased}, {@code nwj}, {@code infonce}, {@code smile}). */
    String name();

    /**
     * 0 for bounds built from one marginal pair per joint pair; {@code K > 0} for bounds that score
     * every pairing {@code (x_i, y_j)} within groups of (at most) K rows.
     */
    default int groupSize() {
        return 0;
    }

    /**
     * Worker side of the pairwise bounds: from the marginal scores {@code t[0..n)} writes the
     * upstream gradient weights {@code w[r] = e^{-m} d(sum_r phi(t_r))/dt_r} and puts
     * {@code sum_r phi(t_r) e^{-m}} (with {@code phi = e^t} or its clipped form) into {@code sumOut[0]};
     * returns the shift {@code m}. The weights are float32 as the backward pass consumes them.
     */
    default float marginalWeights(float[] t, int n, float[] w, double[] sumOut) {
        throw new UnsupportedOperationException(name() + " does not use marginal pairs");
    }

    /**
     * Worker side of the all-pairs bounds: {@code s[0..k)} are the scores {@code T(x_i, y_j)} of one
     * row i against the k y's of its group, {@code s[diag]} the joint one; writes the upstream weights
     * of the row's term into {@code w[0..k)} and returns the row's term subtracted from the joint
     * score ({@code ln mean_j e^{s_j}} for InfoNCE).
     */
    default double rowWeights(float[] s, int offset, int k, int diag, float[] w, int wOffset) {
        throw new UnsupportedOperationException(name() + " does not score all pairs");
    }

    /**
     * Whether the critic is trained on the gradient of the Jensen-Shannon (f-GAN) objective
     * {@code E_P[-softplus(-T)] - E_Q[softplus(T)]} while the reported value is this bound's own
     * (SMILE). The worker then puts the JS gradient
     * {@code sum_P sigma(-T) grad T - sum_Q sigma(T) grad T} into the aggregate's linear gradient and
     * only the value sums into the log-sum-exp part.
     */
    default boolean jsGradient() {
        return false;
    }

    /** The minibatch value of the bound from a merged aggregate (nats). */
    double value(StepAggregate agg);

    /** Fresh per-run driver state for {@link #lossGradient} (empty for stateless bounds). */
    default double[] newState() {
        return new double[0];
    }

    /**
     * Writes the gradient of the loss {@code -bound} into {@code out} (tensors shaped as the
     * parameters), updating {@code state} (from {@link #newState()}) if the bound keeps any.
     */
    void lossGradient(StepAggregate agg, double[] state, float[][] out);

    /** A fresh, empty, mergeable accumulator of this bound on held-out pairs. */
    BoundStats newStats();

    /** The largest value the bound can take (nats): {@code ln K} for InfoNCE, infinite otherwise. */
    default double capNats() {
        return Double.POSITIVE_INFINITY;
    }

    /** The accepted names, for messages. */
    String NAMES = "dv, dv-biased, nwj, infonce, smile";

    /** The bound with default settings ({@link #DEFAULT_EMA_ALPHA}, {@link #DEFAULT_SMILE_TAU}, {@link #DEFAULT_INFONCE_K}). */
    static Bound forName(String name) {
        return forName(name, DEFAULT_EMA_ALPHA, DEFAULT_SMILE_TAU, DEFAULT_INFONCE_K);
    }

    /**
     * The bound for a configuration name. {@code emaAlpha} is used by {@code dv}, {@code smileTau}
     * by {@code smile}, {@code infonceK} by {@code infonce}; each is validated even when unused, so a
     * bad setting never passes silently. Bad values are {@link IllegalArgumentException}s naming the
     * parameter and the value.
     */
    static Bound forName(String name, double emaAlpha, double smileTau, int infonceK) {
        if (!(emaAlpha > 0 && emaAlpha <= 1)) {
            throw new IllegalArgumentException("ema-alpha must be in (0, 1], got " + emaAlpha);
        }
        if (!(smileTau > 0) || !Double.isFinite(smileTau)) {
            throw new IllegalArgumentException("smile-tau must be finite and > 0, got " + smileTau);
        }
        if (infonceK < 2) {
            throw new IllegalArgumentException("infonce group size K must be >= 2, got " + infonceK);
        }
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "dv":
                return new DonskerVaradhan(emaAlpha);
            case "dv-biased":
                return new DonskerVaradhanBiased();
            case "nwj":
                return new Nwj();
            case "infonce":
                return new InfoNce(infonceK);
            case "smile":
                return new Smile(smileTau);
            default:
                throw new IllegalArgumentException("bound must be one of " + NAMES + ", got '" + name + "'");
        }
    }
}
