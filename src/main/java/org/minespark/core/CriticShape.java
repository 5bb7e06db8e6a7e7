package org.minespark.core;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shape of the concat critic T(x, y) = MLP([x, y]): input width dx + dy, ReLU hidden layers of the
 * given widths, one linear output. Parameters are kept as one float array per tensor in the order
 * W1, b1, W2, b2, ..., W_L, b_L with W_l stored row-major as (in_l x out_l), so a layer is
 * {@code Z = H_{l-1} W_l + b_l}. Immutable.
 */
public final class CriticShape implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int dx;
    private final int dy;
    private final int[] widths; // input, hidden..., 1

    public CriticShape(int dx, int dy, int[] hidden) {
        if (dx < 1 || dy < 1) {
            throw new IllegalArgumentException("critic input dims must be >= 1, got dx=" + dx + ", dy=" + dy);
        }
        if (hidden == null || hidden.length == 0) {
            throw new IllegalArgumentException("critic needs at least one hidden layer");
        }
        widths = new int[hidden.length + 2];
        widths[0] = dx + dy;
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i] < 1) {
                throw new IllegalArgumentException("hidden layer width must be >= 1, got " + Arrays.toString(hidden));
            }
            widths[i + 1] = hidden[i];
        }
        widths[widths.length - 1] = 1;
        this.dx = dx;
        this.dy = dy;
    }

    public int dx() {
        return dx;
    }

    public int dy() {
        return dy;
    }

    public int inputDim() {
        return dx + dy;
    }

    /** Number of linear layers (hidden layers + output). */
    public int layers() {
        return widths.length - 1;
    }

    /** Width of layer boundary i: 0 is the input, layers() is the output (1). */
    public int width(int i) {
        return widths[i];
    }

    public int maxHiddenWidth() {
        int m = 0;
        for (int i = 1; i < widths.length - 1; i++) {
            m = Math.max(m, widths[i]);
        }
        return m;
    }

    /** Number of tensors: a weight and a bias per layer. */
    public int tensors() {
        return 2 * layers();
    }

    public int tensorSize(int t) {
        int l = t / 2;
        return (t % 2 == 0) ? widths[l] * widths[l + 1] : widths[l + 1];
    }

    public long numParams() {
        long n = 0;
        for (int t = 0; t < tensors(); t++) {
            n += tensorSize(t);
        }
        return n;
    }

    /** GEMM floating-point operations per joint sample of one training step (forward+backward, joint+marginal). */
    public double flopsPerJointSample() {
        double f = 0;
        for (int l = 0; l < layers(); l++) {
            double mn = 2.0 * widths[l] * widths[l + 1];
            f += mn; // forward
            f += mn; // weight gradient
            if (l > 0) {
                f += mn; // input gradient
            }
        }
        return 2 * f; // joint and marginal rows
    }

    /** Zero tensors of this shape (for gradients and optimiser moments). */
    public float[][] zeros() {
        float[][] p = new float[tensors()][];
        for (int t = 0; t < p.length; t++) {
            p[t] = new float[tensorSize(t)];
        }
        return p;
    }

    /**
     * Initial parameters as PyTorch's {@code nn.Linear} default: weights and biases uniform in
     * (-1/sqrt(fan_in), 1/sqrt(fan_in)), from the given seed.
     */
    public float[][] init(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] p = zeros();
        for (int l = 0; l < layers(); l++) {
            double bound = 1.0 / Math.sqrt(widths[l]);
            for (int t = 2 * l; t <= 2 * l + 1; t++) {
                float[] a = p[t];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                }
            }
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CriticShape && ((CriticShape) o).dx == dx && ((CriticShape) o).dy == dy
                && Arrays.equals(((CriticShape) o).widths, widths);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dx + dy) + Arrays.hashCode(widths);
    }

    @Override
    public String toString() {
        return "Critic" + Arrays.toString(widths) + "(dx=" + dx + ", dy=" + dy + ")";
    }
}
