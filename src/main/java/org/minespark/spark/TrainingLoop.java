package org.minespark.spark;

import org.minespark.core.MineOptimizer;
import org.minespark.core.StepAggregate;

/**
 * Runs synchronous data-parallel training steps: for each step, every partition computes its
 * minibatch aggregate with the optimiser's current weights and a random stream derived from
 * (seed, purpose, step, partition), the aggregates are merged in partition order, and
 * {@link MineOptimizer#step} applies the update on the driver. Implementations differ only in how
 * weights and aggregates travel (one Spark job per step, or a long-lived stage); for a given seed
 * and partitioning they produce bit-identical weights.
 *
 * <p>Steps are run in segments ({@code run(from, to, ...)}) so the caller can evaluate, checkpoint
 * or stop between segments.
 */
interface TrainingLoop {

    /** Called on the driver after every step, in step order. */
    interface StepListener {
        /**
         * @param step      the step just done (0-based)
         * @param estimate  the minibatch bound value {@link MineOptimizer#step} returned
         * @param agg       the merged aggregate of the step (read-only)
         * @param stepNanos driver wall time of the step (distribution, compute, merge and update)
         */
        void afterStep(int step, double estimate, StepAggregate agg, long stepNanos);
    }

    /** Runs steps {@code from, ..., to - 1} with stream purpose {@code purpose}, updating {@code opt}. */
    void run(int from, int to, long purpose, MineOptimizer opt, StepListener listener);

    /**
     * Sets every partition's share of the batch for the following {@link #run} calls (adaptive
     * batch growth between segments). The workers' buffers are sized for the largest share when a
     * segment starts (pooled workers that are large enough are reused), so a step still allocates
     * nothing.
     *
     * @throws IllegalArgumentException if the array does not have one entry per partition or has a
     *                                  negative entry
     */
    void setBatchPerPartition(int[] batchPerPartition);

    /**
     * Checks a new per-partition batch split against the number of training partitions and
     * returns its largest entry (at least 1), the size the workers' buffers must hold.
     */
    static int checkedMaxBatch(int partitions, int[] bpp) {
        if (bpp.length != partitions) {
            throw new IllegalArgumentException("batchPerPartition has " + bpp.length + " entries, expected "
                    + partitions + " (one per training partition)");
        }
        int m = 1;
        for (int b : bpp) {
            if (b < 0) {
                throw new IllegalArgumentException("batchPerPartition has a negative entry: " + b);
            }
            m = Math.max(m, b);
        }
        return m;
    }

    /** Short name for logs and results ({@code "jobs"}, ...). */
    String name();
}
