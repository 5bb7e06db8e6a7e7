package org.minespark.core;

/**
 * The mean of R concat critics of one shape as one concat critic: {@code T(x, y) = (1/R) sum_r T_r(x, y)}.
 * Its first layer puts the R first layers side by side, each hidden layer is block-diagonal (critic
 * r's weights in block r, zeros elsewhere, so the blocks do not mix), and the output layer is the R
 * output layers stacked and divided by R, with the mean of their biases. ReLU acts per unit, so
 * hidden block r of the wide critic is exactly critic r's hidden layer.
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

    /** The wide concat critic of R members of shape {@code s}: hidden widths R times s's, same positions. */
    public static CriticShape shape(CriticShape s, int r) {
        if (!applies(s)) {
            throw new IllegalArgumentException("an ensemble needs the concat critic, got " + s);
        }
        int layers = s.layers();
        int[] hidden = new int[layers - 1];
        for (int l = 0; l < hidden.length; l++) {
            hidden[l] = r * s.width(l + 1);
        }
        return new CriticShape(s.dx(), s.dy(), hidden).withPositions(s.positions());
    }

    /** The wide critic's parameters (tensors W1, b1, ..., W_L, b_L as {@link Mlp}) from the members' {@code members[r]}. */
    public static float[][] params(CriticShape s, float[][][] members) {
        int r = members.length;
        CriticShape wide = shape(s, r);
        float[][] p = wide.zeros();
        int layers = s.layers();
        for (int l = 0; l < layers; l++) {
            int in = s.width(l);
            int out = s.width(l + 1);
            float[] w = p[2 * l];
            float[] b = p[2 * l + 1];
            int wideOut = l == layers - 1 ? out : r * out;
            for (int m = 0; m < r; m++) {
                float[] mw = members[m][2 * l];
                float[] mb = members[m][2 * l + 1];
                int rowOffset = l == 0 ? 0 : m * in; // the first layer reads the shared input
                if (l == layers - 1) {
                    for (int i = 0; i < in; i++) {
                        for (int j = 0; j < out; j++) {
                            w[(m * in + i) * wideOut + j] = mw[i * out + j] / r;
                        }
                    }
                    for (int j = 0; j < out; j++) {
                        b[j] += mb[j] / r;
                    }
                } else {
                    for (int i = 0; i < in; i++) {
                        System.arraycopy(mw, i * out, w, (rowOffset + i) * wideOut + m * out, out);
                    }
                    System.arraycopy(mb, 0, b, m * out, out);
                }
            }
        }
        return p;
    }
}
