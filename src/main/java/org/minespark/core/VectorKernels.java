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
 * transpose cases share one hot method (compiled once). For each k block of depth {@value VectorGemm#KC}
 * (and column block of up to {@value VectorGemm#NC} columns) the panel of {@code B'} is packed once into
 * slivers of {@code NR} columns, each stored step-major and contiguous, for either layout of B (this
 * replaces the separate transpose of B); the panel (256 KiB for the critic's 256 x 256 layers) stays
 * in L2. Then each group of {@code MR} rows of {@code A'} is swept across all slivers of the panel.
 * The micro-kernel keeps an {@code MR} x {@code NR} block of C in registers; its shape is chosen
 * from the CPU's vector register file ({@link MicroShape}): 6 rows x 4 vectors (24 of 32 registers)
 * with AVX-512 or on aarch64, 6 rows x 2 vectors (12 accumulators, 15 registers in all) on x86
 * with 16 (AVX2), where 6 x 4 spills on every k step. A is read in place, row-major A with a unit
 * step and a row stride, transposed A with a step stride (its micro-panel, at most one cache line
 * per step, stays in L1 across the slivers):
 * packing A as well measured ~10% slower here, since with n = 256 each element of A is used by only
 * 4 slivers. The last {@code m mod MR} rows are packed zero-padded, and edge blocks (and
 * {@code alpha != 1} or a general beta) go through a small tile merged into C; full blocks with
 * {@code alpha == 1, beta in {0, 1}} accumulate straight into C. The 6 x 4 block measured
 * 110-114 GFLOP/s on the critic's 1024 x 256 x 256 shapes on one Zen 4 core (FMA peak of a Java
 * loop there: 115).
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
    /** The backend with this CPU's micro-kernel shape ({@link MicroShape#CHOSEN}). */
    static final VectorKernels INSTANCE = new VectorKernels(MicroShape.CHOSEN, "vector");

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private final MicroShape shape;
    private final String name;

    private VectorKernels(MicroShape shape, String name) {
        this.shape = shape;
        this.name = name;
    }

    /** The backend with a fixed micro-kernel shape, named {@code vector:<shape>} (for tests and bench). */
    static VectorKernels withShape(MicroShape shape) {
        return new VectorKernels(shape, "vector:" + shape.label());
    }

    MicroShape shape() {
        return shape;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return name + ": Java Vector API, " + S + " (" + (L * 32) + "-bit float lanes), micro-kernel "
                + (this == INSTANCE ? MicroShape.describeChoice() : shape.label()) + " rows x vectors";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, float[] b, float beta, float[] c) {
        VectorGemm.sgemm(shape, transA, transB, m, n, k, alpha, a, b, beta, c);
    }

    /** See {@link VectorGemm#degenerateGemm}. */
    static boolean degenerateGemm(int m, int n, int k, float alpha, float beta, float[] c) {
        return VectorGemm.degenerateGemm(m, n, k, alpha, beta, c);
    }

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
            float t = VectorGemv.sumLanes(s);
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

