package org.minespark.core;

/**
 * Forward and backward passes of the concat critic for a batch of rows, with all buffers allocated
 * once for a maximum batch size and reused (no allocation per call). Not thread-safe: one instance
 * per thread.
 *
 * <p>Call order: {@link #input()} is filled with {@code rows} rows of {@code [x, y]}, then
 * {@link #forward(float[][], int)} computes T for each row (kept in {@link #output()}), then
 * {@link #backward(float[][], float[], int, float[][])} adds {@code sum_r g[r] * dT_r/dtheta} to the
 * gradient tensors, using the activations kept by the last forward.
 */
public final class Critic {
    private final CriticShape shape;
    private final Kernels k;
    private final int maxRows;
    private final float[] input;
    private final float[][] z; // pre-activations of hidden layers, and the output at index layers-1
    private final float[][] h; // post-ReLU activations of hidden layers
    private final float[] dA;
    private final float[] dB;

    public Critic(CriticShape shape, Kernels kernels, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        this.shape = shape;
        this.k = kernels;
        this.maxRows = maxRows;
        int layers = shape.layers();
        input = new float[maxRows * shape.inputDim()];
        z = new float[layers][];
        h = new float[layers - 1][];
        for (int l = 0; l < layers; l++) {
            z[l] = new float[maxRows * shape.width(l + 1)];
            if (l < layers - 1) {
                h[l] = new float[maxRows * shape.width(l + 1)];
            }
        }
        int w = Math.max(shape.maxHiddenWidth(), 1);
        dA = new float[maxRows * w];
        dB = new float[maxRows * w];
    }

    /**
     * Bytes of the reusable buffers: input rows, pre- and post-activations of every layer and two
     * backward scratch matrices, all sized for {@link #maxRows()}; independent of the data size.
     */
    public long workspaceBytes() {
        long floats = input.length + dA.length + dB.length;
        for (float[] a : z) {
            floats += a.length;
        }
        for (float[] a : h) {
            floats += a.length;
        }
        return 4 * floats;
    }

    public CriticShape shape() {
        return shape;
    }

    public int maxRows() {
        return maxRows;
    }

    /** Row-major {@code maxRows x (dx+dy)} input buffer; the first {@code rows} rows are used. */
    public float[] input() {
        return input;
    }

    /** T values of the last forward pass (first {@code rows} entries). */
    public float[] output() {
        return z[z.length - 1];
    }

    private void checkRows(int rows) {
        if (rows < 0 || rows > maxRows) {
            throw new IllegalArgumentException("rows must be in [0, " + maxRows + "], got " + rows);
        }
    }

    /** Computes T for the first {@code rows} rows of {@link #input()}; returns {@link #output()}. */
    public float[] forward(float[][] params, int rows) {
        checkRows(rows);
        int layers = shape.layers();
        float[] prev = input;
        for (int l = 0; l < layers; l++) {
            int in = shape.width(l);
            int out = shape.width(l + 1);
            k.sgemm(false, false, rows, out, in, 1f, prev, params[2 * l], 0f, z[l]);
            if (l < layers - 1) {
                k.addBiasRelu(rows, out, z[l], params[2 * l + 1], h[l]);
                prev = h[l];
            } else {
                k.addBias(rows, out, z[l], params[2 * l + 1]);
            }
        }
        return z[layers - 1];
    }

    /**
     * Adds {@code sum_r upstream[r] * dT(row r)/dtheta} into {@code grad} (tensors shaped as the
     * parameters). Uses the activations of the last {@link #forward} over the same rows.
     */
    public void backward(float[][] params, float[] upstream, int rows, float[][] grad) {
        checkRows(rows);
        int layers = shape.layers();
        float[] d = upstream; // rows x width(l+1), gradient w.r.t. z[l]
        float[] spare = dA;
        for (int l = layers - 1; l >= 0; l--) {
            int in = shape.width(l);
            int out = shape.width(l + 1);
            float[] below = (l == 0) ? input : h[l - 1];
            // dW_l += below^T d ; db_l += colsum d
            k.sgemm(true, false, in, out, rows, 1f, below, d, 1f, grad[2 * l]);
            k.addColumnSums(rows, out, d, grad[2 * l + 1]);
            if (l > 0) {
                // dH_{l-1} = d W_l^T, then through the ReLU of layer l-1
                k.sgemm(false, true, rows, in, out, 1f, d, params[2 * l], 0f, spare);
                k.reluBackward(rows * in, z[l - 1], spare);
                d = spare;
                spare = (spare == dA) ? dB : dA;
            }
        }
    }
}
