package org.minespark.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MineOptimizer;
import org.minespark.core.Seeds;
import org.minespark.core.SyntheticTasks;

/**
 * Measures the whole synchronous training loop on the given session: cached blocks of workload W
 * data (20-d x, 20-d y, correlated Gaussian, in the engine's wide blocks), the critic of
 * BENCHMARKS.md, through the engine's production step path ({@link PassSteps} with one critic) on
 * the named trainer ({@code stream} or {@code jobs}).
 * Reports training samples/s and the median per-step overhead (step wall time minus the longest
 * partition's compute time).
 */
public final class TrainingLoopBench {
    private TrainingLoopBench() {
    }

    /** Result of one measurement. */
    public record Result(String trainer, int batch, int partitions, int steps, double samplesPerS, double medianStepMs,
                         double medianComputeMs, double medianOverheadMs) {
    }

    public static Result run(SparkSession spark, String trainer, String kernels, int batch, int warmupSteps, int steps,
                             int rowsPerPartition) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int parts = jsc.defaultParallelism();
        SyntheticTasks.Task task = SyntheticTasks.create(SyntheticTasks.CORR_GAUSSIAN, 20, 2.0);
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            ids.add(p);
        }
        JavaRDD<FloatBlock> blocks = jsc.parallelize(ids, parts).map(p -> {
            SplittableRandom rnd = new SplittableRandom(Seeds.derive(99, p));
            float[] x = new float[rowsPerPartition * 40];
            double[] xr = new double[20];
            double[] yr = new double[20];
            for (int r = 0; r < rowsPerPartition; r++) {
                task.fillRow(rnd, xr, yr);
                for (int j = 0; j < 20; j++) {
                    x[r * 40 + j] = (float) xr[j];
                    x[r * 40 + 20 + j] = (float) yr[j];
                }
            }
            return new FloatBlock(rowsPerPartition, 40, 0, x, new float[0]);
        });
        blocks.persist(StorageLevel.MEMORY_ONLY());
        blocks.count();
        try {
            CriticShape shape = new CriticShape(20, 20, new int[] {256, 256});
            Kernels driverKernels = Kernels.forName(kernels);
            MineOptimizer opt = new MineOptimizer(shape, shape.init(1), 1e-4, 0.01, driverKernels);
            PassSteps loop = new PassSteps(trainer, blocks, new CriticShape[] {shape},
                    new int[][] {InputStats.range(0, 20)}, new int[][] {InputStats.range(20, 40)}, driverKernels.name(),
                    opt.bound(), 5,
                    new SplittableRandom().nextLong());
            long[] wall = new long[steps];
            long[] compute = new long[steps];
            long[] over = new long[steps];
            int[] from = {warmupSteps};
            PassSteps.Critics critics = new PassSteps.Critics() {
                @Override
                public float[][] weights(int m) {
                    return opt.params();
                }

                @Override
                public int batch(int m) {
                    return batch;
                }

                @Override
                public boolean anyActive() {
                    return true;
                }

                @Override
                public void afterStep(int s, org.minespark.core.StepAggregate[] merged, long nanos) {
                    opt.step(merged[0]);
                    int i = s - from[0];
                    if (i >= 0) {
                        wall[i] = nanos;
                        compute[i] = merged[0].computeNanos();
                        over[i] = nanos - merged[0].computeNanos();
                    }
                }
            };
            loop.run(0, warmupSteps, critics);
            long t0 = System.nanoTime();
            // one segment, as in an estimate: the stream trainer's stage start-up is part of the time
            loop.run(warmupSteps, warmupSteps + steps, critics);
            double total = (System.nanoTime() - t0) / 1e9;
            return new Result(trainer, batch, parts, steps, steps * (double) batch / total, median(wall) / 1e6,
                    median(compute) / 1e6, median(over) / 1e6);
        } finally {
            blocks.unpersist(false);
        }
    }

    private static double median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0;
    }
}
