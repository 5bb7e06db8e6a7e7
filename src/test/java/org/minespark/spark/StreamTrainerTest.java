package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MineOptimizer;
import org.minespark.core.Seeds;
import org.minespark.core.SyntheticTasks;

/**
 * The stream trainer (one barrier stage per segment, weights and aggregates over sockets) must do
 * exactly what the one-job-per-step trainer does: same streams, same float32 rounding of the
 * partition aggregates, same merge order, same optimiser calls, hence bit-identical weights; also
 * when a task fails and Spark retries the barrier stage.
 */
class StreamTrainerTest {
    private static final CriticShape SHAPE = new CriticShape(3, 2, new int[] {16, 8});
    private static final int[] BATCH = {37, 27};
    private static JavaRDD<FloatBlock> blocks;

    @BeforeAll
    static void data() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkFixture.local2().sparkContext());
        SyntheticTasks.Task task = SyntheticTasks.create(SyntheticTasks.CORR_GAUSSIAN, 3, 1.0);
        // two partitions, the second with two blocks (a partition's blocks are merged in order)
        blocks = jsc.parallelize(List.of(0, 1, 2), 2).map(b -> block(task, b, 200 + 50 * b));
        blocks.persist(StorageLevel.MEMORY_ONLY());
        assertEquals(3, blocks.count());
    }

    @AfterAll
    static void release() {
        blocks.unpersist(false);
    }

    private static FloatBlock block(SyntheticTasks.Task task, int b, int rows) {
        SplittableRandom rnd = new SplittableRandom(Seeds.derive(7, b));
        float[] x = new float[rows * 3];
        float[] y = new float[rows * 3];
        double[] xr = new double[3];
        double[] yr = new double[3];
        for (int r = 0; r < rows; r++) {
            task.fillRow(rnd, xr, yr);
            for (int j = 0; j < 3; j++) {
                x[r * 3 + j] = (float) xr[j];
                y[r * 3 + j] = (float) yr[j];
            }
        }
        // y keeps 2 of its 3 columns so dx != dy
        float[] y2 = new float[rows * 2];
        for (int r = 0; r < rows; r++) {
            y2[r * 2] = y[r * 3];
            y2[r * 2 + 1] = y[r * 3 + 1];
        }
        return new FloatBlock(rows, 3, 2, x, y2);
    }

    private static MineOptimizer optimizer() {
        return new MineOptimizer(SHAPE, SHAPE.init(3), 1e-2, 0.05, Kernels.forName("vector")).withCosineDecay(30, 0.1);
    }

    /** Trains steps 0..split and split..steps as two segments; returns the weights and the estimates. */
    private static float[][] train(TrainingLoop loop, int split, int steps, double[] estimates) {
        MineOptimizer opt = optimizer();
        int[] next = {0};
        TrainingLoop.StepListener l = (step, dv, agg, nanos) -> {
            assertEquals(next[0]++, step, "steps in order");
            estimates[step] = dv;
        };
        loop.run(0, split, 1, opt, l);
        loop.run(split, steps, 1, opt, l);
        assertEquals(steps, next[0]);
        return opt.snapshot();
    }

    private static void assertBitIdentical(float[][] a, float[][] b) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            int[] ia = new int[a[i].length];
            int[] ib = new int[b[i].length];
            for (int j = 0; j < ia.length; j++) {
                ia[j] = Float.floatToRawIntBits(a[i][j]);
                ib[j] = Float.floatToRawIntBits(b[i][j]);
            }
            assertArrayEquals(ia, ib, "tensor " + i);
        }
    }

    @Test
    void run_sameSeedAndPartitioning_bitIdenticalToJobs() {
        double[] dvJobs = new double[30];
        double[] dvStream = new double[30];
        float[][] jobs = train(new SyncTrainer(blocks, SHAPE, "vector", BATCH, 5), 12, 30, dvJobs);
        float[][] stream = train(new StreamTrainer(blocks, SHAPE, "vector", BATCH, 5), 12, 30, dvStream);
        assertBitIdentical(jobs, stream);
        assertArrayEquals(dvJobs, dvStream, 0.0);
        // the weights moved (a trainer that did nothing would trivially agree with itself)
        assertFalse(java.util.Arrays.equals(jobs[0], SHAPE.init(3)[0]));
    }

    @Test
    void run_taskFailsOnce_stageRetriedAndWeightsBitIdentical() {
        double[] dvA = new double[30];
        double[] dvB = new double[30];
        float[][] clean = train(new StreamTrainer(blocks, SHAPE, "vector", BATCH, 5), 30, 30, dvA);
        float[][] faulty = train(new StreamTrainer(blocks, SHAPE, "vector", BATCH, 5).withInjectedFailure(17), 12, 30, dvB);
        assertBitIdentical(clean, faulty);
        assertArrayEquals(dvA, dvB, 0.0);
    }

    /**
     * Spark can rerun the barrier stage after the last step (an executor that dies with the stage's
     * map output, or a task failing on its way out): the new attempt's tasks must be told to stop at
     * once. Before this was handled they waited for weights until the read timeout and the run hung.
     */
    @Test
    void run_stageFailsAfterLastStep_newAttemptToldToStopAndWeightsBitIdentical() {
        double[] dvA = new double[30];
        double[] dvB = new double[30];
        float[][] clean = train(new StreamTrainer(blocks, SHAPE, "vector", BATCH, 5), 30, 30, dvA);
        long t0 = System.nanoTime();
        float[][] faulty = train(new StreamTrainer(blocks, SHAPE, "vector", BATCH, 5)
                .withInjectedFailure(StreamTrainer.AFTER_LAST_STEP), 30, 30, dvB);
        assertBitIdentical(clean, faulty);
        assertArrayEquals(dvA, dvB, 0.0);
        // far below the 600 s read timeout the tasks of the rerun would otherwise wait for
        assertTrue(System.nanoTime() - t0 < 60_000_000_000L, "the rerun stage was not told to stop promptly");
    }

    @Test
    void run_listenerThrows_exceptionPropagatesAndTheSlotsAreFreed() {
        StreamTrainer t = new StreamTrainer(blocks, SHAPE, "vector", BATCH, 5);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> t.run(0, 10, 1, optimizer(), (s, dv, agg, n) -> {
                    if (s == 3) {
                        throw new IllegalStateException("stop at 3");
                    }
                }));
        assertEquals("stop at 3", e.getMessage());
        // the abandoned stage must not hold the task slots: a new barrier stage (all slots) runs
        double[] dv = new double[5];
        float[][] again = train(t, 2, 5, dv);
        float[][] jobs = train(new SyncTrainer(blocks, SHAPE, "vector", BATCH, 5), 5, 5, new double[5]);
        assertBitIdentical(jobs, again);
    }

    @Test
    void run_connectionWithWrongToken_isDroppedAndTrainingUnaffected() {
        int[] rogueRead = {0};
        StreamTrainer.listenHookForTests = port -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                // claims partition 0 of a later stage attempt: accepted, it would replace the real tasks
                java.nio.ByteBuffer hello = java.nio.ByteBuffer.allocate(28);
                hello.put(new byte[16]).putInt(0).putInt(99).putInt((int) SHAPE.numParams());
                s.getOutputStream().write(hello.array());
                s.getOutputStream().flush();
                rogueRead[0] = s.getInputStream().read();
            } catch (java.io.IOException e) {
                rogueRead[0] = -2;
            }
        };
        float[][] stream;
        try {
            stream = train(new StreamTrainer(blocks, SHAPE, "vector", BATCH, 5), 8, 8, new double[8]);
        } finally {
            StreamTrainer.listenHookForTests = null;
        }
        org.junit.jupiter.api.Assertions.assertTrue(rogueRead[0] < 0, "the driver closed the rogue connection: " + rogueRead[0]);
        assertBitIdentical(train(new SyncTrainer(blocks, SHAPE, "vector", BATCH, 5), 8, 8, new double[8]), stream);
    }

    @Test
    void run_morePartitionsThanSlots_failsClearly() {
        JavaRDD<FloatBlock> four = blocks.repartition(3);
        StreamTrainer t = new StreamTrainer(four, SHAPE, "vector", new int[] {10, 10, 10}, 5);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> t.run(0, 1, 1, optimizer(), (s, dv, agg, n) -> { }));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("only 2 task slots"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("--trainer jobs"), e.getMessage());
    }
}
