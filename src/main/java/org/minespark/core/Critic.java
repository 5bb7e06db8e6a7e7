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
    /** An ensemble's other members ({@link CriticShape#ensembleOf}), reading their own copy of the input; else empty. */
    private final Mlp[] others;
    /** An ensemble's mean output; null for a single critic. */
    private final float[] mean;
    private final double[] sum;

    public Critic(CriticShape shape, Kernels kernels, int maxRows) {
        if (shape.isSeparable()) {
            throw new IllegalArgumentException("Critic is the concat critic; got the separable shape " + shape);
        }
        this.shape = shape;
        int r = shape.members();
        int perMember = shape.tensors() / r;
        this.mlp = new Mlp(shape.gWidths(), 0, kernels, maxRows);
        this.others = new Mlp[r - 1];
        for (int m = 1; m < r; m++) {
            others[m - 1] = new Mlp(shape.gWidths(), m * perMember, kernels, maxRows);
        }
        this.mean = r > 1 ? new float[maxRows] : null;
        this.sum = r > 1 ? new double[maxRows] : null;
    }

    /**
     * Bytes of the reusable buffers: input rows, pre- and post-activations of every layer and two
     * backward scratch matrices, all sized for {@link #maxRows()}; independent of the data size.
     */
    public long workspaceBytes() {
        long b = mlp.workspaceBytes();
        for (Mlp o : others) {
            b += o.workspaceBytes();
        }
        return b + (mean == null ? 0 : 12L * mean.length);
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
        return mean == null ? mlp.output() : mean;
    }

    /**
     * Computes T for the first {@code rows} rows of {@link #input()}; returns {@link #output()}. An
     * ensemble runs each member on the same rows and averages their values (in member order).
     */
    public float[] forward(float[][] params, int rows) {
        float[] t = mlp.forward(params, rows);
        if (mean == null) {
            return t;
        }
        int r = others.length + 1;
        for (int i = 0; i < rows; i++) {
            sum[i] = t[i];
        }
        int n = rows * shape.inputDim();
        for (Mlp o : others) {
            System.arraycopy(mlp.input(), 0, o.input(), 0, n);
            float[] to = o.forward(params, rows);
            for (int i = 0; i < rows; i++) {
                sum[i] += to[i];
            }
        }
        for (int i = 0; i < rows; i++) {
            mean[i] = (float) (sum[i] / r);
        }
        return mean;
    }

    /**
     * Adds {@code sum_r upstream[r] * dT(row r)/dtheta} into {@code grad} (tensors shaped as the
     * parameters). Uses the activations of the last {@link #forward} over the same rows.
     *
     * @throws UnsupportedOperationException for an ensemble: it is evaluated, never trained
     */
    public void backward(float[][] params, float[] upstream, int rows, float[][] grad) {
        if (mean != null) {
            throw new UnsupportedOperationException("an ensemble critic (" + shape + ") is evaluated, not trained");
        }
        mlp.backward(params, upstream, rows, grad);
    }
}
