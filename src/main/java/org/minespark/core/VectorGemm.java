package org.minespark.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@code vector} backend's general matrix product (see {@link VectorKernels} for the design):
 * packing of B panels and partial A row groups, the register-blocked micro-kernel, and the block
 * loops; products with one column or a depth of one go to {@link VectorGemv}. Static, with a
 * per-thread workspace.
 */
final class VectorGemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of the micro-kernel's C block. */
    static final int MR = 6;
    /** Columns of the micro-kernel's C block: 4 vectors. */
    private static final int NR = 4 * L;
    /** Depth of a k block (the packed A micro-panel, MR x KC floats, is 6 KiB). */
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


    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
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
        int ncMax = Math.min(n, NC);
        float[] bp = workspace(0, Math.min(k, KC) * roundUp(ncMax, NR));
        float[] ap = m % MR != 0 ? workspace(1, MR * Math.min(k, KC)) : null;
        float[] tile = workspace(2, MR * NR);
        for (int j0 = 0; j0 < n; j0 += NC) {
            int nc = Math.min(NC, n - j0);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                float bt = p0 == 0 ? beta : 1f;
                // alpha == 1 and beta in {0, 1}: full blocks accumulate straight into C
                boolean direct = alpha == 1f && (bt == 0f || bt == 1f);
                if (transB) {
                    packBT(k, kc, nc, b, p0, j0, bp);
                } else {
                    packBN(n, kc, nc, b, p0, j0, bp);
                }
                // A' is read in place (row stride ars, step stride acs); only a last partial
                // group of rows is packed, zero-padded to MR rows
                int ars = transA ? 1 : k;
                int acs = transA ? m : 1;
                for (int i0 = 0; i0 < m; i0 += MR) {
                    int mr = Math.min(MR, m - i0);
                    float[] aa = a;
                    int aOff = transA ? p0 * m + i0 : i0 * k + p0;
                    int rs = ars;
                    int cs = acs;
                    if (mr < MR) {
                        if (transA) {
                            packAT(m, kc, mr, a, p0, i0, ap);
                        } else {
                            packAN(k, kc, mr, a, p0, i0, ap);
                        }
                        aa = ap;
                        aOff = 0;
                        rs = 1;
                        cs = MR;
                    }
                    for (int jj = 0; jj < nc; jj += NR) {
                        int nr = Math.min(NR, nc - jj);
                        int bOff = jj * kc;
                        int cOff = i0 * n + j0 + jj;
                        if (direct && mr == MR && nr == NR) {
                            micro(kc, aa, aOff, rs, cs, bp, bOff, bt != 0f, c, cOff, n);
                        } else {
                            micro(kc, aa, aOff, rs, cs, bp, bOff, false, tile, 0, NR);
                            mergeTile(mr, nr, alpha, tile, bt, c, cOff, n);
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int q) {
        return (x + q - 1) / q * q;
    }

    /**
     * Packs {@code B'[p0:p0+kc, j0:j0+nc]} of a row-major k x n B into slivers of {@link #NR}
     * columns: sliver s holds {@code B'(p0+p, j0+s*NR+q)} at {@code s*NR*kc + p*NR + q}, zero-padded
     * to a whole sliver.
     */
    private static void packBN(int n, int kc, int nc, float[] b, int p0, int j0, float[] dst) {
        for (int jj = 0; jj < nc; jj += NR) {
            int nr = Math.min(NR, nc - jj);
            int d = jj * kc;
            int s = p0 * n + j0 + jj;
            if (nr == NR) {
                for (int p = 0; p < kc; p++, d += NR, s += n) {
                    for (int v = 0; v < NR; v += L) {
                        FloatVector.fromArray(S, b, s + v).intoArray(dst, d + v);
                    }
                }
            } else {
                for (int p = 0; p < kc; p++, d += NR, s += n) {
                    int q = 0;
                    for (; q < nr; q++) {
                        dst[d + q] = b[s + q];
                    }
                    for (; q < NR; q++) {
                        dst[d + q] = 0f;
                    }
                }
            }
        }
    }

    /** {@link #packBN} for B stored transposed (n x k): {@code B'(p, j) = b[j*k + p]}. */
    private static void packBT(int k, int kc, int nc, float[] b, int p0, int j0, float[] dst) {
        for (int jj = 0; jj < nc; jj += NR) {
            int nr = Math.min(NR, nc - jj);
            int d0 = jj * kc;
            for (int q = 0; q < nr; q++) {
                int s = (j0 + jj + q) * k + p0;
                for (int p = 0, d = d0 + q; p < kc; p++, d += NR) {
                    dst[d] = b[s + p];
                }
            }
            for (int q = nr; q < NR; q++) {
                for (int p = 0, d = d0 + q; p < kc; p++, d += NR) {
                    dst[d] = 0f;
                }
            }
        }
    }

    /**
     * Packs rows {@code i0..i0+mr-1} of {@code A'[:, p0:p0+kc]} for a row-major m x k A:
     * {@code A'(i0+r, p0+p)} at {@code p*MR + r}, rows {@code mr..MR-1} zero.
     */
    private static void packAN(int k, int kc, int mr, float[] a, int p0, int i0, float[] dst) {
        for (int r = 0; r < mr; r++) {
            int s = (i0 + r) * k + p0;
            for (int p = 0, d = r; p < kc; p++, d += MR) {
                dst[d] = a[s + p];
            }
        }
        for (int r = mr; r < MR; r++) {
            for (int p = 0, d = r; p < kc; p++, d += MR) {
                dst[d] = 0f;
            }
        }
    }

    /** {@link #packAN} for A stored transposed (k x m): {@code A'(i, p) = a[p*m + i]}. */
    private static void packAT(int m, int kc, int mr, float[] a, int p0, int i0, float[] dst) {
        int s = p0 * m + i0;
        if (mr == MR) {
            for (int p = 0, d = 0; p < kc; p++, d += MR, s += m) {
                dst[d + 0] = a[s + 0];
                dst[d + 1] = a[s + 1];
                dst[d + 2] = a[s + 2];
                dst[d + 3] = a[s + 3];
                dst[d + 4] = a[s + 4];
                dst[d + 5] = a[s + 5];
            }
        } else {
            for (int p = 0, d = 0; p < kc; p++, d += MR, s += m) {
                int r = 0;
                for (; r < mr; r++) {
                    dst[d + r] = a[s + r];
                }
                for (; r < MR; r++) {
                    dst[d + r] = 0f;
                }
            }
        }
    }

    /**
     * {@code C = alpha * tile + beta * C} over an mr x nr corner of C ({@code beta == 0}: C is
     * overwritten, so NaN in C does not propagate).
     */
    private static void mergeTile(int mr, int nr, float alpha, float[] tile, float beta, float[] c, int cOff, int ldc) {
        int nv = nr & -L;
        FloatVector bt = FloatVector.broadcast(S, beta);
        for (int r = 0; r < mr; r++) {
            int t = r * NR;
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
     * The one GEMM micro-kernel: a {@value #MR} x {@link #NR} block of C (24 accumulators of the 32
     * vector registers) from a packed A micro-panel ({@code ap}, MR floats per step) and a packed B
     * sliver ({@code bp} from {@code bOff}, NR floats per step): {@code C += A*B} when {@code load},
     * else {@code C = A*B}, for the MR x NR block of {@code c} at {@code cOff} (row stride {@code ldc}).
     */
    private static void micro(int kc, float[] a, int aOff, int ars, int acs, float[] bp, int bOff, boolean load, float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        if (load) {
            c00 = FloatVector.fromArray(S, c, cOff);
            c01 = FloatVector.fromArray(S, c, cOff + L);
            c02 = FloatVector.fromArray(S, c, cOff + 2 * L);
            c03 = FloatVector.fromArray(S, c, cOff + 3 * L);
            c10 = FloatVector.fromArray(S, c, cOff + ldc);
            c11 = FloatVector.fromArray(S, c, cOff + ldc + L);
            c12 = FloatVector.fromArray(S, c, cOff + ldc + 2 * L);
            c13 = FloatVector.fromArray(S, c, cOff + ldc + 3 * L);
            c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, cOff + 2 * ldc + L);
            c22 = FloatVector.fromArray(S, c, cOff + 2 * ldc + 2 * L);
            c23 = FloatVector.fromArray(S, c, cOff + 2 * ldc + 3 * L);
            c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, cOff + 3 * ldc + L);
            c32 = FloatVector.fromArray(S, c, cOff + 3 * ldc + 2 * L);
            c33 = FloatVector.fromArray(S, c, cOff + 3 * ldc + 3 * L);
            c40 = FloatVector.fromArray(S, c, cOff + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, cOff + 4 * ldc + L);
            c42 = FloatVector.fromArray(S, c, cOff + 4 * ldc + 2 * L);
            c43 = FloatVector.fromArray(S, c, cOff + 4 * ldc + 3 * L);
            c50 = FloatVector.fromArray(S, c, cOff + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, cOff + 5 * ldc + L);
            c52 = FloatVector.fromArray(S, c, cOff + 5 * ldc + 2 * L);
            c53 = FloatVector.fromArray(S, c, cOff + 5 * ldc + 3 * L);
        }
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * NR;
            int ao = aOff + p * acs;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bo + 3 * L);
            FloatVector x0 = FloatVector.broadcast(S, a[ao + 0]);
            c00 = b0.fma(x0, c00);
            c01 = b1.fma(x0, c01);
            c02 = b2.fma(x0, c02);
            c03 = b3.fma(x0, c03);
            x0 = FloatVector.broadcast(S, a[ao + 1 * ars]);
            c10 = b0.fma(x0, c10);
            c11 = b1.fma(x0, c11);
            c12 = b2.fma(x0, c12);
            c13 = b3.fma(x0, c13);
            x0 = FloatVector.broadcast(S, a[ao + 2 * ars]);
            c20 = b0.fma(x0, c20);
            c21 = b1.fma(x0, c21);
            c22 = b2.fma(x0, c22);
            c23 = b3.fma(x0, c23);
            x0 = FloatVector.broadcast(S, a[ao + 3 * ars]);
            c30 = b0.fma(x0, c30);
            c31 = b1.fma(x0, c31);
            c32 = b2.fma(x0, c32);
            c33 = b3.fma(x0, c33);
            x0 = FloatVector.broadcast(S, a[ao + 4 * ars]);
            c40 = b0.fma(x0, c40);
            c41 = b1.fma(x0, c41);
            c42 = b2.fma(x0, c42);
            c43 = b3.fma(x0, c43);
            x0 = FloatVector.broadcast(S, a[ao + 5 * ars]);
            c50 = b0.fma(x0, c50);
            c51 = b1.fma(x0, c51);
            c52 = b2.fma(x0, c52);
            c53 = b3.fma(x0, c53);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c02.intoArray(c, cOff + 2 * L);
        c03.intoArray(c, cOff + 3 * L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c12.intoArray(c, cOff + ldc + 2 * L);
        c13.intoArray(c, cOff + ldc + 3 * L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c22.intoArray(c, cOff + 2 * ldc + 2 * L);
        c23.intoArray(c, cOff + 2 * ldc + 3 * L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c32.intoArray(c, cOff + 3 * ldc + 2 * L);
        c33.intoArray(c, cOff + 3 * ldc + 3 * L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c42.intoArray(c, cOff + 4 * ldc + 2 * L);
        c43.intoArray(c, cOff + 4 * ldc + 3 * L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
        c52.intoArray(c, cOff + 5 * ldc + 2 * L);
        c53.intoArray(c, cOff + 5 * ldc + 3 * L);
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
