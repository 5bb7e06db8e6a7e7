package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
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
 * exactly what the one-job-per-step trainer does ({@link PassSteps}): same streams, same float32
 * rounding of the partition aggregates, same merge order, same optimiser calls, hence bit-identical
 * weights; also when a task fails and Spark retries the barrier stage, and for several critics of
 * different batch sizes in one pass.
 */
class StreamTrainerTest {
    private static final CriticShape SHAPE = new CriticShape(3, 2, new int[] {16, 8});
    private static final CriticShape SHAPE2 = new CriticShape(1, 2, new int[] {8});
    private static final int BATCH = 64;
    private static final int[] X = {0, 1, 2};
    private static final int[] Y = {3, 4};
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
        // the engine's wide block: x (3 columns), then y keeping 2 of its 3 columns so dx != dy
        float[] w = new float[rows * 5];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * 3, w, r * 5, 3);
            w[r * 5 + 3] = y[r * 3];
            w[r * 5 + 4] = y[r * 3 + 1];
        }
        return new FloatBlock(rows, 5, 0, w, new float[0]);
    }

    private static MineOptimizer optimizer() {
        return new MineOptimizer(SHAPE, SHAPE.init(3), 1e-2, 0.05, Kernels.forName("vector")).withCosineDecay(30, 0.1);
    }

    private static PassSteps steps(String trainer, JavaRDD<FloatBlock> data) {
        return new PassSteps(trainer, data, new CriticShape[] {SHAPE}, new int[][] {X}, new int[][] {Y}, "vector",
                org.minespark.core.Bound.forName("dv", 0.05, 5, 16), 5, new SplittableRandom().nextLong());
    }

    private static PassSteps stream() {
        return steps(PassSteps.STREAM, blocks);
    }

    private static PassSteps jobs() {
        return steps(PassSteps.JOBS, blocks);
    }

    /** One optimiser per critic, stepped in order; {@code onStep} sees every step first. */
    private static final class Critics implements PassSteps.Critics {
        final MineOptimizer[] opts;
        final int[] batch;
        final double[] estimates;
        final java.util.function.IntConsumer onStep;
        int next;

        Critics(MineOptimizer[] opts, int[] batch, double[] estimates, java.util.function.IntConsumer onStep) {
            this.opts = opts;
            this.batch = batch;
            this.estimates = estimates;
            this.onStep = onStep;
        }

        @Override
        public float[][] weights(int m) {
            return opts[m].params();
        }

        @Override
        public int batch(int m) {
            return batch[m];
        }

        @Override
        public boolean anyActive() {
            return true;
        }

        @Override
        public void afterStep(int step, org.minespark.core.StepAggregate[] merged, long nanos) {
            onStep.accept(step);
            assertEquals(next++, step, "steps in order");
            for (int m = 0; m < opts.length; m++) {
                double v = opts[m].step(merged[m]);
                if (m == 0) {
                    estimates[step] = v;
                }
            }
        }
    }

    /** Trains steps 0..split and split..steps as two segments; returns the weights and the estimates. */
    private static float[][] train(PassSteps loop, int split, int steps, double[] estimates) {
        return train(loop, split, steps, estimates, s -> { });
    }

    private static float[][] train(PassSteps loop, int split, int steps, double[] estimates,
                                   java.util.function.IntConsumer onStep) {
        MineOptimizer opt = optimizer();
        Critics c = new Critics(new MineOptimizer[] {opt}, new int[] {BATCH}, estimates, onStep);
        loop.run(0, split, c);
        loop.run(split, steps, c);
        assertEquals(steps, c.next);
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
        float[][] jobs = train(jobs(), 12, 30, dvJobs);
        float[][] stream = train(stream(), 12, 30, dvStream);
        assertBitIdentical(jobs, stream);
        assertArrayEquals(dvJobs, dvStream, 0.0);
        // the weights moved (a trainer that did nothing would trivially agree with itself)
        assertFalse(java.util.Arrays.equals(jobs[0], SHAPE.init(3)[0]));
    }

    /**
     * Trains 30 steps without a fault and again, in two segments split at {@code split}, with the
     * task failure {@link StreamTrainer#withInjectedFailure} at {@code failAt}: the weights and
     * estimates must be bit-identical, and the faulty run must end within 60 s, far below the
     * 600 s read timeout that a hung stage waits for.
     */
    private static void assertInjectedFailureChangesNothing(int failAt, int split, String hang) {
        double[] dvA = new double[30];
        double[] dvB = new double[30];
        float[][] clean = train(stream(), 30, 30, dvA);
        PassSteps faultySteps = stream();
        faultySteps.streamTrainer().withInjectedFailure(failAt);
        float[][] faulty = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> train(faultySteps, split, 30, dvB), hang);
        assertBitIdentical(clean, faulty);
        assertArrayEquals(dvA, dvB, 0.0);
    }

    @Test
    void run_taskFailsOnce_stageRetriedAndWeightsBitIdentical() {
        assertInjectedFailureChangesNothing(17, 12, "the stage was not retried");
    }

    /**
     * Spark can rerun the barrier stage after the last step (an executor that dies with the stage's
     * map output, or a task failing on its way out): the new attempt's tasks must be told to stop at
     * once. Before this was handled they waited for weights until the read timeout and the run hung.
     */
    @Test
    void run_stageFailsAfterLastStep_newAttemptToldToStopAndWeightsBitIdentical() {
        assertInjectedFailureChangesNothing(StreamTrainer.AFTER_LAST_STEP, 30, "the rerun stage was not told to stop promptly");
    }

    /**
     * A task fails before connecting while the other task of its attempt already waits for weights
     * (an executor lost at the start of a segment). Spark kills the waiting task without
     * interrupting it and needs its slot for the next attempt; the task must notice the kill
     * instead of waiting for weights until the read timeout, or the stage never reruns (it hung
     * StandaloneClusterIT, whose two executors have exactly the stage's two slots, like local[2]).
     */
    @Test
    void run_taskFailsBeforeConnecting_otherTaskEndsAndWeightsBitIdentical() {
        assertInjectedFailureChangesNothing(StreamTrainer.BEFORE_CONNECTING, 12,
                "the retried stage did not start (a killed task kept its slot)");
    }

    @Test
    void run_listenerThrows_exceptionPropagatesAndTheSlotsAreFreed() {
        PassSteps t = stream();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> train(t, 10, 10, new double[10], s -> {
                    if (s == 3) {
                        throw new IllegalStateException("stop at 3");
                    }
                }));
        assertEquals("stop at 3", e.getMessage());
        // the abandoned stage must not hold the task slots: a new barrier stage (all slots) runs
        double[] dv = new double[5];
        float[][] again = train(t, 2, 5, dv);
        float[][] jobs = train(jobs(), 5, 5, new double[5]);
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
                hello.put(new byte[16]).putInt(0).putInt(99).putInt(org.minespark.core.StepAggregate.wireBytes(
                        (int) SHAPE.numParams()));
                s.getOutputStream().write(hello.array());
                s.getOutputStream().flush();
                rogueRead[0] = s.getInputStream().read();
            } catch (java.io.IOException e) {
                rogueRead[0] = -2;
            }
        };
        float[][] stream;
        try {
            stream = train(stream(), 8, 8, new double[8]);
        } finally {
            StreamTrainer.listenHookForTests = null;
        }
        org.junit.jupiter.api.Assertions.assertTrue(rogueRead[0] < 0, "the driver closed the rogue connection: " + rogueRead[0]);
        assertBitIdentical(train(jobs(), 8, 8, new double[8]), stream);
    }

    @Test
    void run_morePartitionsThanSlots_failsClearly() {
        JavaRDD<FloatBlock> four = blocks.repartition(3);
        PassSteps t = steps(PassSteps.STREAM, four);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> train(t, 1, 1, new double[1]));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("only 2 task slots"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("--trainer jobs"), e.getMessage());
    }

    /**
     * Two critics of different shapes and batch sizes in one pass: both trainers agree bit for
     * bit, and each critic's weights equal those it gets when trained alone (its minibatch draw
     * depends only on its own batch, so the other critic cannot change it).
     */
    @Test
    void run_twoCriticsDifferentBatches_bitIdenticalAcrossTrainersAndToEachAlone() {
        PassSteps[] both = new PassSteps[2];
        float[][][][] out = new float[2][][][];
        for (int t = 0; t < 2; t++) {
            both[t] = new PassSteps(t == 0 ? PassSteps.JOBS : PassSteps.STREAM, blocks, new CriticShape[] {SHAPE, SHAPE2},
                    new int[][] {X, {4}}, new int[][] {Y, {0, 2}}, "vector",
                    org.minespark.core.Bound.forName("dv", 0.05, 5, 16), 5, new SplittableRandom().nextLong());
            MineOptimizer a = optimizer();
            MineOptimizer b = new MineOptimizer(SHAPE2, SHAPE2.init(4), 1e-2, 0.05, Kernels.forName("vector"));
            Critics c = new Critics(new MineOptimizer[] {a, b}, new int[] {BATCH, 21}, new double[20], s -> { });
            both[t].run(0, 20, c);
            out[t] = new float[][][] {a.snapshot(), b.snapshot()};
        }
        assertBitIdentical(out[0][0], out[1][0]);
        assertBitIdentical(out[0][1], out[1][1]);
        assertBitIdentical(train(jobs(), 20, 20, new double[20]), out[0][0]);
        PassSteps alone = new PassSteps(PassSteps.JOBS, blocks, new CriticShape[] {SHAPE2}, new int[][] {{4}},
                new int[][] {{0, 2}}, "vector", org.minespark.core.Bound.forName("dv", 0.05, 5, 16), 5,
                new SplittableRandom().nextLong());
        MineOptimizer b = new MineOptimizer(SHAPE2, SHAPE2.init(4), 1e-2, 0.05, Kernels.forName("vector"));
        alone.run(0, 20, new Critics(new MineOptimizer[] {b}, new int[] {21}, new double[20], s -> { }));
        assertBitIdentical(b.snapshot(), out[0][1]);
        assertFalse(java.util.Arrays.equals(b.snapshot()[0], SHAPE2.init(4)[0]), "the second critic trained");
    }
}
