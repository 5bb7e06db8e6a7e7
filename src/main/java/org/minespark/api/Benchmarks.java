package org.minespark.api;

import org.apache.spark.sql.SparkSession;
import org.minespark.spark.TrainingLoopBench;

/**
 * The Spark training loop benchmark of {@code mine-submit bench}: the engine's production step path
 * (one critic of workload W, cached blocks of 20-d correlated Gaussian rows) on the named trainer.
 */
public final class Benchmarks {
    private Benchmarks() {
    }

    /**
     * One measurement: training samples per second and the median step, compute (slowest
     * partition) and overhead (step minus compute) in milliseconds.
     */
    public record LoopResult(String trainer, int batch, int partitions, int steps, double samplesPerS,
                             double medianStepMs, double medianComputeMs, double medianOverheadMs) {
    }

    /**
     * Runs {@code warmupSteps} untimed steps, then times {@code steps} steps of global batch
     * {@code batch} on {@code trainer} ({@code stream} or {@code jobs}) with the {@code kernels} backend.
     */
    public static LoopResult trainingLoop(SparkSession spark, String trainer, String kernels, int batch, int warmupSteps,
                                          int steps, int rowsPerPartition) {
        TrainingLoopBench.Result r = TrainingLoopBench.run(spark, trainer, kernels, batch, warmupSteps, steps,
                rowsPerPartition);
        return new LoopResult(r.trainer(), r.batch(), r.partitions(), r.steps(), r.samplesPerS(), r.medianStepMs(),
                r.medianComputeMs(), r.medianOverheadMs());
    }
}
