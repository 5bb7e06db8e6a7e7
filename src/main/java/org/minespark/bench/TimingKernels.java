package org.minespark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.minespark.core.Kernels;

/**
 * A {@link Kernels} that forwards every call to a backend and adds the call's time to a slot named
 * after the operation and its shape, so that a profile of the production step can be read off
 * without instrumenting the critic: {@code gemm NN m x n x k} (A·B: forward layers), {@code gemm
 * NT} (d·Wᵀ: gradient of a hidden layer's input), {@code gemm TN} (Aᵀ·d: weight gradient), and the
 * glue kernels by name and width. With {@link #countZeros} set, each ReLU output also adds its
 * count of exact zeros to a slot {@code zeros relu after gemm k=K} (K the inner dimension of the
 * GEMM that produced it: 40 for H1 and 256 for H2 in workload W); the counting is not timed but is
 * inside the caller's wall time, so leave it off in timed steps.
 *
 * <p>Time is wall time ({@code System.nanoTime}) or, when {@code cpuTime} is set, the calling
 * thread's CPU time (on a shared machine the time the thread is descheduled is then left out).
 * Single-threaded use only: the slots are not synchronised.
 */
final class TimingKernels implements Kernels {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Kernels k;
    private final boolean cpuTime;
    private final Map<Long, String> gemmLabels = new HashMap<>();
    private final Map<String, long[]> nanos = new LinkedHashMap<>();
    private final Map<String, long[]> zeros = new LinkedHashMap<>(); // label -> {zeros, values}
    private int lastGemmK;
    boolean countZeros;

    TimingKernels(Kernels k, boolean cpuTime) {
        this.k = k;
        this.cpuTime = cpuTime;
    }

    long now() {
        return cpuTime ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Accumulated nanoseconds per slot, in the order the slots were first used. */
    Map<String, Long> nanosBySlot() {
        Map<String, Long> out = new LinkedHashMap<>();
        nanos.forEach((name, t) -> out.put(name, t[0]));
        return out;
    }

    /** Fraction of exact zeros per ReLU slot over the calls made while {@link #countZeros} was set. */
    Map<String, Double> zeroFractions() {
        Map<String, Double> out = new LinkedHashMap<>();
        zeros.forEach((name, c) -> out.put(name, c[1] == 0 ? 0.0 : (double) c[0] / c[1]));
        return out;
    }

    /** Zeroes the time slots (keeps their order). */
    void resetTimes() {
        nanos.values().forEach(t -> t[0] = 0L);
    }

    private void add(String slot, long since) {
        long t = now() - since;
        nanos.computeIfAbsent(slot, s -> new long[1])[0] += t;
    }

    private String gemmLabel(boolean transA, boolean transB, int m, int n, int kk) {
        long key = ((transA ? 2L : 0L) | (transB ? 1L : 0L)) << 60 | (long) m << 40 | (long) n << 20 | kk;
        return gemmLabels.computeIfAbsent(key, x -> String.format(Locale.ROOT, "gemm %s%s %dx%dx%d",
                transA ? "T" : "N", transB ? "T" : "N", m, n, kk));
    }

    @Override
    public String name() {
        return k.name();
    }

    @Override
    public String describe() {
        return k.describe() + " (timed per call)";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int kk, float alpha, float[] a, float[] b,
                      float beta, float[] c) {
        String slot = gemmLabel(transA, transB, m, n, kk);
        long t0 = now();
        k.sgemm(transA, transB, m, n, kk, alpha, a, b, beta, c);
        add(slot, t0);
        lastGemmK = kk;
    }

    @Override
    public void addBiasRelu(int rows, int cols, float[] z, float[] bias, float[] h) {
        long t0 = now();
        k.addBiasRelu(rows, cols, z, bias, h);
        add("bias+relu", t0);
        if (countZeros) {
            long[] c = zeros.computeIfAbsent("zeros relu after gemm k=" + lastGemmK, s -> new long[2]);
            int len = rows * cols;
            for (int i = 0; i < len; i++) {
                if (h[i] == 0f) {
                    c[0]++;
                }
            }
            c[1] += len;
        }
    }

    @Override
    public void addBias(int rows, int cols, float[] z, float[] bias) {
        long t0 = now();
        k.addBias(rows, cols, z, bias);
        add("bias (output)", t0);
    }

    @Override
    public void reluBackward(int len, float[] z, float[] d) {
        long t0 = now();
        k.reluBackward(len, z, d);
        add("relu backward", t0);
    }

    @Override
    public void addColumnSums(int rows, int cols, float[] d, float[] out) {
        long t0 = now();
        k.addColumnSums(rows, cols, d, out);
        add("column sums (bias grads)", t0);
    }

    @Override
    public void adam(int len, float[] params, float[] grad, float[] m, float[] v, float lr, float beta1, float beta2,
                     float eps, float biasCorr1, float biasCorr2) {
        long t0 = now();
        k.adam(len, params, grad, m, v, lr, beta1, beta2, eps, biasCorr1, biasCorr2);
        add("adam", t0);
    }
}
