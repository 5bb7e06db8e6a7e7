package org.minespark.core;

/**
 * Workspace forward/backward of the separable critic {@code T(x, y) = g(x) . h(y)} (see
 * {@link CriticShape#separable}): g embeds the x rows, h the y rows ({@code rows x E} each), a score
 * is a dot product of an x embedding and a y embedding, and the gradient flows back through the
 * upstream embedding gradients {@link #dG()} and {@link #dH()}. Buffers sized once for
 * {@code maxRows}. Not thread-safe.
 */
final class SeparableCritic {
    private final Mlp g;
    private final Mlp h;
    private final int e;
    private final float[] dG;
    private final float[] dH;

    SeparableCritic(CriticShape shape, Kernels kernels, int maxRows) {
        if (!shape.isSeparable()) {
            throw new IllegalArgumentException("not a separable critic shape: " + shape);
        }
        g = new Mlp(shape.gWidths(), 0, kernels, maxRows);
        h = new Mlp(shape.hWidths(), shape.gTensors(), kernels, maxRows);
        e = shape.embedDim();
        dG = new float[maxRows * e];
        dH = new float[maxRows * e];
    }

    long workspaceBytes() {
        return g.workspaceBytes() + h.workspaceBytes() + 4L * (dG.length + dH.length);
    }

    int maxRows() {
        return g.maxRows();
    }

    int embedDim() {
        return e;
    }

    /** Row-major {@code maxRows x dx} input of g. */
    float[] xInput() {
        return g.input();
    }

    /** Row-major {@code maxRows x dy} input of h. */
    float[] yInput() {
        return h.input();
    }

    /** x embeddings {@code G} ({@code rows x E}) of the first rows of {@link #xInput()}. */
    float[] forwardX(float[][] params, int rows) {
        return g.forward(params, rows);
    }

    /** y embeddings {@code H} ({@code rows x E}) of the first rows of {@link #yInput()}. */
    float[] forwardY(float[][] params, int rows) {
        return h.forward(params, rows);
    }

    /** Upstream gradient of the x embeddings ({@code maxRows x E}), filled by the caller. */
    float[] dG() {
        return dG;
    }

    /** Upstream gradient of the y embeddings ({@code maxRows x E}), filled by the caller. */
    float[] dH() {
        return dH;
    }

    /** Adds the parameter gradient of {@code sum dG . G + sum dH . H} (last forwards over {@code xRows}, {@code yRows} rows). */
    void backward(float[][] params, int xRows, int yRows, float[][] grad) {
        g.backward(params, dG, xRows, grad);
        h.backward(params, dH, yRows, grad);
    }

    /** {@code out[r] = G[r] . H[pair[r]]} ({@code pair == null}: H[r]), summed in a fixed order. */
    static void dots(float[] gm, float[] hm, int[] pair, int rows, int e, float[] out) {
        for (int r = 0; r < rows; r++) {
            int go = r * e;
            int ho = (pair == null ? r : pair[r]) * e;
            float s = 0f;
            for (int c = 0; c < e; c++) {
                s += gm[go + c] * hm[ho + c];
            }
            out[r] = s;
        }
    }
}
