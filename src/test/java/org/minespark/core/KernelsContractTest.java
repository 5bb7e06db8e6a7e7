package org.minespark.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.minespark.SystemPackages;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Contract of {@link Kernels}: every fast backend agrees with {@link ScalarKernels}.
 *
 * <p><b>GEMM tolerance.</b> Each element of C is a k-term dot product; backends sum in different
 * orders (k blocks, FMA, vector lanes), so results differ by rounding only. The standard
 * componentwise bound (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, section 3.1)
 * is {@code |fl(x.y) - x.y| <= gamma_k |x|.|y|} with {@code gamma_k ~ k u}, {@code u = 2^-24}; it
 * scales with {@code sum_p |a_ip| |b_pj|}, not with {@code |c_ij|} (which may cancel to ~0). We
 * therefore require, per element,
 * {@code |c - c_ref| <= 1e-5 * (|alpha| sum_p |a_ip||b_pj| + |beta| |c0_ij|) + 1e-30}. For random
 * signs the observed error is ~sqrt(k) u (about 2e-6 for k = 1024), so 1e-5 has margin and is
 * still five orders of magnitude below what any indexing or transpose bug produces (O(1)
 * relative errors).
 *
 * <p>Arrays are allocated with slack beyond the used region: slack in A and B holds NaN (a read
 * past the matrix poisons C), slack in C holds a sentinel that must survive. Seeds are fixed.
 */
class KernelsContractTest {

    private static final Kernels SCALAR = ScalarKernels.INSTANCE;
    private static final float SENTINEL = 12345.678f;
    private static final int SLACK = 37;

    private static Kernels backend(String name) {
        if (name.equals("native-blas")) {
            // skipped without native BLAS on a developer machine, a failure under CI (.ci/run installs it)
            SystemPackages.requirePackage(NativeBlasKernels.isAvailable(),
                    "native BLAS for native-blas: none loaded by netlib (apt-get install libopenblas0-pthread, "
                            + "and net.sourceforge.f2j:arpack_combined_all on the test classpath)");
        }
        return Kernels.forName(name);
    }

    private static float[] random(SplittableRandom r, int len, int slack) {
        float[] x = new float[len + slack];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (2 * r.nextDouble() - 1);
        }
        Arrays.fill(x, len, len + slack, Float.NaN);
        return x;
    }

    /** Like ReLU activations: about half the entries exactly zero. */
    private static float[] sparse(SplittableRandom r, int len, int slack) {
        float[] x = random(r, len, slack);
        for (int i = 0; i < len; i++) {
            if (r.nextBoolean()) {
                x[i] = 0f;
            }
        }
        return x;
    }

    private static final float[][] ALPHA_BETA = {
        {1f, 0f}, {1f, 1f}, {0.5f, -2f}, {-1.5f, 0.25f}, {2f, 0f}, {0f, 0.5f}, {0f, 0f},
    };

    /** One GEMM checked against the scalar reference. */
    private static void checkGemm(Kernels k, boolean ta, boolean tb, int m, int n, int k2,
                                  float alpha, float beta, SplittableRandom r, boolean sparseA) {
        float[] a = sparseA ? sparse(r, m * k2, SLACK) : random(r, m * k2, SLACK);
        float[] b = random(r, k2 * n, SLACK);
        float[] c0 = random(r, m * n, 0);
        if (beta == 0f) {
            Arrays.fill(c0, Float.NaN); // garbage that must not propagate
        }
        float[] expected = Arrays.copyOf(c0, m * n + SLACK);
        float[] actual = Arrays.copyOf(c0, m * n + SLACK);
        Arrays.fill(expected, m * n, m * n + SLACK, SENTINEL);
        Arrays.fill(actual, m * n, m * n + SLACK, SENTINEL);
        SCALAR.sgemm(ta, tb, m, n, k2, alpha, a, b, beta, expected);
        k.sgemm(ta, tb, m, n, k2, alpha, a, b, beta, actual);
        String where = k.name() + " sgemm(transA=" + ta + ", transB=" + tb + ", m=" + m + ", n=" + n + ", k=" + k2
                + ", alpha=" + alpha + ", beta=" + beta + ")";
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double mag = 0;
                for (int p = 0; p < k2; p++) {
                    float aip = ta ? a[p * m + i] : a[i * k2 + p];
                    float bpj = tb ? b[j * k2 + p] : b[p * n + j];
                    mag += Math.abs((double) aip * bpj);
                }
                double scale = Math.abs(alpha) * mag + (beta == 0f ? 0 : Math.abs(beta) * Math.abs(c0[i * n + j]));
                float e = expected[i * n + j];
                float x = actual[i * n + j];
                if (!(Math.abs(x - e) <= 1e-5 * scale + 1e-30)) {
                    fail(where + ": C[" + i + "][" + j + "] = " + x + ", scalar reference " + e
                            + ", tolerance " + (1e-5 * scale));
                }
            }
        }
        for (int i = m * n; i < m * n + SLACK; i++) {
            assertEquals(SENTINEL, actual[i], where + ": wrote past C at index " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas", "auto", "vector:6x4", "vector:6x2", "vector:4x3"})
    void sgemm_edgeShapesAllTransposes_matchScalar(String name) {
        Kernels k = backend(name);
        SplittableRandom r = new SplittableRandom(12345);
        int[] dims = {1, 2, 3, 15, 16, 17, 31, 33, 64, 65, 67};
        int variant = 0;
        for (int m : dims) {
            for (int n : dims) {
                for (int k2 : new int[] {1, 2, 16, 17, 63}) {
                    for (int t = 0; t < 4; t++) {
                        float[] ab = ALPHA_BETA[variant++ % ALPHA_BETA.length];
                        checkGemm(k, (t & 1) != 0, (t & 2) != 0, m, n, k2, ab[0], ab[1], r, false);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas", "auto", "vector:6x4", "vector:6x2", "vector:4x3"})
    void sgemm_randomShapesUpTo300_matchScalar(String name) {
        Kernels k = backend(name);
        SplittableRandom r = new SplittableRandom(20261124);
        for (int trial = 0; trial < 60; trial++) {
            int m = 1 + r.nextInt(300);
            int n = 1 + r.nextInt(300);
            int k2 = 1 + r.nextInt(300);
            float[] ab = ALPHA_BETA[trial % ALPHA_BETA.length];
            int t = trial % 4;
            checkGemm(k, (t & 1) != 0, (t & 2) != 0, m, n, k2, ab[0], ab[1], r, trial % 3 == 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas", "auto", "vector:6x4", "vector:6x2", "vector:4x3"})
    void sgemm_criticShapes_matchScalar(String name) {
        Kernels k = backend(name);
        SplittableRandom r = new SplittableRandom(42);
        int rows = 2 * 300 + 2; // not a multiple of the 4-row block
        // forward Z1 = X W1, Z2 = H1 W2, T = H2 W3
        checkGemm(k, false, false, rows, 256, 40, 1f, 0f, r, false);
        checkGemm(k, false, false, rows, 256, 256, 1f, 0f, r, true);
        checkGemm(k, false, false, rows, 1, 256, 1f, 0f, r, true);
        // backward dH2 = dT W3^T (k = 1), dW3 = H2^T dT (n = 1), dW2 = H1^T dZ2, dH1 = dZ2 W2^T, dW1 = X^T dZ1
        checkGemm(k, false, true, rows, 256, 1, 1f, 0f, r, false);
        checkGemm(k, true, false, 256, 1, rows, 1f, 0f, r, true);
        checkGemm(k, true, false, 256, 256, rows, 1f, 0f, r, true);
        checkGemm(k, false, true, rows, 256, 256, 1f, 0f, r, true);
        checkGemm(k, true, false, 40, 256, rows, 1f, 1f, r, false);
        // deeper than one k block (KC = 256) with accumulation
        checkGemm(k, true, false, 256, 256, 1030, 1f, 1f, r, true);
        checkGemm(k, false, false, 9, 70, 600, -0.5f, 2f, r, false);
        checkGemm(k, true, true, 33, 47, 700, 1f, 0f, r, false);
        // wider than one column block (NC = 512), partial slivers and row groups at its end
        checkGemm(k, false, false, 23, 1100, 70, 1f, 1f, r, false);
        checkGemm(k, true, true, 19, 530, 300, 0.5f, 0f, r, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas", "auto", "vector:6x4", "vector:6x2", "vector:4x3"})
    void sgemm_zeroSizes_leaveOrScaleC(String name) {
        Kernels k = backend(name);
        float[] c = {1f, 2f, 3f, 4f, Float.NaN, SENTINEL};
        k.sgemm(false, false, 0, 3, 5, 1f, new float[0], new float[15], 0f, c);
        k.sgemm(false, false, 3, 0, 5, 1f, new float[15], new float[0], 0f, c);
        assertEquals(1f, c[0]);
        // k == 0: C = beta C; beta == 0 clears NaN
        k.sgemm(false, false, 2, 2, 0, 1f, new float[0], new float[0], 2f, c);
        assertEquals(8f, c[3]);
        float[] d = {Float.NaN, Float.NaN, SENTINEL};
        k.sgemm(true, true, 1, 2, 0, 1f, new float[0], new float[0], 0f, d);
        assertEquals(0f, d[0]);
        assertEquals(0f, d[1]);
        assertEquals(SENTINEL, d[2]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas"})
    void addBiasRelu_oddWidths_equalsScalar(String name) {
        Kernels k = backend(name);
        SplittableRandom r = new SplittableRandom(7);
        for (int cols : new int[] {1, 15, 16, 17, 40, 256, 257}) {
            int rows = 13;
            float[] z = random(r, rows * cols, 0);
            z[0] = -0.0f;
            float[] bias = random(r, cols, 0);
            float[] z1 = z.clone();
            float[] z2 = z.clone();
            float[] h1 = new float[rows * cols];
            float[] h2 = new float[rows * cols];
            SCALAR.addBiasRelu(rows, cols, z1, bias, h1);
            k.addBiasRelu(rows, cols, z2, bias, h2);
            assertTrue(Arrays.equals(z1, z2), "z, cols=" + cols);
            assertTrue(Arrays.equals(h1, h2), "h, cols=" + cols);
            for (float v : h2) {
                assertFalse(v < 0f, "ReLU output negative");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas"})
    void addBias_singleAndManyColumns_equalsScalar(String name) {
        Kernels k = backend(name);
        SplittableRandom r = new SplittableRandom(8);
        for (int cols : new int[] {1, 3, 16, 33, 256}) {
            for (int rows : new int[] {1, 17, 100}) {
                float[] z = random(r, rows * cols, 0);
                float[] bias = random(r, cols, 0);
                float[] z1 = z.clone();
                float[] z2 = z.clone();
                SCALAR.addBias(rows, cols, z1, bias);
                k.addBias(rows, cols, z2, bias);
                assertTrue(Arrays.equals(z1, z2), "rows=" + rows + ", cols=" + cols);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas"})
    void reluBackward_zerosNegativeZeroAndNaN_equalsScalar(String name) {
        Kernels k = backend(name);
        SplittableRandom r = new SplittableRandom(9);
        for (int len : new int[] {1, 15, 16, 17, 1000, 4099}) {
            float[] z = random(r, len, 0);
            float[] d = random(r, len, 0);
            z[0] = 0f;
            if (len > 3) {
                z[1] = -0.0f;
                z[2] = Float.NaN;
                z[3] = Float.MIN_VALUE;
            }
            float[] d1 = d.clone();
            float[] d2 = d.clone();
            SCALAR.reluBackward(len, z, d1);
            k.reluBackward(len, z, d2);
            assertTrue(Arrays.equals(d1, d2), "len=" + len);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas"})
    void addColumnSums_oddShapes_matchScalarWithinRounding(String name) {
        Kernels k = backend(name);
        SplittableRandom r = new SplittableRandom(10);
        for (int cols : new int[] {1, 7, 16, 17, 64, 65, 256, 300}) {
            for (int rows : new int[] {1, 2, 15, 16, 17, 1000}) {
                float[] d = random(r, rows * cols, 0);
                float[] out0 = random(r, cols, 0);
                float[] o1 = out0.clone();
                float[] o2 = out0.clone();
                SCALAR.addColumnSums(rows, cols, d, o1);
                k.addColumnSums(rows, cols, d, o2);
                for (int j = 0; j < cols; j++) {
                    // summation order differs: bound by 1e-5 * (|out0| + sum_r |d_rj|), as for GEMM
                    double mag = Math.abs(out0[j]);
                    for (int i = 0; i < rows; i++) {
                        mag += Math.abs(d[i * cols + j]);
                    }
                    assertEquals(o1[j], o2[j], 1e-5 * mag, "rows=" + rows + ", cols=" + cols + ", j=" + j);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas"})
    void adam_manySteps_bitIdenticalToScalar(String name) {
        Kernels k = backend(name);
        SplittableRandom r = new SplittableRandom(11);
        for (int len : new int[] {1, 17, 256, 65536 + 5}) {
            float[] p1 = random(r, len, 0);
            float[] p2 = p1.clone();
            float[] m1 = new float[len];
            float[] m2 = new float[len];
            float[] v1 = new float[len];
            float[] v2 = new float[len];
            for (int t = 1; t <= 5; t++) {
                float[] g = random(r, len, 0);
                g[0] = 0f;
                float bc1 = (float) (1 - Math.pow(0.9, t));
                float bc2 = (float) (1 - Math.pow(0.999, t));
                SCALAR.adam(len, p1, g, m1, v1, 1e-3f, 0.9f, 0.999f, 1e-8f, bc1, bc2);
                k.adam(len, p2, g, m2, v2, 1e-3f, 0.9f, 0.999f, 1e-8f, bc1, bc2);
            }
            // same operation order, IEEE division and square root: identical bits
            assertTrue(Arrays.equals(p1, p2), "params, len=" + len);
            assertTrue(Arrays.equals(m1, m2), "m, len=" + len);
            assertTrue(Arrays.equals(v1, v2), "v, len=" + len);
        }
    }

    /**
     * The separable critic (pairwise dv and all-pairs infonce steps) and the concat infonce step
     * give the same bound value and gradient with this backend as with the scalar reference
     * (float32 GEMMs reassociated: 1e-4 relative).
     */
    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas"})
    void boundSteps_separableAndInfonce_matchScalar(String name) {
        Kernels k = backend(name);
        SplittableRandom r = new SplittableRandom(31);
        int n = 300;
        float[] bx = new float[n * 5];
        float[] by = new float[n * 4];
        for (int i = 0; i < bx.length; i++) {
            bx[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < by.length; i++) {
            by[i] = (float) (bx[(i / 4) * 5] + r.nextGaussian());
        }
        FloatBlock block = new FloatBlock(n, 5, 4, bx, by);
        CriticShape[] shapes = {CriticShape.separable(5, 4, new int[] {33, 17}, 8), new CriticShape(5, 4, new int[] {33, 17})};
        for (CriticShape shape : shapes) {
            for (String bn : new String[] {"dv", "infonce"}) {
                Bound b = Bound.forName(bn, 0.01, 5, 16);
                float[][] p = shape.init(2);
                StepAggregate ref = new PartitionWorker(shape, Kernels.forName("scalar"), 128, b).trainStep(block, p, 100, 9L);
                StepAggregate got = new PartitionWorker(shape, k, 128, b).trainStep(block, p, 100, 9L);
                String where = name + " " + shape + " " + bn;
                assertEquals(b.value(ref), b.value(got), 1e-4 * Math.max(1, Math.abs(b.value(ref))), where);
                float[][] gr = shape.zeros();
                float[][] gg = shape.zeros();
                b.lossGradient(ref, b.newState(), gr);
                b.lossGradient(got, b.newState(), gg);
                double num = 0;
                double den = 0;
                for (int t = 0; t < gr.length; t++) {
                    for (int j = 0; j < gr[t].length; j++) {
                        num += (gr[t][j] - gg[t][j]) * (gr[t][j] - gg[t][j]);
                        den += gr[t][j] * gr[t][j];
                    }
                }
                assertTrue(den > 0 && Math.sqrt(num / den) < 1e-4, where + ": gradient relative error " + Math.sqrt(num / den));
            }
        }
    }

    @Test
    void forName_vector_returnsVectorBackend() {
        Kernels k = Kernels.forName("vector");
        assertSame(VectorKernels.INSTANCE, k);
        assertEquals("vector", k.name());
    }

    @Test
    void forName_vectorWithShape_usesThatShape() {
        for (MicroShape shape : MicroShape.values()) {
            Kernels k = Kernels.forName("vector:" + shape.label());
            assertEquals("vector:" + shape.label(), k.name());
            assertSame(shape, ((VectorKernels) k).shape());
        }
        assertThrows(IllegalArgumentException.class, () -> Kernels.forName("vector:5x5"));
    }

    /** Each register file gets a shape that fits it, and this JVM's choice follows its register file. */
    @Test
    void microShape_fitsTheRegisterFile() {
        assertSame(MicroShape.S6X4, MicroShape.forRegisters(32));
        assertSame(MicroShape.S6X2, MicroShape.forRegisters(16));
        for (int regs : new int[] {16, 32}) {
            MicroShape s = MicroShape.forRegisters(regs);
            assertTrue(s.registers() <= regs, s.label() + " needs " + s.registers() + " of " + regs + " registers");
            assertTrue(s.registers() > regs / 2, s.label() + " leaves most of " + regs + " registers unused");
        }
        // set by the pom's surefire executions: -XX:UseAVX=2 leaves x86 16 registers, -XX:MaxVectorSize
        // forces a narrower species (these JVM flags are ignored on other CPUs)
        String arch = System.getProperty("os.arch", "");
        String regs = System.getProperty("mine.test.x86VectorRegisters");
        if (regs != null && (arch.equals("amd64") || arch.equals("x86_64"))) {
            assertEquals(Integer.parseInt(regs), MicroShape.vectorRegisters());
            assertSame(MicroShape.S6X2, MicroShape.CHOSEN);
        }
        String bits = System.getProperty("mine.test.vectorBits");
        if (bits != null && (arch.equals("amd64") || arch.equals("x86_64"))) {
            int actual = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
            assertTrue(actual <= Integer.parseInt(bits), "species of " + actual + " bits with -XX:MaxVectorSize for " + bits);
        }
        if (System.getProperty("mine.kernels.shape") == null) {
            assertSame(MicroShape.forRegisters(MicroShape.vectorRegisters()), MicroShape.CHOSEN);
        }
    }

    /** {@code auto} resolves once per JVM to a backend that loads, and is named after it. */
    @Test
    void forName_auto_resolvesOnceToAFastBackend() {
        Kernels k = Kernels.forName("auto");
        assertSame(k, Kernels.forName("auto"));
        assertTrue(k.name().equals("vector") || k.name().equals("native-blas"), k.name());
        assertTrue(k.describe().startsWith("auto -> " + k.name()), k.describe());
        double[] ms = AutoKernels.trial(Kernels.forName("vector"), Kernels.forName("scalar"), 1, 1);
        assertTrue(ms[0] > 0 && ms[1] > 0 && Double.isFinite(ms[0]) && Double.isFinite(ms[1]), Arrays.toString(ms));
    }

    @Test
    void forName_unknown_throwsIllegalArgumentNamingValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.forName("mkl"));
        assertTrue(e.getMessage().contains("'mkl'") && e.getMessage().contains("native-blas"), e.getMessage());
    }

    @Test
    void forName_nativeBlas_nativeOrInstallHint() {
        if (NativeBlasKernels.isAvailable()) {
            Kernels k = Kernels.forName("native-blas");
            assertEquals("native-blas", k.name());
            assertTrue(k.describe().contains("JNIBLAS"), k.describe());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Kernels.forName("native-blas"));
            assertTrue(e.getMessage().contains("apt-get install libopenblas0-pthread"), e.getMessage());
        }
    }
}
