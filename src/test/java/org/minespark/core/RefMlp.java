package org.minespark.core;

/** Double-precision reference forward pass of the concat critic, for finite-difference checks. */
final class RefMlp {
    private RefMlp() {
    }

    static double forward(CriticShape s, double[][] p, double[] in) {
        double[] h = in;
        for (int l = 0; l < s.layers(); l++) {
            int nIn = s.width(l);
            int nOut = s.width(l + 1);
            double[] z = new double[nOut];
            for (int j = 0; j < nOut; j++) {
                double acc = p[2 * l + 1][j];
                for (int i = 0; i < nIn; i++) {
                    acc += h[i] * p[2 * l][i * nOut + j];
                }
                z[j] = (l < s.layers() - 1) ? Math.max(acc, 0) : acc;
            }
            h = z;
        }
        return h[0];
    }

    static double[][] copyParams(float[][] p) {
        double[][] d = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            d[i] = new double[p[i].length];
            for (int j = 0; j < p[i].length; j++) {
                d[i][j] = p[i][j];
            }
        }
        return d;
    }

    /** Double forward of an MLP with the given widths whose tensors start at {@code p[offset]}. */
    static double[] forwardVec(int[] w, double[][] p, int offset, double[] in) {
        double[] h = in;
        for (int l = 0; l < w.length - 1; l++) {
            int nIn = w[l];
            int nOut = w[l + 1];
            double[] z = new double[nOut];
            for (int j = 0; j < nOut; j++) {
                double acc = p[offset + 2 * l + 1][j];
                for (int i = 0; i < nIn; i++) {
                    acc += h[i] * p[offset + 2 * l][i * nOut + j];
                }
                z[j] = (l < w.length - 2) ? Math.max(acc, 0) : acc;
            }
            h = z;
        }
        return h;
    }

    /** T(x, y) of either critic type in double precision. */
    static double score(CriticShape s, double[][] p, double[] x, double[] y) {
        if (!s.isSeparable()) {
            double[] in = new double[x.length + y.length];
            System.arraycopy(x, 0, in, 0, x.length);
            System.arraycopy(y, 0, in, x.length, y.length);
            return forward(s, p, in);
        }
        double[] g = forwardVec(s.gWidths(), p, 0, x);
        double[] h = forwardVec(s.hWidths(), p, s.gTensors(), y);
        double d = 0;
        for (int i = 0; i < g.length; i++) {
            d += g[i] * h[i];
        }
        return d;
    }

    /** n standard normal floats. */
    static float[] gaussians(java.util.SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** Row i of a row-major float matrix of d columns, as doubles. */
    static double[] row(float[] a, int d, int i) {
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = a[i * d + j];
        }
        return v;
    }
}
