package org.minespark.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@code vector} backend: GEMM and glue hand-written on the Java Vector API
 * ({@code jdk.incubator.vector}, {@link FloatVector#SPECIES_PREFERRED}: 16 floats with AVX-512).
 *
 * <p><b>GEMM</b> (GotoBLAS/BLIS-style). Every general case is computed as
 * {@code C = alpha * A' * B' + beta * C} by one register-blocked micro-kernel, so the four
 * transpose cases share one hot method (compiled once). For each k block of depth {@value #KC}
 * (and column block of up to {@value #NC} columns) the panel of {@code B'} is packed once into
 * slivers of {@code NR = 4L} columns (64 with AVX-512), each stored step-major and contiguous, for
 * either layout of B (this replaces the separate transpose of B); the panel (256 KiB for the
 * critic's 256 x 256 layers) stays in L2. Then each group of {@value #MR} rows of {@code A'} is
 * swept across all slivers of the panel. The micro-kernel keeps a 6-row x 4-vector block of C in 24
 * of the 32 vector registers; each k step does 4 vector loads of B, 6 broadcasts of A and 24 FMAs.
 * A is read in place through a row and a step stride (its 6 x KC micro-panel, at most one cache line
 * per step, stays in L1 across the slivers): packing A as well measured ~10% slower here, since with
 * n = 256 each element of A is used by only 4 slivers. The last {@code m mod 6} rows are packed
 * zero-padded, and edge blocks (and {@code alpha != 1} or a general beta) go through a small tile
 * merged into C; full blocks with {@code alpha == 1, beta in {0, 1}} accumulate straight into C.
 * Measured 110-114 GFLOP/s on the critic's 1024 x 256 x 256 shapes on one Zen 4 core (FMA peak of a
 * Java loop there: 115).
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
    /** Rows of the micro-kernel's C block. */
    static final int MR = 6;
    /** Columns of the micro-kernel's C block: 4 vectors. */
    private static final int NR = 4 * L;
    /** Depth of a k block (the packed A micro-panel, MR x KC floats, is 6 KiB). */
    static final int KC = 256;
    /** Width of a column block: the packed B panel is at most KC x NC floats (512 KiB, in L2). */
    static final int NC = 512;

    private static final ThreadLocal<float[][]> WORKSPACE = ThreadLocal.withInitial(() -> new float[3][0]);

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
     * Thread-local scratch array number {@code slot} (0: packed B / GEMV, 1: packed A, 2: edge tile) of at least
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
        if (degenerateGemm(m, n, k, alpha, beta, c)) {
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
