package org.minespark.bench;

import java.util.Arrays;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's float32 FMA peak as the Vector API reaches it: a loop of
 * {@value #ACCUMULATORS} independent {@code FloatVector.SPECIES_PREFERRED} accumulators, each
 * updated {@code a = a * MUL + ADD} by one fused multiply-add per iteration (enough independent
 * chains to cover the FMA latency of current x86 and ARM cores: latency 4 x 2 pipes = 8 in flight),
 * with no loads or stores in the loop. Counted as 2 FLOP per lane per FMA
 * ({@link #flops}). It is the roofline the GEMM kernels are measured against: the best a dense
 * float32 kernel written with the Vector API can do on this JVM and CPU.
 *
 * <p>Timing: after a warm-up (so that C2 compiles the loop; before that the Vector API runs a
 * non-intrinsified fallback tens of times slower) each repetition runs the loop on every thread at
 * once for about {@code secondsPerRep} and is timed from the common start to the last thread's end;
 * the fastest repetition is reported (other load on a shared machine only ever slows it down).
 */
public final class FmaPeak {
    /** Independent vector accumulators in the loop. */
    public static final int ACCUMULATORS = 12;
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** The update {@code a = a * MUL + ADD} converges to {@code ADD / (1 - MUL) = 2}: finite, no subnormals. */
    static final float MUL = 0.5f;
    static final float ADD = 1f;
    static final double DEFAULT_SECONDS_PER_REP = 0.2;

    private static volatile float sink; // keeps the loop's result alive

    private FmaPeak() {
    }

    /**
     * One measurement.
     *
     * @param threads             threads running the loop at once
     * @param gflops              fastest repetition, GFLOP/s over all threads
     * @param medianGflops        median repetition
     * @param reps                timed repetitions
     * @param iterationsPerThread loop iterations per thread and repetition
     */
    public record Result(int threads, double gflops, double medianGflops, int reps, int iterationsPerThread) {
    }

    /** Bits of {@code FloatVector.SPECIES_PREFERRED} on this JVM and CPU (e.g. 512 with AVX-512). */
    public static int vectorBits() {
        return SPECIES.vectorBitSize();
    }

    /** {@code FloatVector.SPECIES_PREFERRED} as the Vector API names it, e.g. {@code Species[float, 16, S_512_BIT]}. */
    public static String speciesName() {
        return SPECIES.toString();
    }

    /** float32 lanes of {@code FloatVector.SPECIES_PREFERRED}. */
    public static int lanes() {
        return SPECIES.length();
    }

    /**
     * FLOP of {@code iterations} loop iterations on each of {@code threads} threads with
     * {@code lanes} lanes per vector: {@code 2 x lanes x ACCUMULATORS x iterations x threads}.
     */
    public static double flops(long iterations, int threads, int lanes) {
        return 2.0 * lanes * ACCUMULATORS * (double) iterations * threads;
    }

    /**
     * The loop: {@value #ACCUMULATORS} accumulators, accumulator i starting at i in every lane,
     * {@code iterations} FMAs each; returns the sum of all lanes of all accumulators.
     */
    static float kernel(int iterations) {
        FloatVector m = FloatVector.broadcast(SPECIES, MUL);
        FloatVector c = FloatVector.broadcast(SPECIES, ADD);
        FloatVector a0 = FloatVector.broadcast(SPECIES, 0f);
        FloatVector a1 = FloatVector.broadcast(SPECIES, 1f);
        FloatVector a2 = FloatVector.broadcast(SPECIES, 2f);
        FloatVector a3 = FloatVector.broadcast(SPECIES, 3f);
        FloatVector a4 = FloatVector.broadcast(SPECIES, 4f);
        FloatVector a5 = FloatVector.broadcast(SPECIES, 5f);
        FloatVector a6 = FloatVector.broadcast(SPECIES, 6f);
        FloatVector a7 = FloatVector.broadcast(SPECIES, 7f);
        FloatVector a8 = FloatVector.broadcast(SPECIES, 8f);
        FloatVector a9 = FloatVector.broadcast(SPECIES, 9f);
        FloatVector a10 = FloatVector.broadcast(SPECIES, 10f);
        FloatVector a11 = FloatVector.broadcast(SPECIES, 11f);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return s.reduceLanes(VectorOperators.ADD);
    }

    /** {@link #measure(int, double, int, double)} with repetitions of about 0.2 s. */
    public static Result measure(int threads, double warmupSeconds, int reps) {
        return measure(threads, warmupSeconds, reps, DEFAULT_SECONDS_PER_REP);
    }

    /**
     * Measures the peak on {@code threads} threads: warm-up of at least {@code warmupSeconds} on
     * the calling thread, then {@code reps} repetitions of about {@code secondsPerRep} each.
     *
     * @throws IllegalArgumentException for threads or reps below 1, or a negative or non-finite time
     */
    public static Result measure(int threads, double warmupSeconds, int reps, double secondsPerRep) {
        if (threads < 1 || reps < 1) {
            throw new IllegalArgumentException("threads and reps must be >= 1, got " + threads + ", " + reps);
        }
        if (!(warmupSeconds >= 0) || !(secondsPerRep > 0) || Double.isInfinite(warmupSeconds + secondsPerRep)) {
            throw new IllegalArgumentException("warm-up must be >= 0 s and repetitions > 0 s, got "
                    + warmupSeconds + ", " + secondsPerRep);
        }
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        while (System.nanoTime() < warmEnd) {
            sink += kernel(100_000);
        }
        // calibrate on one thread: iterations for about secondsPerRep
        int probe = 10_000;
        long t0 = System.nanoTime();
        sink += kernel(probe);
        double perIteration = Math.max(1e-12, (System.nanoTime() - t0) / 1e9 / probe);
        int iterations = (int) Math.max(1_000, Math.min(Integer.MAX_VALUE, secondsPerRep / perIteration));
        double[] gflops = new double[reps];
        Team team = new Team(threads, iterations);
        try {
            for (int r = 0; r < reps; r++) {
                gflops[r] = flops(iterations, threads, lanes()) / team.runOnce() / 1e9;
            }
        } finally {
            team.close();
        }
        double[] sorted = gflops.clone();
        Arrays.sort(sorted);
        double median = reps % 2 == 1 ? sorted[reps / 2] : 0.5 * (sorted[reps / 2 - 1] + sorted[reps / 2]);
        return new Result(threads, sorted[reps - 1], median, reps, iterations);
    }

    /** Threads that run the loop together; {@link #runOnce} returns the wall seconds of one round. */
    private static final class Team {
        private final CyclicBarrier start;
        private final CyclicBarrier end;
        private final Thread[] threads;
        private final int iterations;
        private volatile boolean closed;
        private volatile Throwable failure;

        Team(int n, int iterations) {
            this.iterations = iterations;
            start = new CyclicBarrier(n + 1);
            end = new CyclicBarrier(n + 1);
            threads = new Thread[n];
            for (int i = 0; i < n; i++) {
                threads[i] = new Thread(this::loop, "fma-peak-" + i);
                threads[i].setDaemon(true);
                threads[i].start();
            }
        }

        private void loop() {
            try {
                while (true) {
                    start.await();
                    if (closed) {
                        return;
                    }
                    try {
                        sink += kernel(iterations);
                    } catch (RuntimeException | Error e) {
                        failure = e;
                    }
                    end.await();
                }
            } catch (InterruptedException | BrokenBarrierException e) {
                Thread.currentThread().interrupt();
            }
        }

        double runOnce() {
            try {
                long t0 = System.nanoTime(); // before the start: the threads' wake-up counts against the peak
                start.await();
                end.await();
                double sec = (System.nanoTime() - t0) / 1e9;
                if (failure != null) {
                    throw new IllegalStateException("FMA peak thread failed", failure);
                }
                return sec;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the FMA peak", e);
            } catch (BrokenBarrierException e) {
                throw new IllegalStateException("FMA peak threads stopped", e);
            }
        }

        void close() {
            closed = true;
            try {
                start.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (BrokenBarrierException e) {
                // the threads are gone already
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
