package org.minespark.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@code vector} backend's matrix-vector products and rank-one updates: {@code sgemm} calls with
 * one column of B ({@code gemvN}, {@code gemvT}) or a depth of one ({@code outer}). Static.
 */
final class VectorGemv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorGemv() {
    }

    /** {@code c[i] = alpha * dot(A row i, b) + beta * c[i]} for row-major A (m x k). */
    static void gemvN(int m, int k, float alpha, float[] a, float[] b, float beta, float[] c) {
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
    static void gemvT(int m, int k, float alpha, float[] a, float[] b, float beta, float[] c) {
        float[] t = VectorGemm.workspace(0, m);
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
    static void outer(int m, int n, float alpha, float[] a, float[] b, float beta, float[] c) {
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

}
