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
    private final Mlp mlp;

    public Critic(CriticShape shape, Kernels kernels, int maxRows) {
        if (shape.isSeparable()) {
            throw new IllegalArgumentException("Critic is the concat critic; got the separable shape " + shape);
        }
        this.shape = shape;
        this.mlp = new Mlp(shape.gWidths(), 0, kernels, maxRows);
    }

    /**
     * Bytes of the reusable buffers: input rows, pre- and post-activations of every layer and two
     * backward scratch matrices, all sized for {@link #maxRows()}; independent of the data size.
     */
    public long workspaceBytes() {
        return mlp.workspaceBytes();
    }

    public CriticShape shape() {
        return shape;
    }

    public int maxRows() {
        return mlp.maxRows();
    }

    /** Row-major {@code maxRows x (dx+dy)} input buffer; the first {@code rows} rows are used. */
    public float[] input() {
        return mlp.input();
    }

    /** T values of the last forward pass (first {@code rows} entries). */
    public float[] output() {
        return mlp.output();
    }

    /** Computes T for the first {@code rows} rows of {@link #input()}; returns {@link #output()}. */
    public float[] forward(float[][] params, int rows) {
        return mlp.forward(params, rows);
    }

    /**
     * Adds {@code sum_r upstream[r] * dT(row r)/dtheta} into {@code grad} (tensors shaped as the
     * parameters). Uses the activations of the last {@link #forward} over the same rows.
     */
    public void backward(float[][] params, float[] upstream, int rows, float[][] grad) {
        mlp.backward(params, upstream, rows, grad);
    }
}
