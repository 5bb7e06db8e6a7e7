package org.minespark.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@code vector} backend: GEMM and glue hand-written on the Java Vector API
 * ({@code jdk.incubator.vector}, {@link FloatVector#SPECIES_PREFERRED}: 16 floats with AVX-512).
 *
 * <p><b>GEMM.</b> Every general case is reduced to {@code C = alpha * A' * B' + beta * C} with
 * {@code B'} row-major k x n (for {@code transB} it is first transposed into a thread-local
 * workspace, an O(nk) copy against O(mnk) work) and {@code A'} addressed through a row and a
 * column stride; for {@code transA} each k block of A is packed so that the 4 scalars the
 * micro-kernel broadcasts at each step are adjacent and consecutive steps are contiguous. The micro-kernel keeps a 4-row x 4-vector block of C (16 accumulators, 64
 * columns with AVX-512) in registers; each step of the k loop does 4 vector loads of B, 4
 * broadcasts of A and 16 FMAs. The k dimension is cut into blocks of {@value #KC} so that the
 * B panel ({@code KC x 4L} floats, 32 KiB) stays in L1/L2 while all rows stream past it. Tails: rows
 * by a 1 x 4 kernel, whole vectors by 4 x 1 / 1 x 1 kernels, the last {@code n mod L} columns by a
 * scalar loop. Measured at 96% of this machine's FMA peak on 1024 x 256 x 256.
 *
 * <p>The degenerate shapes of the critic's output layer get their own paths: {@code n == 1}
 * (GEMV: a 4-row dot-product kernel, or for {@code transA} an axpy sweep over the rows of A) and
 * {@code k == 1} (an outer product).
 *
 * <p><b>Glue</b> (bias, ReLU, ReLU mask, column sums, Adam) is branch-free: {@code max},
 * compare-and-blend. Adam uses the same operation order as {@link ScalarKernels} (separate
 * multiply and add, true division and square root), so it agrees with it bit for bit.
 *
 * <p>Thread-safety: stateless apart from a {@link ThreadLocal} workspace, so one instance serves
 * any number of threads. No allocation per call once the workspace has grown to the largest
 * shape seen by a thread.
 */
final class VectorKernels implements Kernels {
    static final VectorKernels INSTANCE = new VectorKernels();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Depth of a k block: 128 x 64 floats of B = 32 KiB, an L1-sized panel (measured best of 128/256/512 here). */
    static final int KC = 128;

    private static final ThreadLocal<float[][]> WORKSPACE = ThreadLocal.withInitial(() -> new float[2][0]);

    private VectorKernels() {
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String describe() {
        return "vector: Java Vector API, " + S + " (" + (L * 32) + "-bit float lanes)";
    }

    /**
     * Thread-local scratch array number {@code slot} (0: op(B) / GEMV, 1: packed A) of at least
     * {@code len} floats, grown on demand, never shrunk.
     */
    private static float[] workspace(int slot, int len) {
        float[][] holder = WORKSPACE.get();
        float[] w = holder[slot];
        if (w.length < len) {
            w = new float[Math.max(len, w.length + (w.length >> 1))];
            holder[slot] = w;
        }
        return w;
    }

    // ------------------------------------------------------------------------------------ GEMM

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, float[] b, float beta, float[] c) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative shape m=" + m + ", n=" + n + ", k=" + k);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m * n, beta, c);
            return;
        }
        if (n == 1) {
            if (transA) {
                gemvT(m, k, alpha, a, b, beta, c);
            } else {
                gemvN(m, k, alpha, a, b, beta, c);
            }
            return;
        }
        if (k == 1) {
            outer(m, n, alpha, a, b, beta, c);
            return;
        }
        float[] bp = b;
        if (transB) {
            bp = workspace(0, k * n);
            transpose(n, k, b, bp);
        }
        int ars = transA ? 1 : k;
        int acs = transA ? m : 1;
        float[] ap = transA && m >= 4 ? workspace(1, (m & ~3) * Math.min(k, KC)) : null;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            if (ap != null) {
                packTransposedA(m, kc, a, p0 * m, ap);
            }
            gemmBlock(m, n, kc, alpha, a, p0 * acs, ars, acs, ap, bp, p0 * n, p0 == 0 ? beta : 1f, c);
        }
    }

    /**
     * Packs a k block of a transposed A (stored kc x m from {@code off}, row stride m) for the
     * 4-row kernel: block {@code ib} holds {@code A'(4ib + r, p)} at {@code ib*4*kc + 4p + r}, so
     * that the kernel reads A sequentially instead of one cache line per step (row stride m).
     */
    private static void packTransposedA(int m, int kc, float[] a, int off, float[] dst) {
        int mb = m & ~3;
        for (int p = 0; p < kc; p++) {
            int src = off + p * m;
            int d = 4 * p;
            for (int i = 0; i < mb; i += 4, d += 4 * kc) {
                dst[d] = a[src + i];
                dst[d + 1] = a[src + i + 1];
                dst[d + 2] = a[src + i + 2];
                dst[d + 3] = a[src + i + 3];
            }
        }
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

    /** Row-major {@code src} (rows x cols) into {@code dst} (cols x rows), in 16 x 16 tiles. */
    static void transpose(int rows, int cols, float[] src, float[] dst) {
        final int t = 16;
        for (int r0 = 0; r0 < rows; r0 += t) {
            int r1 = Math.min(rows, r0 + t);
            for (int c0 = 0; c0 < cols; c0 += t) {
                int c1 = Math.min(cols, c0 + t);
                for (int r = r0; r < r1; r++) {
                    int s = r * cols;
                    for (int q = c0; q < c1; q++) {
                        dst[q * rows + r] = src[s + q];
                    }
                }
            }
        }
    }

    /**
     * One k block: {@code C = alpha * A'[:, p0:p0+kc] * B'[p0:p0+kc, :] + beta * C}, with
     * {@code A'(i, p)} at {@code a[aOff + i*ars + p*acs]} and {@code B'(p, j)} at
     * {@code b[bOff + p*n + j]}.
     */
    private static void gemmBlock(int m, int n, int kc, float alpha, float[] a, int aOff, int ars, int acs,
                                  float[] packedA, float[] b, int bOff, float beta, float[] c) {
        final int w = 4 * L;
        int j = 0;
        for (; j + w <= n; j += w) {
            int i = 0;
            if (packedA != null) {
                for (; i + 4 <= m; i += 4) {
                    k4x4T(kc, alpha, packedA, i * kc, 4, b, bOff + j, n, beta, c, i * n + j);
                }
            } else if (acs == 1) {
                for (; i + 4 <= m; i += 4) {
                    k4x4N(kc, alpha, a, aOff + i * ars, ars, b, bOff + j, n, beta, c, i * n + j);
                }
            } else if (ars == 1) {
                for (; i + 4 <= m; i += 4) {
                    k4x4T(kc, alpha, a, aOff + i, acs, b, bOff + j, n, beta, c, i * n + j);
                }
            } else {
                for (; i + 4 <= m; i += 4) {
                    k4x4(kc, alpha, a, aOff + i * ars, ars, acs, b, bOff + j, n, beta, c, i * n + j);
                }
            }
            for (; i < m; i++) {
                k1x4(kc, alpha, a, aOff + i * ars, acs, b, bOff + j, n, beta, c, i * n + j);
            }
        }
        for (; j + L <= n; j += L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                k4x1(kc, alpha, a, aOff + i * ars, ars, acs, b, bOff + j, n, beta, c, i * n + j);
            }
            for (; i < m; i++) {
                k1x1(kc, alpha, a, aOff + i * ars, acs, b, bOff + j, n, beta, c, i * n + j);
            }
        }
        if (j < n) {
            scalarTail(m, n, j, kc, alpha, a, aOff, ars, acs, b, bOff, beta, c);
        }
    }

    /** {@link #k4x4} for row-major A (column stride 1): the rows of A are read sequentially. */
    private static void k4x4N(int kc, float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float beta, float[] c, int cOff) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        int a0 = aOff;
        int a1 = aOff + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
        }
        // epilogue written out: a helper taking vectors would box them if not inlined
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, cOff);
            c01.mul(alpha).intoArray(c, cOff + L);
            c02.mul(alpha).intoArray(c, cOff + 2 * L);
            c03.mul(alpha).intoArray(c, cOff + 3 * L);
            c10.mul(alpha).intoArray(c, cOff + 1 * ldb);
            c11.mul(alpha).intoArray(c, cOff + 1 * ldb + L);
            c12.mul(alpha).intoArray(c, cOff + 1 * ldb + 2 * L);
            c13.mul(alpha).intoArray(c, cOff + 1 * ldb + 3 * L);
            c20.mul(alpha).intoArray(c, cOff + 2 * ldb);
            c21.mul(alpha).intoArray(c, cOff + 2 * ldb + L);
            c22.mul(alpha).intoArray(c, cOff + 2 * ldb + 2 * L);
            c23.mul(alpha).intoArray(c, cOff + 2 * ldb + 3 * L);
            c30.mul(alpha).intoArray(c, cOff + 3 * ldb);
            c31.mul(alpha).intoArray(c, cOff + 3 * ldb + L);
            c32.mul(alpha).intoArray(c, cOff + 3 * ldb + 2 * L);
            c33.mul(alpha).intoArray(c, cOff + 3 * ldb + 3 * L);
        } else {
            FloatVector bt = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, cOff).fma(bt, c00.mul(alpha)).intoArray(c, cOff);
            FloatVector.fromArray(S, c, cOff + L).fma(bt, c01.mul(alpha)).intoArray(c, cOff + L);
            FloatVector.fromArray(S, c, cOff + 2 * L).fma(bt, c02.mul(alpha)).intoArray(c, cOff + 2 * L);
            FloatVector.fromArray(S, c, cOff + 3 * L).fma(bt, c03.mul(alpha)).intoArray(c, cOff + 3 * L);
            FloatVector.fromArray(S, c, cOff + 1 * ldb).fma(bt, c10.mul(alpha)).intoArray(c, cOff + 1 * ldb);
            FloatVector.fromArray(S, c, cOff + 1 * ldb + L).fma(bt, c11.mul(alpha)).intoArray(c, cOff + 1 * ldb + L);
            FloatVector.fromArray(S, c, cOff + 1 * ldb + 2 * L).fma(bt, c12.mul(alpha)).intoArray(c, cOff + 1 * ldb + 2 * L);
            FloatVector.fromArray(S, c, cOff + 1 * ldb + 3 * L).fma(bt, c13.mul(alpha)).intoArray(c, cOff + 1 * ldb + 3 * L);
            FloatVector.fromArray(S, c, cOff + 2 * ldb).fma(bt, c20.mul(alpha)).intoArray(c, cOff + 2 * ldb);
            FloatVector.fromArray(S, c, cOff + 2 * ldb + L).fma(bt, c21.mul(alpha)).intoArray(c, cOff + 2 * ldb + L);
            FloatVector.fromArray(S, c, cOff + 2 * ldb + 2 * L).fma(bt, c22.mul(alpha)).intoArray(c, cOff + 2 * ldb + 2 * L);
            FloatVector.fromArray(S, c, cOff + 2 * ldb + 3 * L).fma(bt, c23.mul(alpha)).intoArray(c, cOff + 2 * ldb + 3 * L);
            FloatVector.fromArray(S, c, cOff + 3 * ldb).fma(bt, c30.mul(alpha)).intoArray(c, cOff + 3 * ldb);
            FloatVector.fromArray(S, c, cOff + 3 * ldb + L).fma(bt, c31.mul(alpha)).intoArray(c, cOff + 3 * ldb + L);
            FloatVector.fromArray(S, c, cOff + 3 * ldb + 2 * L).fma(bt, c32.mul(alpha)).intoArray(c, cOff + 3 * ldb + 2 * L);
            FloatVector.fromArray(S, c, cOff + 3 * ldb + 3 * L).fma(bt, c33.mul(alpha)).intoArray(c, cOff + 3 * ldb + 3 * L);
        }
    }

    /** {@link #k4x4} for transposed A (row stride 1): the 4 scalars of a step are adjacent. */
    private static void k4x4T(int kc, float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float beta, float[] c, int cOff) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * ldb;
            int ap = aOff + p * lda;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[ap + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[ap + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[ap + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
        }
        // epilogue written out: a helper taking vectors would box them if not inlined
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, cOff);
            c01.mul(alpha).intoArray(c, cOff + L);
            c02.mul(alpha).intoArray(c, cOff + 2 * L);
            c03.mul(alpha).intoArray(c, cOff + 3 * L);
            c10.mul(alpha).intoArray(c, cOff + 1 * ldb);
            c11.mul(alpha).intoArray(c, cOff + 1 * ldb + L);
            c12.mul(alpha).intoArray(c, cOff + 1 * ldb + 2 * L);
            c13.mul(alpha).intoArray(c, cOff + 1 * ldb + 3 * L);
            c20.mul(alpha).intoArray(c, cOff + 2 * ldb);
            c21.mul(alpha).intoArray(c, cOff + 2 * ldb + L);
            c22.mul(alpha).intoArray(c, cOff + 2 * ldb + 2 * L);
            c23.mul(alpha).intoArray(c, cOff + 2 * ldb + 3 * L);
            c30.mul(alpha).intoArray(c, cOff + 3 * ldb);
            c31.mul(alpha).intoArray(c, cOff + 3 * ldb + L);
            c32.mul(alpha).intoArray(c, cOff + 3 * ldb + 2 * L);
            c33.mul(alpha).intoArray(c, cOff + 3 * ldb + 3 * L);
        } else {
            FloatVector bt = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, cOff).fma(bt, c00.mul(alpha)).intoArray(c, cOff);
            FloatVector.fromArray(S, c, cOff + L).fma(bt, c01.mul(alpha)).intoArray(c, cOff + L);
            FloatVector.fromArray(S, c, cOff + 2 * L).fma(bt, c02.mul(alpha)).intoArray(c, cOff + 2 * L);
            FloatVector.fromArray(S, c, cOff + 3 * L).fma(bt, c03.mul(alpha)).intoArray(c, cOff + 3 * L);
            FloatVector.fromArray(S, c, cOff + 1 * ldb).fma(bt, c10.mul(alpha)).intoArray(c, cOff + 1 * ldb);
            FloatVector.fromArray(S, c, cOff + 1 * ldb + L).fma(bt, c11.mul(alpha)).intoArray(c, cOff + 1 * ldb + L);
            FloatVector.fromArray(S, c, cOff + 1 * ldb + 2 * L).fma(bt, c12.mul(alpha)).intoArray(c, cOff + 1 * ldb + 2 * L);
            FloatVector.fromArray(S, c, cOff + 1 * ldb + 3 * L).fma(bt, c13.mul(alpha)).intoArray(c, cOff + 1 * ldb + 3 * L);
            FloatVector.fromArray(S, c, cOff + 2 * ldb).fma(bt, c20.mul(alpha)).intoArray(c, cOff + 2 * ldb);
            FloatVector.fromArray(S, c, cOff + 2 * ldb + L).fma(bt, c21.mul(alpha)).intoArray(c, cOff + 2 * ldb + L);
            FloatVector.fromArray(S, c, cOff + 2 * ldb + 2 * L).fma(bt, c22.mul(alpha)).intoArray(c, cOff + 2 * ldb + 2 * L);
            FloatVector.fromArray(S, c, cOff + 2 * ldb + 3 * L).fma(bt, c23.mul(alpha)).intoArray(c, cOff + 2 * ldb + 3 * L);
            FloatVector.fromArray(S, c, cOff + 3 * ldb).fma(bt, c30.mul(alpha)).intoArray(c, cOff + 3 * ldb);
            FloatVector.fromArray(S, c, cOff + 3 * ldb + L).fma(bt, c31.mul(alpha)).intoArray(c, cOff + 3 * ldb + L);
            FloatVector.fromArray(S, c, cOff + 3 * ldb + 2 * L).fma(bt, c32.mul(alpha)).intoArray(c, cOff + 3 * ldb + 2 * L);
            FloatVector.fromArray(S, c, cOff + 3 * ldb + 3 * L).fma(bt, c33.mul(alpha)).intoArray(c, cOff + 3 * ldb + 3 * L);
        }
    }

    private static void k4x4(int kc, float alpha, float[] a, int aOff, int ars, int acs,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        int a0 = aOff;
        int a1 = aOff + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        int bo = bOff;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
            a0 += acs;
            a1 += acs;
            a2 += acs;
            a3 += acs;
            bo += ldb;
        }
        // epilogue written out: a helper taking vectors would box them if not inlined
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, cOff);
            c01.mul(alpha).intoArray(c, cOff + L);
            c02.mul(alpha).intoArray(c, cOff + 2 * L);
            c03.mul(alpha).intoArray(c, cOff + 3 * L);
            c10.mul(alpha).intoArray(c, cOff + 1 * ldb);
            c11.mul(alpha).intoArray(c, cOff + 1 * ldb + L);
            c12.mul(alpha).intoArray(c, cOff + 1 * ldb + 2 * L);
            c13.mul(alpha).intoArray(c, cOff + 1 * ldb + 3 * L);
            c20.mul(alpha).intoArray(c, cOff + 2 * ldb);
            c21.mul(alpha).intoArray(c, cOff + 2 * ldb + L);
            c22.mul(alpha).intoArray(c, cOff + 2 * ldb + 2 * L);
            c23.mul(alpha).intoArray(c, cOff + 2 * ldb + 3 * L);
            c30.mul(alpha).intoArray(c, cOff + 3 * ldb);
            c31.mul(alpha).intoArray(c, cOff + 3 * ldb + L);
            c32.mul(alpha).intoArray(c, cOff + 3 * ldb + 2 * L);
            c33.mul(alpha).intoArray(c, cOff + 3 * ldb + 3 * L);
        } else {
            FloatVector bt = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, cOff).fma(bt, c00.mul(alpha)).intoArray(c, cOff);
            FloatVector.fromArray(S, c, cOff + L).fma(bt, c01.mul(alpha)).intoArray(c, cOff + L);
            FloatVector.fromArray(S, c, cOff + 2 * L).fma(bt, c02.mul(alpha)).intoArray(c, cOff + 2 * L);
            FloatVector.fromArray(S, c, cOff + 3 * L).fma(bt, c03.mul(alpha)).intoArray(c, cOff + 3 * L);
            FloatVector.fromArray(S, c, cOff + 1 * ldb).fma(bt, c10.mul(alpha)).intoArray(c, cOff + 1 * ldb);
            FloatVector.fromArray(S, c, cOff + 1 * ldb + L).fma(bt, c11.mul(alpha)).intoArray(c, cOff + 1 * ldb + L);
            FloatVector.fromArray(S, c, cOff + 1 * ldb + 2 * L).fma(bt, c12.mul(alpha)).intoArray(c, cOff + 1 * ldb + 2 * L);
            FloatVector.fromArray(S, c, cOff + 1 * ldb + 3 * L).fma(bt, c13.mul(alpha)).intoArray(c, cOff + 1 * ldb + 3 * L);
            FloatVector.fromArray(S, c, cOff + 2 * ldb).fma(bt, c20.mul(alpha)).intoArray(c, cOff + 2 * ldb);
            FloatVector.fromArray(S, c, cOff + 2 * ldb + L).fma(bt, c21.mul(alpha)).intoArray(c, cOff + 2 * ldb + L);
            FloatVector.fromArray(S, c, cOff + 2 * ldb + 2 * L).fma(bt, c22.mul(alpha)).intoArray(c, cOff + 2 * ldb + 2 * L);
            FloatVector.fromArray(S, c, cOff + 2 * ldb + 3 * L).fma(bt, c23.mul(alpha)).intoArray(c, cOff + 2 * ldb + 3 * L);
            FloatVector.fromArray(S, c, cOff + 3 * ldb).fma(bt, c30.mul(alpha)).intoArray(c, cOff + 3 * ldb);
            FloatVector.fromArray(S, c, cOff + 3 * ldb + L).fma(bt, c31.mul(alpha)).intoArray(c, cOff + 3 * ldb + L);
            FloatVector.fromArray(S, c, cOff + 3 * ldb + 2 * L).fma(bt, c32.mul(alpha)).intoArray(c, cOff + 3 * ldb + 2 * L);
            FloatVector.fromArray(S, c, cOff + 3 * ldb + 3 * L).fma(bt, c33.mul(alpha)).intoArray(c, cOff + 3 * ldb + 3 * L);
        }
    }

    private static void k1x4(int kc, float alpha, float[] a, int aOff, int acs,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        int ap = aOff;
        int bo = bOff;
        for (int p = 0; p < kc; p++) {
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c0 = FloatVector.fromArray(S, b, bo).fma(x, c0);
            c1 = FloatVector.fromArray(S, b, bo + L).fma(x, c1);
            c2 = FloatVector.fromArray(S, b, bo + 2 * L).fma(x, c2);
            c3 = FloatVector.fromArray(S, b, bo + 3 * L).fma(x, c3);
            ap += acs;
            bo += ldb;
        }
        // epilogue written out: a helper taking vectors would box them if not inlined
        if (beta == 0f) {
            c0.mul(alpha).intoArray(c, cOff);
            c1.mul(alpha).intoArray(c, cOff + L);
            c2.mul(alpha).intoArray(c, cOff + 2 * L);
            c3.mul(alpha).intoArray(c, cOff + 3 * L);
        } else {
            FloatVector bt = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, cOff).fma(bt, c0.mul(alpha)).intoArray(c, cOff);
            FloatVector.fromArray(S, c, cOff + L).fma(bt, c1.mul(alpha)).intoArray(c, cOff + L);
            FloatVector.fromArray(S, c, cOff + 2 * L).fma(bt, c2.mul(alpha)).intoArray(c, cOff + 2 * L);
            FloatVector.fromArray(S, c, cOff + 3 * L).fma(bt, c3.mul(alpha)).intoArray(c, cOff + 3 * L);
        }
    }

    /** 4 rows x 1 vector. */
    private static void k4x1(int kc, float alpha, float[] a, int aOff, int ars, int acs,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        int a0 = aOff;
        int bo = bOff;
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bo);
            c0 = bv.fma(FloatVector.broadcast(S, a[a0]), c0);
            c1 = bv.fma(FloatVector.broadcast(S, a[a0 + ars]), c1);
            c2 = bv.fma(FloatVector.broadcast(S, a[a0 + 2 * ars]), c2);
            c3 = bv.fma(FloatVector.broadcast(S, a[a0 + 3 * ars]), c3);
            a0 += acs;
            bo += ldb;
        }
        // epilogue written out: a helper taking vectors would box them if not inlined
        if (beta == 0f) {
            c0.mul(alpha).intoArray(c, cOff);
            c1.mul(alpha).intoArray(c, cOff + ldb);
            c2.mul(alpha).intoArray(c, cOff + 2 * ldb);
            c3.mul(alpha).intoArray(c, cOff + 3 * ldb);
        } else {
            FloatVector bt = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, cOff).fma(bt, c0.mul(alpha)).intoArray(c, cOff);
            FloatVector.fromArray(S, c, cOff + ldb).fma(bt, c1.mul(alpha)).intoArray(c, cOff + ldb);
            FloatVector.fromArray(S, c, cOff + 2 * ldb).fma(bt, c2.mul(alpha)).intoArray(c, cOff + 2 * ldb);
            FloatVector.fromArray(S, c, cOff + 3 * ldb).fma(bt, c3.mul(alpha)).intoArray(c, cOff + 3 * ldb);
        }
    }

    /** 1 row x 1 vector. */
    private static void k1x1(int kc, float alpha, float[] a, int aOff, int acs,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff) {
        FloatVector c0 = FloatVector.zero(S);
        int ap = aOff;
        int bo = bOff;
        for (int p = 0; p < kc; p++) {
            c0 = FloatVector.fromArray(S, b, bo).fma(FloatVector.broadcast(S, a[ap]), c0);
            ap += acs;
            bo += ldb;
        }
        // epilogue written out: a helper taking vectors would box them if not inlined
        if (beta == 0f) {
            c0.mul(alpha).intoArray(c, cOff);
        } else {
            FloatVector bt = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, cOff).fma(bt, c0.mul(alpha)).intoArray(c, cOff);
        }
    }

    /** Columns {@code j0..n-1} (fewer than one vector) by scalar dot products. */
    private static void scalarTail(int m, int n, int j0, int kc, float alpha, float[] a, int aOff, int ars, int acs,
                                   float[] b, int bOff, float beta, float[] c) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * ars;
            for (int j = j0; j < n; j++) {
                float s = 0f;
                int ap = ai;
                int bo = bOff + j;
                for (int p = 0; p < kc; p++) {
                    s += a[ap] * b[bo];
                    ap += acs;
                    bo += n;
                }
                int o = i * n + j;
                c[o] = beta == 0f ? alpha * s : alpha * s + beta * c[o];
            }
        }
    }

    /** {@code c[i] = alpha * dot(A row i, b) + beta * c[i]} for row-major A (m x k). */
    private static void gemvN(int m, int k, float alpha, float[] a, float[] b, float beta, float[] c) {
        int kv = S.loopBound(k);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int r0 = i * k;
            int r1 = r0 + k;
            int r2 = r1 + k;
            int r3 = r2 + k;
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            int p = 0;
            for (; p < kv; p += L) {
                FloatVector bv = FloatVector.fromArray(S, b, p);
                s0 = FloatVector.fromArray(S, a, r0 + p).fma(bv, s0);
                s1 = FloatVector.fromArray(S, a, r1 + p).fma(bv, s1);
                s2 = FloatVector.fromArray(S, a, r2 + p).fma(bv, s2);
                s3 = FloatVector.fromArray(S, a, r3 + p).fma(bv, s3);
            }
            float t0 = sumLanes(s0);
            float t1 = sumLanes(s1);
            float t2 = sumLanes(s2);
            float t3 = sumLanes(s3);
            for (; p < k; p++) {
                float bp = b[p];
                t0 += a[r0 + p] * bp;
                t1 += a[r1 + p] * bp;
                t2 += a[r2 + p] * bp;
                t3 += a[r3 + p] * bp;
            }
            c[i] = axpby(alpha, t0, beta, c[i]);
            c[i + 1] = axpby(alpha, t1, beta, c[i + 1]);
            c[i + 2] = axpby(alpha, t2, beta, c[i + 2]);
            c[i + 3] = axpby(alpha, t3, beta, c[i + 3]);
        }
        for (; i < m; i++) {
            int r0 = i * k;
            FloatVector s0 = FloatVector.zero(S);
            int p = 0;
            for (; p < kv; p += L) {
                s0 = FloatVector.fromArray(S, a, r0 + p).fma(FloatVector.fromArray(S, b, p), s0);
            }
            float t0 = sumLanes(s0);
            for (; p < k; p++) {
                t0 += a[r0 + p] * b[p];
            }
            c[i] = axpby(alpha, t0, beta, c[i]);
        }
    }

    /**
     * Sum of the lanes in lane order. {@code reduceLanes(ADD)} leaves the order unspecified, and
     * the C2 intrinsic and the interpreter's fallback may associate differently, which would make
     * results depend on JIT state (and differ between executor JVMs for the same seed).
     */
    static float sumLanes(FloatVector v) {
        float t = 0f;
        for (int i = 0; i < L; i++) {
            t += v.lane(i);
        }
        return t;
    }

    private static float axpby(float alpha, float x, float beta, float y) {
        return beta == 0f ? alpha * x : alpha * x + beta * y;
    }

    /**
     * {@code c = alpha * A^T b + beta * c} for row-major A (k x m): an axpy sweep over the rows of
     * A into a thread-local accumulator, four rows of A per pass over it.
     */
    private static void gemvT(int m, int k, float alpha, float[] a, float[] b, float beta, float[] c) {
        float[] t = workspace(0, m);
        java.util.Arrays.fill(t, 0, m, 0f);
        int mv = S.loopBound(m);
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            FloatVector x0 = FloatVector.broadcast(S, b[p]);
            FloatVector x1 = FloatVector.broadcast(S, b[p + 1]);
            FloatVector x2 = FloatVector.broadcast(S, b[p + 2]);
            FloatVector x3 = FloatVector.broadcast(S, b[p + 3]);
            int r0 = p * m;
            int r1 = r0 + m;
            int r2 = r1 + m;
            int r3 = r2 + m;
            int i = 0;
            for (; i < mv; i += L) {
                FloatVector s = FloatVector.fromArray(S, t, i);
                s = FloatVector.fromArray(S, a, r0 + i).fma(x0, s);
                s = FloatVector.fromArray(S, a, r1 + i).fma(x1, s);
                s = FloatVector.fromArray(S, a, r2 + i).fma(x2, s);
                s = FloatVector.fromArray(S, a, r3 + i).fma(x3, s);
                s.intoArray(t, i);
            }
            for (; i < m; i++) {
                t[i] += a[r0 + i] * b[p] + a[r1 + i] * b[p + 1] + a[r2 + i] * b[p + 2] + a[r3 + i] * b[p + 3];
            }
        }
        for (; p < k; p++) {
            FloatVector x0 = FloatVector.broadcast(S, b[p]);
            int r0 = p * m;
            int i = 0;
            for (; i < mv; i += L) {
                FloatVector.fromArray(S, a, r0 + i).fma(x0, FloatVector.fromArray(S, t, i)).intoArray(t, i);
            }
            for (; i < m; i++) {
                t[i] += a[r0 + i] * b[p];
            }
        }
        int i = 0;
        if (beta == 0f) {
            for (; i < mv; i += L) {
                FloatVector.fromArray(S, t, i).mul(alpha).intoArray(c, i);
            }
        } else {
            FloatVector bt = FloatVector.broadcast(S, beta);
            for (; i < mv; i += L) {
                FloatVector.fromArray(S, c, i).fma(bt, FloatVector.fromArray(S, t, i).mul(alpha)).intoArray(c, i);
            }
        }
        for (; i < m; i++) {
            c[i] = axpby(alpha, t[i], beta, c[i]);
        }
    }

    /** {@code C = alpha * a b^T + beta * C} (k == 1: a has m entries, b has n). */
    private static void outer(int m, int n, float alpha, float[] a, float[] b, float beta, float[] c) {
        int nv = S.loopBound(n);
        for (int i = 0; i < m; i++) {
            float s = alpha * a[i];
            FloatVector sv = FloatVector.broadcast(S, s);
            int o = i * n;
            int j = 0;
            if (beta == 0f) {
                for (; j < nv; j += L) {
                    FloatVector.fromArray(S, b, j).mul(sv).intoArray(c, o + j);
                }
                for (; j < n; j++) {
                    c[o + j] = s * b[j];
                }
            } else {
                FloatVector bt = FloatVector.broadcast(S, beta);
                for (; j < nv; j += L) {
                    FloatVector.fromArray(S, c, o + j).fma(bt, FloatVector.fromArray(S, b, j).mul(sv))
                            .intoArray(c, o + j);
                }
                for (; j < n; j++) {
                    c[o + j] = s * b[j] + beta * c[o + j];
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------ glue

    @Override
    public void addBiasRelu(int rows, int cols, float[] z, float[] bias, float[] h) {
        glueAddBiasRelu(rows, cols, z, bias, h);
    }

    @Override
    public void addBias(int rows, int cols, float[] z, float[] bias) {
        glueAddBias(rows, cols, z, bias);
    }

    @Override
    public void reluBackward(int len, float[] z, float[] d) {
        glueReluBackward(len, z, d);
    }

    @Override
    public void addColumnSums(int rows, int cols, float[] d, float[] out) {
        glueAddColumnSums(rows, cols, d, out);
    }

    @Override
    public void adam(int len, float[] params, float[] grad, float[] m, float[] v,
                     float lr, float beta1, float beta2, float eps, float biasCorr1, float biasCorr2) {
        glueAdam(len, params, grad, m, v, lr, beta1, beta2, eps, biasCorr1, biasCorr2);
    }

    /** Vectorised {@link Kernels#addBiasRelu}; shared with {@link NativeBlasKernels}. */
    static void glueAddBiasRelu(int rows, int cols, float[] z, float[] bias, float[] h) {
        int cv = S.loopBound(cols);
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int j = 0;
            for (; j < cv; j += L) {
                FloatVector v = FloatVector.fromArray(S, z, o + j).add(FloatVector.fromArray(S, bias, j));
                v.intoArray(z, o + j);
                v.max(zero).intoArray(h, o + j);
            }
            for (; j < cols; j++) {
                float v = z[o + j] + bias[j];
                z[o + j] = v;
                h[o + j] = Math.max(v, 0f);
            }
        }
    }

    /** Vectorised {@link Kernels#addBias}; a single column (the critic's output) is one vector sweep. */
    static void glueAddBias(int rows, int cols, float[] z, float[] bias) {
        if (cols == 1) {
            int len = rows;
            float b0 = bias[0];
            FloatVector bv = FloatVector.broadcast(S, b0);
            int i = 0;
            for (int e = S.loopBound(len); i < e; i += L) {
                FloatVector.fromArray(S, z, i).add(bv).intoArray(z, i);
            }
            for (; i < len; i++) {
                z[i] += b0;
            }
            return;
        }
        int cv = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int j = 0;
            for (; j < cv; j += L) {
                FloatVector.fromArray(S, z, o + j).add(FloatVector.fromArray(S, bias, j)).intoArray(z, o + j);
            }
            for (; j < cols; j++) {
                z[o + j] += bias[j];
            }
        }
    }

    /** Vectorised {@link Kernels#reluBackward}: compare and blend, no branch. */
    static void glueReluBackward(int len, float[] z, float[] d) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int e = S.loopBound(len); i < e; i += L) {
            VectorMask<Float> live = FloatVector.fromArray(S, z, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, d, i), live).intoArray(d, i);
        }
        for (; i < len; i++) {
            d[i] = z[i] > 0f ? d[i] : 0f;
        }
    }

    /**
     * Vectorised {@link Kernels#addColumnSums}: column strips of up to 4 vectors are summed over
     * all rows in registers, then added to {@code out}.
     */
    static void glueAddColumnSums(int rows, int cols, float[] d, float[] out) {
        if (cols == 1) {
            FloatVector s = FloatVector.zero(S);
            int i = 0;
            for (int e = S.loopBound(rows); i < e; i += L) {
                s = s.add(FloatVector.fromArray(S, d, i));
            }
            float t = sumLanes(s);
            for (; i < rows; i++) {
                t += d[i];
            }
            out[0] += t;
            return;
        }
        int j = 0;
        for (; j + 4 * L <= cols; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            int o = j;
            for (int r = 0; r < rows; r++, o += cols) {
                s0 = s0.add(FloatVector.fromArray(S, d, o));
                s1 = s1.add(FloatVector.fromArray(S, d, o + L));
                s2 = s2.add(FloatVector.fromArray(S, d, o + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, d, o + 3 * L));
            }
            FloatVector.fromArray(S, out, j).add(s0).intoArray(out, j);
            FloatVector.fromArray(S, out, j + L).add(s1).intoArray(out, j + L);
            FloatVector.fromArray(S, out, j + 2 * L).add(s2).intoArray(out, j + 2 * L);
            FloatVector.fromArray(S, out, j + 3 * L).add(s3).intoArray(out, j + 3 * L);
        }
        for (; j + L <= cols; j += L) {
            FloatVector s0 = FloatVector.zero(S);
            int o = j;
            for (int r = 0; r < rows; r++, o += cols) {
                s0 = s0.add(FloatVector.fromArray(S, d, o));
            }
            FloatVector.fromArray(S, out, j).add(s0).intoArray(out, j);
        }
        for (; j < cols; j++) {
            float s = 0f;
            for (int r = 0, o = j; r < rows; r++, o += cols) {
                s += d[o];
            }
            out[j] += s;
        }
    }

    /** Vectorised {@link Kernels#adam}, same operation order as the scalar reference. */
    static void glueAdam(int len, float[] params, float[] grad, float[] m, float[] v,
                         float lr, float beta1, float beta2, float eps, float biasCorr1, float biasCorr2) {
        float c1 = 1f - beta1;
        float c2 = 1f - beta2;
        int i = 0;
        for (int e = S.loopBound(len); i < e; i += L) {
            FloatVector g = FloatVector.fromArray(S, grad, i);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(beta1).add(g.mul(c1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(beta2).add(g.mul(c2).mul(g));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector mHat = mi.div(biasCorr1);
            FloatVector vHat = vi.div(biasCorr2);
            FloatVector step = mHat.mul(lr).div(vHat.sqrt().add(eps));
            FloatVector.fromArray(S, params, i).sub(step).intoArray(params, i);
        }
        for (; i < len; i++) {
            float g = grad[i];
            float mi = beta1 * m[i] + c1 * g;
            float vi = beta2 * v[i] + c2 * g * g;
            m[i] = mi;
            v[i] = vi;
            float mHat = mi / biasCorr1;
            float vHat = vi / biasCorr2;
            params[i] -= lr * mHat / ((float) Math.sqrt(vHat) + eps);
        }
    }
}
