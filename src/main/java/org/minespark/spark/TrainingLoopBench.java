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
 * data (20-d x, 20-d y, correlated Gaussian), the critic of BENCHMARKS.md, with the named
 * {@link TrainingLoop} ({@code stream} or {@code jobs}).
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
            float[] x = new float[rowsPerPartition * 20];
            float[] y = new float[rowsPerPartition * 20];
            double[] xr = new double[20];
            double[] yr = new double[20];
            for (int r = 0; r < rowsPerPartition; r++) {
                task.fillRow(rnd, xr, yr);
                for (int j = 0; j < 20; j++) {
                    x[r * 20 + j] = (float) xr[j];
                    y[r * 20 + j] = (float) yr[j];
                }
            }
            return new FloatBlock(rowsPerPartition, 20, 20, x, y);
        });
        blocks.persist(StorageLevel.MEMORY_ONLY());
        blocks.count();
        try {
            CriticShape shape = new CriticShape(20, 20, new int[] {256, 256});
            MineOptimizer opt = new MineOptimizer(shape, shape.init(1), 1e-4, 0.01, Kernels.forName(kernels));
            int[] perPart = MineRunner.splitBatch(batch, parts);
            TrainingLoop loop = Trainers.create(trainer, blocks, shape, kernels, perPart, 5);
            loop.run(0, warmupSteps, 0, opt, (s, dv, agg, nanos) -> { });
            long[] wall = new long[steps];
            long[] compute = new long[steps];
            long[] over = new long[steps];
            long t0 = System.nanoTime();
            // one segment, as in an estimate: the stream trainer's stage start-up is part of the time
            loop.run(warmupSteps, warmupSteps + steps, 0, opt, (s, dv, agg, nanos) -> {
                int i = s - warmupSteps;
                wall[i] = nanos;
                compute[i] = agg.computeNanos();
                over[i] = nanos - agg.computeNanos();
            });
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
