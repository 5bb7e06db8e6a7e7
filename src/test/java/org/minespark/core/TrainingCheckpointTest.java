package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class TrainingCheckpointTest {
    private static final CriticShape SHAPE = new CriticShape(2, 2, new int[] {8, 8});
    private static final int STEPS = 60;
    private static final int BATCH = 64;

    private static Map<String, String> fingerprint(long seed) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("seed", Long.toString(seed));
        f.put("steps", Integer.toString(STEPS));
        return f;
    }

    /** 512 correlated Gaussian rows (x0 ~ y0, x1 ~ y1). */
    private static FloatBlock block() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 512;
        float[] x = new float[n * 2];
        float[] y = new float[n * 2];
        for (int i = 0; i < n * 2; i++) {
            double a = r.nextGaussian();
            x[i] = (float) a;
            y[i] = (float) (0.8 * a + 0.6 * r.nextGaussian());
        }
        return new FloatBlock(n, 2, 2, x, y);
    }

    private static MineOptimizer optimizer() {
        return new MineOptimizer(SHAPE, SHAPE.init(9), 1e-2, 0.05, Kernels.forName("scalar")).withCosineDecay(STEPS, 0.1);
    }

    /** Steps from..to-1 with streams derived from (seed, step), as the trainers do. */
    private static void run(MineOptimizer opt, ConvergenceMonitor mon, PartitionWorker w, FloatBlock b, int from, int to) {
        for (int s = from; s < to; s++) {
            double v = opt.step(w.trainStep(b, opt.params(), BATCH, Seeds.derive(7, 4, s, 0)));
            mon.onStep(s, v);
            if ((s + 1) % 10 == 0) {
                mon.onValidation(s + 1, v);
            }
        }
    }

    private static byte[] bytes(TrainingCheckpoint c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.write(out);
        return out.toByteArray();
    }

    @Test
    void writeRead_roundTripsBitForBit_includingSpecialValues() throws IOException {
        MineOptimizer opt = optimizer();
        ConvergenceMonitor mon = new ConvergenceMonitor(3, 0.01);
        PartitionWorker w = new PartitionWorker(SHAPE, Kernels.forName("scalar"), BATCH, opt.bound());
        run(opt, mon, w, block(), 0, 25);
        // values a text or canonicalising format would lose
        opt.params()[0][0] = Float.intBitsToFloat(0x7fc0_1234); // NaN with a payload
        opt.params()[0][1] = -0.0f;
        opt.adamM()[1][0] = Float.MIN_VALUE;
        double[] curve = new double[STEPS];
        Arrays.fill(curve, 0, 25, Math.PI);
        curve[3] = Double.longBitsToDouble(0x7ff8_0000_0000_0abcL);
        float[][] kept = opt.snapshot();
        TrainingCheckpoint c = TrainingCheckpoint.capture(fingerprint(7), 1, 1e-3, "first diverged", 25, false, opt,
                mon, kept, 20, curve, 1.5);
        byte[] first = bytes(c);
        TrainingCheckpoint back = TrainingCheckpoint.read(new ByteArrayInputStream(first));
        // a re-written copy is byte-identical: every field survived exactly
        assertArrayEquals(first, bytes(back));

        MineOptimizer opt2 = optimizer();
        ConvergenceMonitor mon2 = new ConvergenceMonitor(3, 0.01);
        back.restore(opt2, mon2);
        for (int i = 0; i < opt.params().length; i++) {
            assertArrayEquals(bits(opt.params()[i]), bits(opt2.params()[i]), "weights tensor " + i);
            assertArrayEquals(bits(opt.adamM()[i]), bits(opt2.adamM()[i]), "m tensor " + i);
            assertArrayEquals(bits(opt.adamV()[i]), bits(opt2.adamV()[i]), "v tensor " + i);
        }
        assertEquals(Double.doubleToRawLongBits(opt.logMovingAverage()), Double.doubleToRawLongBits(opt2.logMovingAverage()));
        assertEquals(25, opt2.stepsDone());
        assertEquals(Double.doubleToRawLongBits(opt.currentLearningRate()),
                Double.doubleToRawLongBits(opt2.currentLearningRate()));
        assertArrayEquals(mon.values(), mon2.values());
        assertArrayEquals(mon.steps(), mon2.steps());
        assertEquals(mon.best(), mon2.best(), 0.0);
        assertEquals(mon.bestStep(), mon2.bestStep());
        assertEquals(mon.converged(), mon2.converged());
        assertEquals(mon.stillIncreasing(), mon2.stillIncreasing());
        assertEquals(1, back.attempt());
        assertEquals(1e-3, back.learningRate(), 0.0);
        assertEquals("first diverged", back.firstDivergence());
        assertEquals(25, back.step());
        assertEquals(20, back.keptStep());
        assertEquals(25, back.curve().length);
        assertEquals(0x7ff8_0000_0000_0abcL, Double.doubleToRawLongBits(back.curve()[3]));
        assertEquals(0x7fc0_1234, Float.floatToRawIntBits(back.kept()[0][0]));
        assertEquals(fingerprint(7), back.fingerprint());
    }

    @Test
    void restore_continuesExactlyAsTheUninterruptedRun() throws IOException {
        FloatBlock b = block();
        MineOptimizer a = optimizer();
        ConvergenceMonitor ma = new ConvergenceMonitor(0, 0.0);
        PartitionWorker w = new PartitionWorker(SHAPE, Kernels.forName("scalar"), BATCH, a.bound());
        run(a, ma, w, b, 0, STEPS);

        MineOptimizer part = optimizer();
        ConvergenceMonitor mp = new ConvergenceMonitor(0, 0.0);
        run(part, mp, w, b, 0, 23);
        byte[] saved = bytes(TrainingCheckpoint.capture(fingerprint(7), 0, 1e-2, null, 23, false, part, mp, null, 0,
                new double[STEPS], 0.0));
        // a fresh optimiser (as after a driver restart), restored, then the remaining steps
        MineOptimizer resumed = optimizer();
        ConvergenceMonitor mr = new ConvergenceMonitor(0, 0.0);
        TrainingCheckpoint.read(new ByteArrayInputStream(saved)).restore(resumed, mr);
        run(resumed, mr, w, b, 23, STEPS);
        for (int i = 0; i < a.params().length; i++) {
            assertArrayEquals(bits(a.params()[i]), bits(resumed.params()[i]), "weights tensor " + i);
        }
        assertArrayEquals(ma.values(), mr.values());
        // and the state really moved: a restore-free continuation from fresh weights differs
        MineOptimizer fresh = optimizer();
        run(fresh, new ConvergenceMonitor(0, 0.0), w, b, 23, STEPS);
        assertTrue(!Arrays.equals(bits(a.params()[0]), bits(fresh.params()[0])));
    }

    @Test
    void coolDown_ratesFallLinearlyToTheFinalRate_andAResumeRestoresThem() {
        MineOptimizer a = optimizer();
        PartitionWorker w = new PartitionWorker(SHAPE, Kernels.forName("scalar"), BATCH, a.bound());
        FloatBlock b = block();
        ConvergenceMonitor ma = new ConvergenceMonitor(0, 0.0);
        run(a, ma, w, b, 0, 10);
        double before = a.currentLearningRate(); // the cosine schedule's rate after 10 updates
        a.coolDown(10, 20);
        assertEquals(before, a.currentLearningRate(), 1e-15, "the cool-down starts at the scheduled rate");
        run(a, ma, w, b, 10, 20);
        double finalRate = (float) 1e-2 * 0.1; // the optimiser keeps its base rate as a float
        // the tolerances are double rounding of a few operations on rates near 1e-2
        assertEquals(before + (finalRate - before) * 0.5, a.currentLearningRate(), 1e-15, "halfway: halfway down");
        run(a, ma, w, b, 20, 30);
        assertEquals(finalRate, a.currentLearningRate(), 1e-15, "at the end: the final rate");
        run(a, ma, w, b, 30, 35);
        assertEquals(finalRate, a.currentLearningRate(), 1e-15, "and it stays there");
        assertThrows(IllegalArgumentException.class, () -> a.coolDown(5, 0));
        // resumed from after step 15 with the same cool-down re-applied: bit for bit the same run
        MineOptimizer part = optimizer();
        ConvergenceMonitor mp = new ConvergenceMonitor(0, 0.0);
        run(part, mp, w, b, 0, 10);
        part.coolDown(10, 20);
        run(part, mp, w, b, 10, 15);
        MineOptimizer resumed = optimizer();
        ConvergenceMonitor mr = new ConvergenceMonitor(0, 0.0);
        TrainingCheckpoint.capture(fingerprint(7), 0, 1e-2, null, 15, false, part, mp, null, 0, new double[STEPS], 0.0)
                .restore(resumed, mr);
        resumed.coolDown(10, 20);
        run(resumed, mr, w, b, 15, 35);
        for (int i = 0; i < a.params().length; i++) {
            assertArrayEquals(bits(a.params()[i]), bits(resumed.params()[i]), "weights tensor " + i);
        }
    }

    @Test
    void writeRead_grownBatch_roundTrips() throws IOException {
        MineOptimizer opt = optimizer();
        TrainingCheckpoint c = TrainingCheckpoint.capture(fingerprint(7), 0, 1e-2, null, 0, false, opt,
                new ConvergenceMonitor(1, 0), null, 0, new double[0], 0.0).withBatch(4096, new int[] {500, 750});
        TrainingCheckpoint back = TrainingCheckpoint.read(new ByteArrayInputStream(bytes(c)));
        assertEquals(4096, back.batchSize());
        assertArrayEquals(new int[] {500, 750}, back.batchGrowthSteps());
        // without withBatch: 0 = "not recorded, the run's configured batch"
        TrainingCheckpoint plain = TrainingCheckpoint.read(new ByteArrayInputStream(bytes(
                TrainingCheckpoint.capture(fingerprint(7), 0, 1e-2, null, 0, false, opt,
                        new ConvergenceMonitor(1, 0), null, 0, new double[0], 0.0))));
        assertEquals(0, plain.batchSize());
        assertEquals(0, plain.batchGrowthSteps().length);
        assertThrows(IllegalArgumentException.class, () -> c.withBatch(0, new int[0]));
    }

    @Test
    void read_versionOne_readsAsNoGrowthYet() throws IOException {
        MineOptimizer opt = optimizer();
        byte[] v2 = bytes(TrainingCheckpoint.capture(fingerprint(7), 0, 1e-2, null, 0, false, opt,
                new ConvergenceMonitor(1, 0), null, 0, new double[0], 0.0));
        // a version-1 file: the same bytes without the batch fields (int batch, int count = 8 bytes),
        // version 1 in the header and a CRC-32 over the rest
        byte[] body = Arrays.copyOf(v2, v2.length - 8 - 8);
        TrainingCheckpoint back = TrainingCheckpoint.read(new ByteArrayInputStream(withVersion(body, 1)));
        assertEquals(0, back.batchSize());
        assertEquals(0, back.batchGrowthSteps().length);
        assertEquals(fingerprint(7), back.fingerprint());
        // an unknown future version is rejected with the version named
        byte[] v9 = withVersion(Arrays.copyOf(v2, v2.length - 8), 9);
        IOException e = assertThrows(IOException.class, () -> TrainingCheckpoint.read(new ByteArrayInputStream(v9)));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    /** A checkpoint file from {@code body} (everything before the CRC) with the version set and a fresh CRC-32. */
    private static byte[] withVersion(byte[] bodyWithoutCrc, int version) {
        byte[] body = bodyWithoutCrc.clone();
        java.nio.ByteBuffer.wrap(body).putInt(8, version); // after the 8-byte magic
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(body);
        return java.nio.ByteBuffer.allocate(body.length + 8).put(body).putLong(crc.getValue()).array();
    }

    @Test
    void read_truncatedOrDamaged_isAnIOException() throws IOException {
        MineOptimizer opt = optimizer();
        byte[] ok = bytes(TrainingCheckpoint.capture(fingerprint(7), 0, 1e-2, null, 0, false, opt,
                new ConvergenceMonitor(1, 0), null, 0, new double[0], 0.0));
        IOException cut = assertThrows(IOException.class,
                () -> TrainingCheckpoint.read(new ByteArrayInputStream(Arrays.copyOf(ok, ok.length - 9))));
        assertTrue(cut.getMessage().contains("checksum"), cut.getMessage());
        byte[] flipped = ok.clone();
        flipped[ok.length / 2] ^= 1;
        assertThrows(IOException.class, () -> TrainingCheckpoint.read(new ByteArrayInputStream(flipped)));
        IOException notOne = assertThrows(IOException.class,
                () -> TrainingCheckpoint.read(new ByteArrayInputStream("hello, world, not a checkpoint".getBytes())));
        assertTrue(notOne.getMessage().contains("MINECKPT"), notOne.getMessage());
    }

    @Test
    void restore_otherCriticShape_isRejected() throws IOException {
        MineOptimizer opt = optimizer();
        TrainingCheckpoint c = TrainingCheckpoint.capture(fingerprint(7), 0, 1e-2, null, 0, false, opt,
                new ConvergenceMonitor(1, 0), null, 0, new double[0], 0.0);
        CriticShape other = new CriticShape(2, 2, new int[] {8, 4});
        MineOptimizer o = new MineOptimizer(other, other.init(1), 1e-2, 0.05, Kernels.forName("scalar"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.restore(o, new ConvergenceMonitor(1, 0)));
        assertTrue(e.getMessage().contains("tensor"), e.getMessage());
    }

    @Test
    void differences_namesEveryDifferingSetting() {
        Map<String, String> now = fingerprint(8);
        now.put("partitions", "4");
        List<String> d = TrainingCheckpoint.differences(fingerprint(7), now);
        assertEquals(List.of("partitions: checkpoint (none), this run 4", "seed: checkpoint 7, this run 8"), d);
        assertTrue(TrainingCheckpoint.differences(fingerprint(7), fingerprint(7)).isEmpty());
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}
