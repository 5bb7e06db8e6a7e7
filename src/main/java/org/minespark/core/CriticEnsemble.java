package org.minespark.core;

/**
 * The mean of R concat critics of one shape as one critic: {@code T(x, y) = (1/R) sum_r T_r(x, y)},
 * of shape {@link CriticShape#ensembleOf} (its parameters are the members' tensors one member after
 * the other; {@link Critic} runs each member on the same rows and averages their values).
 *
 * <p>Why: every bound of this project is concave in the critic's values on the evaluated rows
 * ({@code mean T} is linear; {@code -ln mean e^T}, {@code -e^-1 mean e^T} and InfoNCE's
 * {@code -ln sum e^T} are concave), so on the same rows and pairings the ensemble's estimate is at
 * least the mean of the members' estimates, and it is still a lower bound of the MI in expectation
 * like any critic's. Averaging cancels the members' independent errors, which the
 * {@code ln mean e^T} term penalises.
 */
public final class CriticEnsemble {
    private CriticEnsemble() {
    }

    /** Whether {@link #shape} applies: the concat critic (the separable one is a product, not a sum, of two nets). */
    public static boolean applies(CriticShape s) {
        return !s.isSeparable();
    }

    /** The mean of R members of shape {@code s}. */
    public static CriticShape shape(CriticShape s, int r) {
        if (!applies(s)) {
            throw new IllegalArgumentException("an ensemble needs the concat critic, got " + s);
        }
        return s.ensembleOf(r);
    }

    /** The ensemble's parameters: the members' tensors {@code members[r]}, one member after the other. */
    public static float[][] params(CriticShape s, float[][][] members) {
        int per = s.tensors();
        float[][] p = new float[per * members.length][];
        for (int m = 0; m < members.length; m++) {
            for (int t = 0; t < per; t++) {
                p[m * per + t] = members[m][t];
            }
        }
        return p;
    }
}
