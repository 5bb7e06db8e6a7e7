package org.minespark.core;

/**
 * Workspace forward/backward of one ReLU MLP with layer widths {@code w[0] -> ... -> w[L]} (linear
 * output), whose tensors sit at {@code params[offset ..]} as W1, b1, ..., W_L, b_L. Buffers are
 * sized once for {@code maxRows}; no allocation per call. The building block of {@link Critic} (the
 * concat critic) and of the separable critic's g and h. Not thread-safe.
 */
final class Mlp {
    private final int[] w;
    private final int offset;
    private final Kernels k;
    private final int maxRows;
    private final float[] input;
    private final float[][] z; // pre-activations of hidden layers, and the output at index layers-1
    private final float[][] h; // post-ReLU activations of hidden layers
    private final float[] dA;
    private final float[] dB;

    Mlp(int[] widths, int offset, Kernels kernels, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        this.w = widths.clone();
        this.offset = offset;
        this.k = kernels;
        this.maxRows = maxRows;
        int layers = w.length - 1;
        input = new float[maxRows * w[0]];
        z = new float[layers][];
        h = new float[layers - 1][];
        int maxHidden = 1;
        for (int l = 0; l < layers; l++) {
            z[l] = new float[maxRows * w[l + 1]];
            if (l < layers - 1) {
                h[l] = new float[maxRows * w[l + 1]];
                maxHidden = Math.max(maxHidden, w[l + 1]);
            }
        }
        dA = new float[maxRows * maxHidden];
        dB = new float[maxRows * maxHidden];
    }

    long workspaceBytes() {
        long floats = input.length + dA.length + dB.length;
        for (float[] a : z) {
            floats += a.length;
        }
        for (float[] a : h) {
            floats += a.length;
        }
        return 4 * floats;
    }

    int maxRows() {
        return maxRows;
    }

    int outWidth() {
        return w[w.length - 1];
    }

    float[] input() {
        return input;
    }

    float[] output() {
        return z[z.length - 1];
    }

    void checkRows(int rows) {
        if (rows < 0 || rows > maxRows) {
            throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
        }
    }

    /** Output ({@code rows x w[L]}) for the first {@code rows} rows of {@link #input()}. */
    float[] forward(float[][] params, int rows) {
        checkRows(rows);
        int layers = w.length - 1;
        float[] prev = input;
        for (int l = 0; l < layers; l++) {
            int in = w[l];
            int out = w[l + 1];
            k.sgemm(false, false, rows, out, in, 1f, prev, params[offset + 2 * l], 0f, z[l]);
            if (l < layers - 1) {
                k.addBiasRelu(rows, out, z[l], params[offset + 2 * l + 1], h[l]);
                prev = h[l];
            } else {
                k.addBias(rows, out, z[l], params[offset + 2 * l + 1]);
            }
        }
        return z[layers - 1];
    }

    /**
     * Adds {@code sum_r upstream[r] . d out(row r)/dtheta} into {@code grad} ({@code upstream} is
     * {@code rows x w[L]}), using the activations of the last forward over the same rows.
     */
    void backward(float[][] params, float[] upstream, int rows, float[][] grad) {
        checkRows(rows);
        int layers = w.length - 1;
        float[] d = upstream; // rows x width(l+1), gradient w.r.t. z[l]
        float[] spare = dA;
        for (int l = layers - 1; l >= 0; l--) {
            int in = w[l];
            int out = w[l + 1];
            float[] below = (l == 0) ? input : h[l - 1];
            // dW_l += below^T d ; db_l += colsum d
            k.sgemm(true, false, in, out, rows, 1f, below, d, 1f, grad[offset + 2 * l]);
            k.addColumnSums(rows, out, d, grad[offset + 2 * l + 1]);
            if (l > 0) {
                // dH_{l-1} = d W_l^T, then through the ReLU of layer l-1
                k.sgemm(false, true, rows, in, out, 1f, d, params[offset + 2 * l], 0f, spare);
                k.reluBackward(rows * in, z[l - 1], spare);
                d = spare;
                spare = (spare == dA) ? dB : dA;
            }
        }
    }
}
