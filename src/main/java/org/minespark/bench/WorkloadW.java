package org.minespark.bench;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.minespark.core.Bound;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MineOptimizer;
import org.minespark.core.PartitionWorker;
import org.minespark.core.Seeds;
import org.minespark.core.StepAggregate;
import org.minespark.core.SyntheticTasks;

/**
 * Workload W as training runs it: the production step of the concat critic
 * Linear(40,256)-ReLU-Linear(256,256)-ReLU-Linear(256,1) with the {@code dv} bound, nothing written
 * again here. Each thread plays one partition: its own {@link FloatBlock} of
 * {@value #ROWS_PER_PARTITION} rows of the 20-d correlated Gaussian at 2 nats (the data of the Spark
 * loop benchmark) and its own {@link PartitionWorker}, whose {@link PartitionWorker#trainStep} draws
 * the partition's share of the minibatch from the stream {@code Seeds.derive(seed, TRAIN, step,
 * partition)} (as the trainers do), gathers the joint and marginal rows, runs the critic forward
 * and backward through {@link Kernels} and returns its {@link StepAggregate}. The aggregates are
 * merged in partition order and {@link MineOptimizer#step} applies the DV gradient (moving-average
 * denominator) and Adam, on the calling thread, as the driver does.
 *
 * <p>With two threads, the partitions' shares run in parallel (the way two executor cores run two
 * tasks) and meet at a spinning barrier; the merge and the Adam update run on the calling thread
 * while the helper waits. Unlike the trainers, the workers read the optimiser's live parameters
 * (no copy per step: nothing writes them while the shares run). Not thread-safe; {@link #close} stops
 * the helper thread.
 */
final class WorkloadW implements AutoCloseable {
    static final int DX = 20;
    static final int DY = 20;
    static final int HIDDEN = 256;
    static final CriticShape SHAPE = new CriticShape(DX, DY, new int[] {HIDDEN, HIDDEN});
    /** Rows cached per partition (as {@code TrainingLoopBench}); the minibatch is drawn from them. */
    static final int ROWS_PER_PARTITION = 50_000;
    static final double LEARNING_RATE = 1e-4;
    private static final long DATA = 1;
    private static final long TRAIN = 2;

    private final int batch;
    private final long seed;
    private final FloatBlock[] blocks;
    private final PartitionWorker[] workers;
    private final int[] share;
    private final StepAggregate[] parts;
    private final StepAggregate merged = new StepAggregate((int) SHAPE.numParams());
    private final MineOptimizer opt;
    private final SpinBarrier barrier;
    private final Thread helper;
    private volatile boolean closed;
    private volatile Throwable helperFailure;
    private int step; // written before the start barrier, read by the helper after it
    private double lastLoss = Double.NaN;

    /**
     * GEMM FLOP per joint sample of the critic: each step scores {@code 2 B} rows (joint and
     * marginal), each row costs {@code 2 (in H + H H + H)} forward and
     * {@code 2 (H + H + H H + H H + in H)} backward (no input gradient).
     */
    static double gemmFlopPerSample() {
        long in = DX + DY;
        long h = HIDDEN;
        long forward = 2 * (in * h + h * h + h);
        long backward = 2 * (h + h + h * h + h * h + in * h);
        return 2.0 * (forward + backward);
    }

    WorkloadW(Kernels k, int batch, int threads, long seed) {
        this.batch = batch;
        this.seed = seed;
        Bound dv = Bound.forName("dv", Bound.DEFAULT_EMA_ALPHA, Bound.DEFAULT_SMILE_TAU, Bound.DEFAULT_INFONCE_K);
        this.opt = new MineOptimizer(SHAPE, SHAPE.init(seed), LEARNING_RATE, dv, k);
        SyntheticTasks.Task task = SyntheticTasks.create(SyntheticTasks.CORR_GAUSSIAN, DX, 2.0);
        blocks = new FloatBlock[threads];
        workers = new PartitionWorker[threads];
        share = new int[threads];
        parts = new StepAggregate[threads];
        for (int p = 0; p < threads; p++) {
            share[p] = batch / threads + (p < batch % threads ? 1 : 0);
            blocks[p] = block(task, new SplittableRandom(Seeds.derive(seed, DATA, p)));
            workers[p] = new PartitionWorker(SHAPE, k, share[p], dv);
        }
        if (threads == 2) {
            barrier = new SpinBarrier(2);
            helper = new Thread(this::helperLoop, "workload-w-helper");
            helper.setDaemon(true);
            helper.start();
        } else {
            barrier = null;
            helper = null;
        }
    }

    private static FloatBlock block(SyntheticTasks.Task task, SplittableRandom rnd) {
        int n = ROWS_PER_PARTITION;
        float[] x = new float[n * DX];
        float[] y = new float[n * DY];
        double[] xr = new double[DX];
        double[] yr = new double[DY];
        for (int r = 0; r < n; r++) {
            task.fillRow(rnd, xr, yr);
            for (int j = 0; j < DX; j++) {
                x[r * DX + j] = (float) xr[j];
                y[r * DY + j] = (float) yr[j];
            }
        }
        return new FloatBlock(n, DX, DY, x, y);
    }

    int batch() {
        return batch;
    }

    /** The DV loss {@code -(mean_joint T - ln mean_marg e^T)} of the last step's minibatch (before its update). */
    double lastLoss() {
        return lastLoss;
    }

    /** Runs {@code steps} training steps. */
    void run(int steps) {
        for (int s = 0; s < steps; s++) {
            step++;
            if (helper != null) {
                barrier.await(); // start: step number and updated parameters visible to the helper
            }
            parts[0] = shareStep(0);
            if (helper != null) {
                barrier.await(); // helper's share done
                if (helperFailure != null) {
                    throw new IllegalStateException("workload W helper thread failed", helperFailure);
                }
            }
            merged.clear();
            for (StepAggregate a : parts) {
                merged.merge(a);
            }
            lastLoss = -opt.step(merged);
        }
    }

    /** Partition {@code p}'s share of the current step: the production {@link PartitionWorker#trainStep}. */
    private StepAggregate shareStep(int p) {
        return workers[p].trainStep(blocks[p], opt.params(), share[p], Seeds.derive(seed, TRAIN, step, p));
    }

    private void helperLoop() {
        while (true) {
            barrier.await();
            if (closed) {
                return;
            }
            try {
                parts[1] = shareStep(1);
            } catch (Throwable e) {
                helperFailure = e;
            }
            barrier.await();
        }
    }

    @Override
    public void close() {
        if (helper != null && !closed) {
            closed = true;
            barrier.await();
            try {
                helper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A reusable sense-reversing barrier that spins (then yields, then parks): two cores, two threads. */
    static final class SpinBarrier {
        private final int parties;
        private final AtomicInteger waiting = new AtomicInteger();
        private volatile int generation;

        SpinBarrier(int parties) {
            this.parties = parties;
        }

        void await() {
            int gen = generation;
            if (waiting.incrementAndGet() == parties) {
                waiting.set(0);
                generation = gen + 1;
                return;
            }
            int spins = 0;
            while (generation == gen) {
                if (++spins < 20_000) {
                    Thread.onSpinWait();
                } else if (spins < 22_000) {
                    Thread.yield();
                } else {
                    // a long wait: this workload is idle while another one is measured
                    // (KernelBench.runWorkloadWInterleaved), so its helper must not take a core
                    LockSupport.parkNanos(1_000_000);
                }
            }
        }
    }
}
