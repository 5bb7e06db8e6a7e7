package org.minespark.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@code vector} backend's general matrix product (see {@link VectorKernels} for the design):
 * packing of B panels and partial A row groups, the block loops, and the edge tiles around the
 * register-blocked micro-kernel of a {@link MicroShape} ({@code MicroKernel<rows>x<vectors>}); products with
 * one column or a depth of one go to {@link VectorGemv}. Static, with a per-thread workspace.
 */
final class VectorGemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Depth of a k block (the A micro-panel, at most 8 x KC floats, is at most 8 KiB). */
    static final int KC = 256;
    /** Width of a column block: the packed B panel is at most KC x NC floats (512 KiB, in L2). */
    static final int NC = 512;

    private static final ThreadLocal<float[][]> WORKSPACE = ThreadLocal.withInitial(() -> new float[3][0]);

    private VectorGemm() {
    }

    /**
     * Thread-local scratch array number {@code slot} (0: packed B / GEMV, 1: packed A, 2: edge tile) of at least
     * {@code len} floats, grown on demand, never shrunk.
     */
    static float[] workspace(int slot, int len) {
        float[][] holder = WORKSPACE.get();
        float[] w = holder[slot];
        if (w.length < len) {
            w = new float[Math.max(len, w.length + (w.length >> 1))];
            holder[slot] = w;
        }
        return w;
    }

    /** {@link Kernels#sgemm} with the micro-kernel of {@code shape}. */
    static void sgemm(MicroShape shape, boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, float[] b, float beta, float[] c) {
        if (degenerateGemm(m, n, k, alpha, beta, c)) {
            return;
        }
        if (n == 1) {
            if (transA) {
                VectorGemv.gemvT(m, k, alpha, a, b, beta, c);
            } else {
                VectorGemv.gemvN(m, k, alpha, a, b, beta, c);
            }
            return;
        }
        if (k == 1) {
            VectorGemv.outer(m, n, alpha, a, b, beta, c);
            return;
        }
        int mR = shape.mr;
        int nR = shape.nr;
        int ncMax = Math.min(n, NC);
        float[] bp = workspace(0, Math.min(k, KC) * roundUp(ncMax, nR));
        float[] ap = m % mR != 0 ? workspace(1, mR * Math.min(k, KC)) : null;
        float[] tile = workspace(2, mR * nR);
        for (int j0 = 0; j0 < n; j0 += NC) {
            int nc = Math.min(NC, n - j0);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                float bt = p0 == 0 ? beta : 1f;
                // alpha == 1 and beta in {0, 1}: full blocks accumulate straight into C
                boolean direct = alpha == 1f && (bt == 0f || bt == 1f);
                if (transB) {
                    packBT(nR, k, kc, nc, b, p0, j0, bp);
                } else {
                    packBN(nR, n, kc, nc, b, p0, j0, bp);
                }
                // A' is read in place: row-major A by rows (row stride k, unit step), A stored
                // transposed by steps (step stride m, unit row stride); a last partial group of rows
                // is packed in the same order (row stride kc, or step stride mR), zero-padded to mR
                // rows. Row-major A gets a unit step so that C2 hoists A's bounds checks (its
                // range-check elimination needs a constant scale of the loop variable): ~10% faster
                // with 6 x 2 on AVX2; packing a transposed A instead measured ~10% slower with 6 x 4.
                int as = transA ? m : k;
                for (int i0 = 0; i0 < m; i0 += mR) {
                    int mr = Math.min(mR, m - i0);
                    float[] aa = a;
                    int aOff = transA ? p0 * m + i0 : i0 * k + p0;
                    int stride = as;
                    if (mr < mR) {
                        if (transA) {
                            packAT(mR, m, kc, mr, a, p0, i0, ap);
                            stride = mR;
                        } else {
                            packAN(mR, k, kc, mr, a, p0, i0, ap);
                            stride = kc;
                        }
                        aa = ap;
                        aOff = 0;
                    }
                    for (int jj = 0; jj < nc; jj += nR) {
                        int nr = Math.min(nR, nc - jj);
                        int bOff = jj * kc;
                        int cOff = i0 * n + j0 + jj;
                        if (direct && mr == mR && nr == nR) {
                            micro(shape, transA, kc, aa, aOff, stride, bp, bOff, bt != 0f, c, cOff, n);
                        } else {
                            micro(shape, transA, kc, aa, aOff, stride, bp, bOff, false, tile, 0, nR);
                            mergeTile(nR, mr, nr, alpha, tile, bt, c, cOff, n);
                        }
                    }
                }
            }
        }
    }

    /** The micro-kernel of {@code shape}: step-major A ({@code steps}, step stride {@code stride}) or row-major (row stride). */
    private static void micro(MicroShape shape, boolean steps, int kc, float[] a, int aOff, int stride, float[] bp, int bOff,
                              boolean load, float[] c, int cOff, int ldc) {
        switch (shape) {
            case S6X4 -> MicroKernel6x4.run(steps, kc, a, aOff, stride, bp, bOff, load, c, cOff, ldc);
            case S6X2 -> MicroKernel6x2.run(steps, kc, a, aOff, stride, bp, bOff, load, c, cOff, ldc);
            case S4X3 -> MicroKernel4x3.run(steps, kc, a, aOff, stride, bp, bOff, load, c, cOff, ldc);
            default -> throw new AssertionError(shape);
        }
    }

    private static int roundUp(int x, int q) {
        return (x + q - 1) / q * q;
    }

    /**
     * Packs {@code B'[p0:p0+kc, j0:j0+nc]} of a row-major k x n B into slivers of {@code nR}
     * columns: sliver s holds {@code B'(p0+p, j0+s*nR+q)} at {@code s*nR*kc + p*nR + q}, zero-padded
     * to a whole sliver.
     */
    private static void packBN(int nR, int n, int kc, int nc, float[] b, int p0, int j0, float[] dst) {
        for (int jj = 0; jj < nc; jj += nR) {
            int nr = Math.min(nR, nc - jj);
            int d = jj * kc;
            int s = p0 * n + j0 + jj;
            if (nr == nR) {
                for (int p = 0; p < kc; p++, d += nR, s += n) {
                    for (int v = 0; v < nR; v += L) {
                        FloatVector.fromArray(S, b, s + v).intoArray(dst, d + v);
                    }
                }
            } else {
                for (int p = 0; p < kc; p++, d += nR, s += n) {
                    int q = 0;
                    for (; q < nr; q++) {
                        dst[d + q] = b[s + q];
                    }
                    for (; q < nR; q++) {
                        dst[d + q] = 0f;
                    }
                }
            }
        }
    }

    /** {@link #packBN} for B stored transposed (n x k): {@code B'(p, j) = b[j*k + p]}. */
    private static void packBT(int nR, int k, int kc, int nc, float[] b, int p0, int j0, float[] dst) {
        for (int jj = 0; jj < nc; jj += nR) {
            int nr = Math.min(nR, nc - jj);
            int d0 = jj * kc;
            for (int q = 0; q < nr; q++) {
                int s = (j0 + jj + q) * k + p0;
                for (int p = 0, d = d0 + q; p < kc; p++, d += nR) {
                    dst[d] = b[s + p];
                }
            }
            for (int q = nr; q < nR; q++) {
                for (int p = 0, d = d0 + q; p < kc; p++, d += nR) {
                    dst[d] = 0f;
                }
            }
        }
    }

    /**
     * Packs the partial group of rows {@code i0..i0+mr-1} of {@code A'[:, p0:p0+kc]} for a row-major
     * m x k A, row-major: {@code A'(i0+r, p0+p)} at {@code r*kc + p}, rows {@code mr..mR-1} zero.
     */
    private static void packAN(int mR, int k, int kc, int mr, float[] a, int p0, int i0, float[] dst) {
        for (int r = 0; r < mr; r++) {
            System.arraycopy(a, (i0 + r) * k + p0, dst, r * kc, kc);
        }
        java.util.Arrays.fill(dst, mr * kc, mR * kc, 0f);
    }

    /**
     * Packs the partial group of rows {@code i0..i0+mr-1} of {@code A'[:, p0:p0+kc]} for A stored transposed (k x m,
     * {@code A'(i, p) = a[p*m + i]}) step-major: {@code A'(i0+r, p0+p)} at {@code p*mR + r}, rows
     * {@code mr..mR-1} zero.
     */
    private static void packAT(int mR, int m, int kc, int mr, float[] a, int p0, int i0, float[] dst) {
        for (int p = 0, s = p0 * m + i0, d = 0; p < kc; p++, s += m, d += mR) {
            int r = 0;
            for (; r < mr; r++) {
                dst[d + r] = a[s + r];
            }
            for (; r < mR; r++) {
                dst[d + r] = 0f;
            }
        }
    }

    /**
     * {@code C = alpha * tile + beta * C} over an mr x nr corner of C (tile row stride {@code nR}) ({@code beta == 0}: C is
     * overwritten, so NaN in C does not propagate).
     */
    private static void mergeTile(int nR, int mr, int nr, float alpha, float[] tile, float beta, float[] c, int cOff, int ldc) {
        int nv = nr & -L;
        FloatVector bt = FloatVector.broadcast(S, beta);
        for (int r = 0; r < mr; r++) {
            int t = r * nR;
            int o = cOff + r * ldc;
            int q = 0;
            if (beta == 0f) {
                for (; q < nv; q += L) {
                    FloatVector.fromArray(S, tile, t + q).mul(alpha).intoArray(c, o + q);
                }
                for (; q < nr; q++) {
                    c[o + q] = alpha * tile[t + q];
                }
            } else {
                for (; q < nv; q += L) {
                    FloatVector.fromArray(S, c, o + q).fma(bt, FloatVector.fromArray(S, tile, t + q).mul(alpha))
                            .intoArray(c, o + q);
                }
                for (; q < nr; q++) {
                    c[o + q] = alpha * tile[t + q] + beta * c[o + q];
                }
            }
        }
    }

    /**
     * Checks an sgemm shape and completes the calls that need no product: an empty C, or
     * {@code k == 0 || alpha == 0} where {@code C = beta C}. Returns true when the call is done.
     * Shared by every backend (netlib's JNI also rejects empty operand arrays).
     */
    static boolean degenerateGemm(int m, int n, int k, float alpha, float beta, float[] c) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative shape m=" + m + ", n=" + n + ", k=" + k);
        }
        if (m == 0 || n == 0) {
            return true;
        }
        if (k == 0 || alpha == 0f) {
            scale(m * n, beta, c);
            return true;
        }
        return false;
    }

    /** {@code C = beta * C} ({@code beta == 0} writes zeros, so NaN in C does not propagate). */
    private static void scale(int len, float beta, float[] c) {
        if (beta == 1f) {
            return;
        }
        if (beta == 0f) {
            java.util.Arrays.fill(c, 0, len, 0f);
            return;
        }
        int i = 0;
        for (int e = S.loopBound(len); i < e; i += L) {
            FloatVector.fromArray(S, c, i).mul(beta).intoArray(c, i);
        }
        for (; i < len; i++) {
            c[i] *= beta;
        }
    }

}
