package org.minespark.spark;

import java.util.Collections;

import org.apache.spark.api.java.JavaRDD;
import org.minespark.core.Bound;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MineOptimizer;
import org.minespark.core.PartitionWorker;
import org.minespark.core.Seeds;
import org.minespark.core.StepAggregate;

/**
 * One synchronous data-parallel step per call: ship the weights, let every cached block compute
 * its minibatch aggregate with a stream derived from (seed, step, partition), merge the aggregates
 * on the driver in partition order. The workers compute what the optimiser's {@link Bound} needs. A retried task recomputes exactly the same
 * aggregate because its randomness depends only on (seed, step, partition).
 */
final class SyncTrainer implements TrainingLoop {
    private final JavaRDD<FloatBlock> blocks;
    private final CriticShape shape;
    private final String kernels;
    private int[] batchPerPartition;
    private final long seed;
    private int maxBatch;

    SyncTrainer(JavaRDD<FloatBlock> blocks, CriticShape shape, String kernels,
                int[] batchPerPartition, long seed) {
        this.blocks = blocks;
        this.shape = shape;
        this.kernels = kernels;
        this.batchPerPartition = batchPerPartition.clone();
        this.seed = seed;
        int m = 1;
        for (int b : batchPerPartition) {
            m = Math.max(m, b);
        }
        this.maxBatch = m;
    }

    /**
     * Up to this many partitions the step aggregates are collected and merged in partition order,
     * which makes training bit-reproducible for a given seed and partitioning; beyond it a tree
     * reduce bounds the driver's memory (then float sums may associate differently between runs).
     */
    static final int MAX_COLLECTED_PARTITIONS = 64;

    @Override
    public void setBatchPerPartition(int[] bpp) {
        this.maxBatch = TrainingLoop.checkedMaxBatch(batchPerPartition.length, bpp);
        this.batchPerPartition = bpp.clone();
    }

    @Override
    public String name() {
        return "jobs";
    }

    @Override
    public void run(int from, int to, long purpose, MineOptimizer opt, StepListener listener) {
        for (int s = from; s < to; s++) {
            long t0 = System.nanoTime();
            StepAggregate agg = step(opt.snapshot(), s, purpose, opt.bound());
            double estimate = opt.step(agg);
            listener.afterStep(s, estimate, agg, System.nanoTime() - t0);
        }
    }

    /**
     * Runs one step with the given weights. The weights travel inside the task closure, which
     * Spark already ships once per executor as the stage's broadcast task binary; a separate
     * broadcast per step would add a second broadcast round trip (measured: ~2x the job latency in
     * local mode).
     */
    StepAggregate step(float[][] params, int step, long purpose) {
        return step(params, step, purpose, Bound.forName("dv"));
    }

    /** As {@link #step(float[][], int, long)} for the given bound. */
    StepAggregate step(float[][] params, int step, long purpose, Bound bound) {
        final CriticShape sh = shape;
        final String kn = kernels;
        final int[] bpp = batchPerPartition;
        final long sd = seed;
        final int mb = maxBatch;
        final float[][] weights = params;
        JavaRDD<StepAggregate> aggs = blocks.mapPartitionsWithIndex((pi, it) -> {
            long t0 = System.nanoTime();
            PartitionWorker w = PartitionWorker.acquire(sh, Kernels.forName(kn), mb, bound);
            StepAggregate agg = new StepAggregate((int) sh.numParams());
            try {
                while (it.hasNext()) {
                    agg.merge(w.trainStep(it.next(), weights, bpp[pi], Seeds.derive(sd, purpose, step, pi)));
                }
            } finally {
                PartitionWorker.release(w);
            }
            agg.recordComputeNanos(System.nanoTime() - t0);
            return Collections.singletonList(agg).iterator();
        }, false);
        return Merge.ordered(aggs, new StepAggregate((int) sh.numParams()), StepAggregate::merge, MAX_COLLECTED_PARTITIONS);
    }
}
