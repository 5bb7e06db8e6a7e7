package org.minespark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.minespark.core.Kernels;

/** Workload W on the production step: its FLOP count, determinism across backends and arguments. No timed assertions. */
class KernelBenchTest {

    private static Kernels backend(String name) {
        try {
            return Kernels.forName(name);
        } catch (IllegalStateException e) {
            assumeTrue(false, name + " skipped: " + e.getMessage());
            throw e;
        }
    }

    /** Counts the GEMM FLOP (2mnk per call) that pass through it. */
    private static final class CountingKernels implements Kernels {
        final Kernels k = Kernels.forName("scalar");
        long flops;

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public synchronized void sgemm(boolean ta, boolean tb, int m, int n, int kk, float alpha, float[] a, float[] b,
                                       float beta, float[] c) {
            flops += 2L * m * n * kk;
            k.sgemm(ta, tb, m, n, kk, alpha, a, b, beta, c);
        }

        @Override
        public void addBiasRelu(int rows, int cols, float[] z, float[] bias, float[] h) {
            k.addBiasRelu(rows, cols, z, bias, h);
        }

        @Override
        public void addBias(int rows, int cols, float[] z, float[] bias) {
            k.addBias(rows, cols, z, bias);
        }

        @Override
        public void reluBackward(int len, float[] z, float[] d) {
            k.reluBackward(len, z, d);
        }

        @Override
        public void addColumnSums(int rows, int cols, float[] d, float[] out) {
            k.addColumnSums(rows, cols, d, out);
        }

        @Override
        public void adam(int len, float[] p, float[] g, float[] m, float[] v, float lr, float b1, float b2, float eps,
                         float c1, float c2) {
            k.adam(len, p, g, m, v, lr, b1, b2, eps, c1, c2);
        }
    }

    @Test
    void flopPerSample_isTheCriticsGemmCount() {
        assertEquals(KernelBench.FLOP_PER_SAMPLE, WorkloadW.gemmFlopPerSample());
        for (int threads = 1; threads <= 2; threads++) {
            CountingKernels c = new CountingKernels();
            try (WorkloadW w = new WorkloadW(c, 37, threads, 1L)) {
                w.run(2);
            }
            assertEquals(2 * 37 * KernelBench.FLOP_PER_SAMPLE, (double) c.flops, "threads=" + threads);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "native-blas"})
    void workloadW_twentySteps_sameLossAsScalar(String name) {
        // the benchmark's step is the production step; after 20 Adam steps on the same data and
        // initialisation the loss must agree with the scalar backend up to accumulated rounding
        Kernels k = backend(name);
        Kernels scalar = Kernels.forName("scalar");
        for (int threads = 1; threads <= 2; threads++) {
            double ref = KernelBench.lossAfterSteps(scalar, 70, threads, 20);
            double got = KernelBench.lossAfterSteps(k, 70, threads, 20);
            assertTrue(Double.isFinite(ref), "scalar loss " + ref);
            assertEquals(ref, got, 1e-4 * Math.max(1, Math.abs(ref)), name + ", threads=" + threads);
        }
    }

    @Test
    void runWorkloadW_badArguments_throwIllegalArgument() {
        Kernels k = Kernels.forName("vector");
        assertThrows(IllegalArgumentException.class, () -> KernelBench.runWorkloadW(k, 64, 3, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> KernelBench.runWorkloadW(k, 1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> KernelBench.runWorkloadW(k, 64, 1, 0, 0));
        KernelBench.Result res = KernelBench.runWorkloadW(k, 64, 2, 0, 1);
        assertTrue(res.samplesPerSec() > 0 && Double.isFinite(res.finalLoss()), res.toString());
        assertEquals(res.gflops() / 50.0, res.peakShare(50.0), 1e-12);
    }

    @Test
    void runWorkloadWInterleaved_oneResultPerBackendInOrder_andRejectsNoBackend() {
        List<Kernels> ks = List.of(Kernels.forName("scalar"), Kernels.forName("vector"));
        List<KernelBench.Result> res = KernelBench.runWorkloadWInterleaved(ks, 32, 2, 0, 3);
        assertEquals(List.of("scalar", "vector"), res.stream().map(KernelBench.Result::kernels).toList());
        for (KernelBench.Result r : res) {
            assertEquals(3, r.reps(), r.toString());
            assertTrue(r.minSamplesPerSec() > 0 && r.minSamplesPerSec() <= r.samplesPerSec()
                    && r.samplesPerSec() <= r.maxSamplesPerSec() && Double.isFinite(r.finalLoss()), r.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> KernelBench.runWorkloadWInterleaved(List.of(), 32, 1, 0, 1));
    }

    @Test
    void profile_namesEveryGemmShapeAndTheZeroFractions() {
        Map<String, Double> p = KernelBench.profileWorkloadW(Kernels.forName("vector"), 16, 0, 2, false);
        // the production step's 8 GEMM shapes at 16 critic rows per pass, then the rest of the step
        for (String gemm : new String[] {"gemm NN 16x256x40", "gemm NN 16x256x256", "gemm NN 16x1x256",
            "gemm TN 256x1x16", "gemm NT 16x256x1", "gemm TN 256x256x16", "gemm NT 16x256x256", "gemm TN 40x256x16"}) {
            assertTrue(p.containsKey(gemm), gemm + " missing from " + p.keySet());
        }
        assertTrue(p.containsKey("other") && p.containsKey("adam"), p.keySet().toString());
        double z1 = p.get("zeros relu after gemm k=40");
        double z2 = p.get("zeros relu after gemm k=256");
        assertTrue(z1 > 0 && z1 < 1 && z2 > 0 && z2 < 1, p.toString());
    }
}
