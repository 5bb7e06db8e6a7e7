package org.minespark.core;

import dev.ludovic.netlib.blas.BLAS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code native-blas} backend: {@code sgemm} through {@code dev.ludovic.netlib:blas} (the BLAS
 * layer Spark MLlib uses) over the system's {@code libblas.so.3} (OpenBLAS, or Intel MKL where a
 * cluster has it); the glue is shared with the {@code vector} backend (scalar if the Vector API
 * module is not present).
 *
 * <p>netlib is column-major (Fortran). A row-major m x n matrix C is, read column-major, the
 * n x m matrix C<sup>T</sup>, so the row-major product {@code C = op(A) op(B)} is computed as the
 * column-major product {@code C^T = op(B)^T op(A)^T}: operands swapped, m and n swapped, and each
 * row-major operand passed as its own column-major transpose (leading dimension = its row-major
 * number of columns).
 *
 * <p>netlib falls back to a pure-Java BLAS <em>silently</em> when no native library loads; this
 * class refuses to be constructed in that case (see {@link #create()}).
 *
 * <p>OpenBLAS starts its own thread pool; when several executor tasks (or benchmark threads) call
 * it concurrently, set {@code OPENBLAS_NUM_THREADS=1} (MKL: {@code MKL_NUM_THREADS=1}) to avoid
 * oversubscription. {@link #describe()} reports the setting.
 *
 * <p>Thread-safety: stateless; the netlib instance is thread-safe.
 */
final class NativeBlasKernels implements Kernels {
    static final String NATIVE_CLASS = "dev.ludovic.netlib.blas.JNIBLAS";

    private static volatile NativeBlasKernels instance;

    private final BLAS blas;
    private final String library;

    private NativeBlasKernels(BLAS blas, String library) {
        this.blas = blas;
        this.library = library;
    }

    /**
     * The shared instance.
     *
     * @throws IllegalStateException when netlib did not load a native BLAS (its instance is not
     *                               {@code JNIBLAS}); the message says what to install
     */
    static NativeBlasKernels create() {
        NativeBlasKernels k = instance;
        if (k == null) {
            synchronized (NativeBlasKernels.class) {
                k = instance;
                if (k == null) {
                    BLAS blas;
                    try {
                        blas = BLAS.getInstance();
                    } catch (LinkageError e) {
                        throw new IllegalStateException("kernels 'native-blas': dev.ludovic.netlib:blas is not on the "
                                + "classpath (" + e + "); it ships with spark-mllib", e);
                    }
                    String cls = blas.getClass().getName();
                    if (!NATIVE_CLASS.equals(cls)) {
                        throw new IllegalStateException("kernels 'native-blas': netlib loaded " + cls
                                + ", not the native " + NATIVE_CLASS + ", so no native BLAS is available on this "
                                + "JVM. Install one so that libblas.so.3 is resolvable by the dynamic linker, e.g. "
                                + "'apt-get install libopenblas0-pthread' (Debian/Ubuntu) or Intel MKL (then point "
                                + "libblas.so.3 at libmkl_rt.so with update-alternatives, or set "
                                + "-Ddev.ludovic.netlib.blas.nativeLib=libmkl_rt.so). netlib's JNI loader also needs "
                                + "net.sourceforge.f2j:arpack_combined_all on the classpath (Spark distributions ship it "
                                + "in jars/). Or use kernels 'vector'");
                    }
                    k = new NativeBlasKernels(blas, loadedLibrary());
                    instance = k;
                }
            }
        }
        return k;
    }

    /** True when {@link #create()} would succeed (used by tests to skip, not fail). */
    static boolean isAvailable() {
        try {
            create();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** The BLAS shared objects mapped into this process, from /proc/self/maps when readable. */
    private static String loadedLibrary() {
        Set<String> libs = new LinkedHashSet<>();
        Path maps = Paths.get("/proc/self/maps");
        if (Files.isReadable(maps)) {
            try {
                for (String line : Files.readAllLines(maps, StandardCharsets.UTF_8)) {
                    int slash = line.indexOf('/');
                    if (slash < 0) {
                        continue;
                    }
                    String path = line.substring(slash).trim();
                    String file = path.substring(path.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
                    if ((file.contains("blas") || file.contains("mkl")) && !file.contains("netlibblasjni")
                            && !file.endsWith(".jar")) {
                        libs.add(path);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // best effort only
            }
        }
        if (libs.isEmpty()) {
            try {
                libs.add(Paths.get("/usr/lib/x86_64-linux-gnu/libblas.so.3").toRealPath().toString());
            } catch (IOException | RuntimeException e) {
                libs.add("libblas.so.3");
            }
        }
        return String.join(", ", libs);
    }

    @Override
    public String name() {
        return "native-blas";
    }

    @Override
    public String describe() {
        String t = System.getenv("OPENBLAS_NUM_THREADS");
        return "native-blas: netlib " + blas.getClass().getSimpleName() + " -> " + library
                + " (OPENBLAS_NUM_THREADS=" + (t == null ? "unset" : t) + "), glue: " + Glue.KERNELS.name();
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, float[] b, float beta, float[] c) {
        if (VectorKernels.degenerateGemm(m, n, k, alpha, beta, c)) {
            return;
        }
        // row-major C (m x n) = column-major C^T (n x m), ldc = n
        // row-major B: !transB -> k x n, column-major n x k = op(B)^T, "N", ldb = n
        //              transB  -> n x k, column-major k x n = op(B),   "T", ldb = k
        // row-major A: !transA -> m x k, column-major k x m = op(A)^T, "N", lda = k
        //              transA  -> k x m, column-major m x k = op(A),   "T", lda = m
        String tb = transB ? "T" : "N";
        String ta = transA ? "T" : "N";
        int ldb = Math.max(1, transB ? k : n);
        int lda = Math.max(1, transA ? m : k);
        if (n == 1 && m > 1) {
            // C^T (1 x m) = op(B)^T op(A)^T: a GEMV y = op(A) x with x = op(B) (k entries, contiguous
            // in either layout); column-major A view is k x m (!transA) or m x k (transA).
            if (transA) {
                blas.sgemv("N", m, k, alpha, a, m, b, 1, beta, c, 1);
            } else {
                blas.sgemv("T", k, m, alpha, a, k, b, 1, beta, c, 1);
            }
            return;
        }
        blas.sgemm(tb, ta, n, m, k, alpha, b, ldb, a, lda, beta, c, Math.max(1, n));
    }

    @Override
    public void addBiasRelu(int rows, int cols, float[] z, float[] bias, float[] h) {
        Glue.KERNELS.addBiasRelu(rows, cols, z, bias, h);
    }

    @Override
    public void addBias(int rows, int cols, float[] z, float[] bias) {
        Glue.KERNELS.addBias(rows, cols, z, bias);
    }

    @Override
    public void reluBackward(int len, float[] z, float[] d) {
        Glue.KERNELS.reluBackward(len, z, d);
    }

    @Override
    public void addColumnSums(int rows, int cols, float[] d, float[] out) {
        Glue.KERNELS.addColumnSums(rows, cols, d, out);
    }

    @Override
    public void adam(int len, float[] params, float[] grad, float[] m, float[] v,
                     float lr, float beta1, float beta2, float eps, float biasCorr1, float biasCorr2) {
        Glue.KERNELS.adam(len, params, grad, m, v, lr, beta1, beta2, eps, biasCorr1, biasCorr2);
    }

    /** The glue backend, resolved lazily: vector when the module is present, else scalar. */
    private static final class Glue {
        static final Kernels KERNELS = KernelRegistry.vectorApiAvailable() ? VectorKernels.INSTANCE : ScalarKernels.INSTANCE;
    }
}
