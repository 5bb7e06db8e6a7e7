package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.core.SyntheticTasks;

/**
 * Tensor rows through {@link MineRunner}: the seed-000 data (x in {-1,1}, y = x + s, shape 96 x 7
 * per row, as array columns of 672 values) with {@code xShape(96, 7)} and a critic shared by the 96
 * positions.
 */
class TensorShapeSparkTest {
    private static final int POSITIONS = 96;
    private static final int DIM = 7;
    /** 7 ln(2) / 2: the MI of one 7-vector (seed 000). */
    private static final double PER_VECTOR = DIM * 0.5 * Math.log(2.0);
    private static Dataset<Row> data;

    @BeforeAll
    static void data() {
        SyntheticTasks.Task t = SyntheticTasks.create(SyntheticTasks.BINARY_TENSOR, DIM, null, null, POSITIONS);
        assertEquals(POSITIONS * PER_VECTOR, t.trueMiNats(), 1e-9);
        data = SyntheticData.generate(SparkFixture.local2(), t, 3_000, 17, 2).cache();
    }

    private static MineSpec spec() {
        return MineSpec.x("x").y("y").withSeed(5).withBatchSize(64).withHidden(List.of(20)).withLogEvery(1000);
    }

    /**
     * Seed 000's estimate: 2.426 nats per 7-vector within 5 % (issue 8). Held out: ~600 rows x 96
     * positions; per pair the joint score of the optimal critic has variance 7 ln(2)^2 / 4 = 0.84
     * and the marginal e^T variance 1.5^7 - 1 = 16, so the sampling standard error of the pooled DV
     * is about sqrt((0.84 + 16) / 57600) = 0.017 nats (0.026 for this critic, the printed CI). The
     * rest of the tolerance (0.12 nats in all) covers the optimisation gap of a short run: 800 steps
     * of 128 rows (batch 12288 (row, position) pairs per step: tensor batches count position pairs), hidden [64] (the seed's [20] stays 0.15
     * nats below the truth after 600 steps: it must push T of impossible pairs, |y - x| = 3 at a coordinate,
     * towards -inf). Measured while tuning (fixed seed, 3000 rows): [20] 2.22-2.29, [64] 2.34-2.37,
     * [64] x 800 steps x batch 128 2.377, [64, 64] 2.39; 10000 rows did not help (2.366). The bound
     * is a lower bound in expectation: above the truth by more than 5 % means a broken estimator.
     */
    @Test
    void seed000_shape96x7_givesPerVectorMiWithin5Percent() {
        MiResult r = MineRunner.run(data, spec().withXShape(POSITIONS, DIM).withYShape(POSITIONS, DIM)
                .withHidden(List.of(64)).withBatchSize(128 * POSITIONS).withSteps(800).withLearningRate(1e-2).withEvalEvery(0)
                .withPermutations(19), null);
        System.out.printf("binary-tensor 96x7: %.4f nats per vector (truth %.4f), CI [%.4f, %.4f], total %.2f,"
                        + " %.1f s train%n", r.miNats(), PER_VECTOR, r.ci95LowNats(), r.ci95HighNats(), r.miTotalNats(),
                r.trainSeconds());
        assertEquals(PER_VECTOR, r.miNats(), 0.05 * PER_VECTOR);
        assertEquals(POSITIONS, r.positions());
        assertEquals(POSITIONS * r.miNats(), r.miTotalNats(), 1e-9);
        assertEquals(POSITIONS * r.ci95LowNats(), r.ci95TotalLowNats(), 1e-9);
        assertTrue(r.ci95LowNats() <= r.miNats() && r.miNats() <= r.ci95HighNats());
        assertTrue(r.significance().dependent() && r.significance().pValue() == 0.05, r.significance().toString());
        assertEquals(POSITIONS, r.toMap().get("positions"));
        assertEquals(r.miTotalNats() / MiResult.LN2, (double) r.toMap().get("mi_total_bits"), 1e-9);
    }

    /** Both trainers give the same bits with tensor rows (the shape, with its positions, reaches the tasks). */
    @Test
    void trainers_tensorRows_sameBits() {
        MineSpec s = spec().withXShape(POSITIONS, DIM).withSteps(30).withBatchSize(32).withEvalEvery(10)
                .withPermutations(5).withPartitions(2);
        MiResult stream = MineRunner.run(data, s.withTrainer("stream"), null);
        MiResult jobs = MineRunner.run(data, s.withTrainer("jobs"), null);
        assertEquals(stream.miNats(), jobs.miNats(), 0.0);
        assertEquals(stream.stdErrNats(), jobs.stdErrNats(), 0.0);
        assertArrayEquals(stream.curve(), jobs.curve(), 0.0);
        assertEquals(stream.significance().pValue(), jobs.significance().pValue(), 0.0);
    }

    /**
     * Pooled standardisation: feature j of every position gets mean_p mean_pj and the pooled
     * variance mean_p (sd_pj^2 + mean_pj^2) - m_j^2, separately for x and y.
     */
    @Test
    void poolPositions_oneAffineMapPerFeature() {
        // x: 2 positions x 2 features, y: 2 positions x 1 feature
        double[] mean = {1, 10, 3, 20, 0, 4};
        double[] invStd = {1, 0.5, 1, 0.25, 1, 0.5};
        TensorShapes.poolPositions(mean, invStd, 2, 2, 1);
        // x feature 0: means 1, 3 (sd 1, 1): m = 2, var = (1 + 1 + 1 + 9) / 2 - 4 = 2
        // x feature 1: means 10, 20 (sd 2, 4): m = 15, var = (4 + 100 + 16 + 400) / 2 - 225 = 35
        // y: means 0, 4 (sd 1, 2): m = 2, var = (1 + 0 + 4 + 16) / 2 - 4 = 6.5
        assertArrayEquals(new double[] {2, 15, 2, 15, 2, 2}, mean, 1e-12);
        assertArrayEquals(new double[] {1 / Math.sqrt(2), 1 / Math.sqrt(35), 1 / Math.sqrt(2), 1 / Math.sqrt(35),
                1 / Math.sqrt(6.5), 1 / Math.sqrt(6.5)}, invStd, 1e-12);
        double[] plain = {1, 2};
        double[] plainInv = {3, 4};
        TensorShapes.poolPositions(plain, plainInv, 1, 1, 1);
        assertArrayEquals(new double[] {1, 2}, plain, 0.0);
        assertArrayEquals(new double[] {3, 4}, plainInv, 0.0);
    }

    @Test
    void xShape_wrongWidth_namesFlagAndValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MineRunner.run(data, spec().withXShape(96, 6).withSteps(1), null));
        assertEquals("--x-shape 96,6 needs 576 values per row but x column x has 672; expected --x-shape P,D with"
                + " P x D = 672", e.getMessage());
    }

    /** Without --y-shape, y takes x's positions and width / P as its dim (and vice versa); else a clear error. */
    @Test
    void resolve_missingShape_inferredFromTheOther() {
        MineSpec xOnly = MineSpec.x("x").y("y").withXShape(96, 7);
        assertArrayEquals(new int[] {96, 7, 2}, TensorShapes.resolve(xOnly, 672, 192));
        assertArrayEquals(new int[] {96, 3, 7}, TensorShapes.resolve(MineSpec.x("x").y("y").withYShape(96, 7), 288, 672));
        assertArrayEquals(new int[] {1, 672, 600}, TensorShapes.resolve(MineSpec.x("x").y("y"), 672, 600));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorShapes.resolve(xOnly, 672, 600));
        assertEquals("--y-shape is not given and y column y has 600 values per row, not a multiple of the 96 positions"
                + " of --x-shape; give --y-shape 96,D with 96 x D values", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TensorShapes.resolve(MineSpec.x("a", "b").y("y").withXShape(96, 7).withYShape(96, 7), 600, 672));
        assertEquals("--x-shape 96,7 needs 672 values per row but x columns a,b have 600; expected --x-shape P,D with"
                + " P x D = 600", e.getMessage());
    }

    @Test
    void withYShape_otherPositions_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MineSpec.x("x").y("y").withXShape(96, 7).withYShape(48, 7));
        assertEquals("y-shape 48,7 has 48 positions but x-shape 96,7 has 96: x and y must have the same positions",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MineSpec.x("x").y("y").withXShape(0, 7));
        assertTrue(e.getMessage().startsWith("x-shape must be positions,dim"), e.getMessage());
    }

    @Test
    void shapes_separableCriticOrInfonce_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MineRunner.run(data, spec().withXShape(96, 7).withCritic("separable").withSteps(1), null));
        assertTrue(e.getMessage().startsWith("--x-shape/--y-shape (96 positions) is not supported with --critic separable"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MineRunner.run(data, spec().withYShape(96, 7).withBound("infonce").withSteps(1), null));
        assertTrue(e.getMessage().startsWith("--x-shape/--y-shape (96 positions) is not supported with --bound infonce"),
                e.getMessage());
    }
}
