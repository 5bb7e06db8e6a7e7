package org.minespark.core;

/**
 * Plain-loop reference backend. Straightforward and obviously correct: every other backend is
 * tested against it. Loop orders are cache-friendly (i-k-j) so it is usable for small jobs, but it
 * is not tuned.
 */
final class ScalarKernels implements Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, float[] b, float beta, float[] c) {
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            if (beta == 0f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] = 0f;
                }
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
            for (int p = 0; p < k; p++) {
                float aip = transA ? a[p * m + i] : a[i * k + p];
                if (aip == 0f) {
                    continue;
                }
                float s = alpha * aip;
                if (transB) {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += s * b[j * k + p];
                    }
                } else {
                    int bp = p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += s * b[bp + j];
                    }
                }
            }
        }
    }

    @Override
    public void addBiasRelu(int rows, int cols, float[] z, float[] bias, float[] h) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                float v = z[o + j] + bias[j];
                z[o + j] = v;
                h[o + j] = Math.max(v, 0f);
            }
        }
    }

    @Override
    public void addBias(int rows, int cols, float[] z, float[] bias) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                z[o + j] += bias[j];
            }
        }
    }

    @Override
    public void reluBackward(int len, float[] z, float[] d) {
        for (int i = 0; i < len; i++) {
            if (!(z[i] > 0f)) {
                d[i] = 0f;
            }
        }
    }

    @Override
    public void addColumnSums(int rows, int cols, float[] d, float[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += d[o + j];
            }
        }
    }

    @Override
    public void adam(int len, float[] params, float[] grad, float[] m, float[] v,
                     float lr, float beta1, float beta2, float eps, float biasCorr1, float biasCorr2) {
        for (int i = 0; i < len; i++) {
            float g = grad[i];
            float mi = beta1 * m[i] + (1f - beta1) * g;
            float vi = beta2 * v[i] + (1f - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            float mHat = mi / biasCorr1;
            float vHat = vi / biasCorr2;
            params[i] -= lr * mHat / ((float) Math.sqrt(vHat) + eps);
        }
    }
}
