package org.minespark.core;

/**
 * The dense float32 maths the critic needs, behind one interface so that the backend can be
 * chosen per executor ({@code vector}, {@code native-blas}, {@code scalar}).
 *
 * <p>All matrices are row-major, addressed from index 0 of the given arrays, with leading
 * dimension equal to the number of columns of the stored matrix (no padding). Implementations must
 * be thread-confined or stateless: one instance may be shared by many threads only if it keeps no
 * mutable state (all implementations here are stateless).
 */
public interface Kernels {

    /** The backend name as used in configuration ({@code vector}, {@code native-blas}, {@code scalar}). */
    String name();

    /** A one-line description for logs, e.g. which native library was loaded. */
    default String describe() {
        return name();
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, with {@code op(A)} of shape m x k and
     * {@code op(B)} of shape k x n, C of shape m x n. When {@code transA} is set, A is stored as a
     * k x m matrix; when {@code transB} is set, B is stored as n x k. When {@code beta == 0} the
     * previous contents of C are ignored (NaN in C does not propagate).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, float[] b, float beta, float[] c);

    /**
     * Forward glue of a hidden layer: {@code z[r][j] += bias[j]}, then {@code h[r][j] = max(z[r][j], 0)}
     * for {@code rows x cols}. {@code z} keeps the pre-activation (needed by the backward pass).
     */
    void addBiasRelu(int rows, int cols, float[] z, float[] bias, float[] h);

    /** {@code z[r][j] += bias[j]} for {@code rows x cols} (the linear output layer). */
    void addBias(int rows, int cols, float[] z, float[] bias);

    /** ReLU backward in place: {@code d[i] = z[i] > 0 ? d[i] : 0} for {@code i < len}. */
    void reluBackward(int len, float[] z, float[] d);

    /** {@code out[j] += sum_r d[r][j]} for a {@code rows x cols} matrix (bias gradients). */
    void addColumnSums(int rows, int cols, float[] d, float[] out);

    /**
     * One Adam update (Kingma and Ba 2015) over {@code len} parameters, minimising: with
     * {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
     * {@code p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}, where
     * {@code biasCorr1 = 1 - b1^t} and {@code biasCorr2 = 1 - b2^t} are given by the caller.
     */
    void adam(int len, float[] params, float[] grad, float[] m, float[] v,
              float lr, float beta1, float beta2, float eps, float biasCorr1, float biasCorr2);

    /**
     * The backend for a configuration name. Unknown names are an {@link IllegalArgumentException}
     * naming the value and the accepted ones; {@code native-blas} fails with an
     * {@link IllegalStateException} saying what to install when no native BLAS is loaded.
     */
    static Kernels forName(String name) {
        return KernelRegistry.forName(name);
    }
}
