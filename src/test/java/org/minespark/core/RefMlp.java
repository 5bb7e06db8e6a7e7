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
}
