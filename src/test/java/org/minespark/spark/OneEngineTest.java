package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineInputException;
import org.minespark.spec.MineSpec;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsResult;
import org.minespark.spec.PairsSpec;
import org.minespark.spec.TrainingInterval;

/**
 * {@code estimate} and {@code pairs} run on one engine: a pairs run of one pair is bit for bit the
 * estimate of the same columns, settings and seed, and every input check of an estimate applies
 * to each pair of a pairs run.
 */
class OneEngineTest {
    private static final int ROWS = 3000;

    /**
     * t ~ N(0,1); a = t + 0.5 e (I = 0.5 ln 5 = 0.80 nats); huge = a * 1e200; tiny = a * 1e-200
     * (same MI as a: a scale is a strictly increasing map); affine = 2t + 1 (unbounded MI with t);
     * c independent N(0,1).
     */
    private static Dataset<Row> table(SparkSession spark) {
        Random r = new Random(11);
        StructType schema = new StructType().add("t", DataTypes.DoubleType).add("a", DataTypes.DoubleType)
                .add("huge", DataTypes.DoubleType).add("tiny", DataTypes.DoubleType)
                .add("affine", DataTypes.DoubleType).add("c", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            double t = r.nextGaussian();
            double a = t + 0.5 * r.nextGaussian();
            rows.add(RowFactory.create(t, a, a * 1e200, a * 1e-200, 2 * t + 1, r.nextGaussian()));
        }
        return spark.createDataFrame(rows, schema);
    }

    /** Early stopping, batch growth and the permutation test on, so all of them are compared. */
    private static MineSpec spec(String x) {
        return MineSpec.of(List.of(x), List.of("t")).withSteps(200).withBatchSize(128).withLearningRate(1e-2)
                .withHidden(List.of(16, 16)).withPartitions(2).withSeed(5).withLogEvery(100).withTrainer("jobs")
                .withEvalEvery(10).withPatience(3).withPermutations(19).withBatchGrowth(true).withMaxBatchSize(512);
    }

    private static MineSpec quick(String x) {
        return spec(x).withEvalEvery(0).withSteps(200).withPermutations(0).withReplicates(1);
    }

    private static PairsSpec pairsOf(List<String> cols, MineSpec training) {
        return PairsSpec.againstTargets(cols, List.of("t"), Map.of()).withHidden(training.hidden()).withTraining(training)
                .withScreen(false); // every pair trained, as an estimate would be
    }

    private static void assertSameResult(MiResult e, PairResult p) {
        assertEquals(PairResult.OK, p.status(), p.toString());
        assertEquals(Double.doubleToRawLongBits(e.miNats()), Double.doubleToRawLongBits(p.miNats()), e + " / " + p);
        assertEquals(Double.doubleToRawLongBits(e.ci95LowNats()), Double.doubleToRawLongBits(p.ci95Low()), e + " / " + p);
        assertEquals(Double.doubleToRawLongBits(e.ci95HighNats()), Double.doubleToRawLongBits(p.ci95High()), e + " / " + p);
        assertEquals(e.significance().pValue(), p.pValue(), 0.0);
        assertEquals(e.significance().nullMeanNats(), p.significance().nullMeanNats(), 0.0);
        assertEquals(e.steps(), p.steps());
        assertEquals(e.convergence().bestStep(), p.bestStep());
        assertEquals(e.nEval(), p.nEval());
    }

    @Test
    void pairsWithOnePair_bitIdenticalToEstimate() {
        Dataset<Row> df = table(SparkFixture.local2());
        MineSpec s = spec("a").withReplicates(1);
        MiResult e = MineRunner.run(df, s, null);
        PairsResult p = PairsRunner.run(df, pairsOf(List.of("a"), s), null);
        assertSameResult(e, p.get("a ~ t"));
        assertEquals(TrainingInterval.METHOD_HELD_OUT, e.interval().method());
        // the estimate is a real one: 0.80 nats true, most of it learnt in 200 steps
        assertTrue(e.miNats() > 0.4 && e.miNats() < 1.0, e.toString());
    }

    /**
     * Replicate critics: replicate 0 of a 3-replicate estimate is bit for bit the one-critic
     * estimate (the others do not change its training or evaluation), the estimate is the three's
     * ensemble critic's and its interval includes their spread besides the held-out noise.
     */
    @Test
    void replicates_firstIsTheOneCriticEstimate_meanAndWiderInterval() {
        Dataset<Row> df = table(SparkFixture.local2());
        MiResult one = MineRunner.run(df, spec("a").withReplicates(1), null);
        MiResult three = MineRunner.run(df, spec("a").withReplicates(3), null);
        double[] est = three.interval().estimatesNats();
        assertEquals(3, est.length);
        assertEquals(TrainingInterval.METHOD_REPLICATES, three.interval().method());
        assertEquals(Double.doubleToRawLongBits(one.miNats()), Double.doubleToRawLongBits(est[0]), three.toString());
        // the replicates differ (own initial weights and minibatches); the estimate is their ensemble
        // critic's, at least their mean (the DV bound is concave in the critic's values on the same
        // rows and pairings; 1e-6 allows for float rounding of the wide critic's sums)
        assertTrue(est[1] != est[0] && est[2] != est[0] && est[1] != est[2], java.util.Arrays.toString(est));
        assertTrue(three.miNats() >= (est[0] + est[1] + est[2]) / 3 - 1e-6, three.toString());
        assertTrue(three.miNats() <= 1.2, three.toString()); // 0.80 nats true: not an inflated value
        assertTrue(three.interval().spreadNats() > 0, three.toString());
        // estimate +- t(df) * sqrt(spread^2 / 3 + heldout_se^2): wider than the held-out interval
        double heldOutHalf = (three.interval().heldOutHighNats() - three.interval().heldOutLowNats()) / 2;
        assertTrue(three.ci95HighNats() - three.miNats() > heldOutHalf, three.toString());
        assertTrue(three.ci95LowNats() < three.miNats() && three.miNats() < three.ci95HighNats(), three.toString());
        // the p-value and training history are replicate 0's
        assertEquals(one.significance().pValue(), three.significance().pValue(), 0.0);
        assertEquals(one.steps(), three.steps());
    }

    @Test
    void pairsWithOnePair_normalScores_bitIdenticalToEstimate() {
        Dataset<Row> df = table(SparkFixture.local2());
        MineSpec s = spec("a").withTransform("normal-scores").withTrainer("stream").withReplicates(1);
        MiResult e = MineRunner.run(df, s, null);
        PairsResult p = PairsRunner.run(df, pairsOf(List.of("a"), s), null);
        assertSameResult(e, p.get("a ~ t"));
    }

    /**
     * max-test-rows samples the test rows only: the training (curve, steps, early stopping) is the uncapped run's bit
     * for bit, the estimate is over about the cap's rows, and pairs applies the cap as estimate does.
     */
    @Test
    void maxTestRows_samplesTheTestRowsOnly_estimateAndPairs() {
        Dataset<Row> df = table(SparkFixture.local2());
        MineSpec s = spec("a").withReplicates(1); // compared with pairs: one critic
        MineSpec capped = s.withMaxTestRows(200);
        MiResult all = MineRunner.run(df, s, null);
        MiResult e = MineRunner.run(df, capped, null);
        // 3 000 rows: 600 held out, a quarter for validation, about 450 test rows
        assertTrue(all.nEval() > 380 && all.nEval() < 520, all.toString());
        // capped at 200: a sample of about max(200 - 4 sqrt(200), 100) = 143 rows (binomial SD 9.5)
        assertTrue(e.nEval() >= 100 && e.nEval() <= 200, e.toString());
        assertEquals(all.nTrain(), e.nTrain());
        assertEquals(all.steps(), e.steps());
        assertEquals(all.convergence().bestStep(), e.convergence().bestStep());
        assertEquals(java.util.Arrays.toString(all.curve()), java.util.Arrays.toString(e.curve()));
        PairsResult p = PairsRunner.run(df, pairsOf(List.of("a"), capped), null);
        assertSameResult(e, p.get("a ~ t"));
    }

    @Test
    void pairs_scaledColumns_rescannedAsAnEstimateIsAndAffinePairUnbounded() {
        Dataset<Row> df = table(SparkFixture.local2());
        MineSpec s = quick("a");
        PairsResult p = PairsRunner.run(df, pairsOf(List.of("a", "huge", "tiny", "affine", "c"), s), null);
        PairResult a = p.get("a ~ t");
        // 1e200 and 1e-200: rescanned at an exact power-of-two scale, then standardised; the float
        // rows differ from a's by rounding only (relative 1e-7), so the trained critics stay within
        // a few thousandths of a nat of a's (0.02 leaves a wide margin; before the rescan these
        // pairs came back "constant, I = 0")
        for (String col : List.of("huge", "tiny")) {
            PairResult r = p.get(col + " ~ t");
            assertEquals(PairResult.OK, r.status(), r.toString());
            assertEquals(a.miNats(), r.miNats(), 0.02, r.toString());
            MiResult e = MineRunner.run(df, quick(col), null);
            assertEquals(Double.doubleToRawLongBits(e.miNats()), Double.doubleToRawLongBits(r.miNats()), col);
        }
        assertTrue(a.miNats() > 0.3, a.toString());
        // affine: the pair's row carries exactly the error an estimate of the same columns raises
        PairResult aff = p.get("affine ~ t");
        assertEquals(PairResult.UNBOUNDED, aff.status(), aff.toString());
        assertTrue(Double.isNaN(aff.miNats()), aff.toString());
        MineInputException err = assertThrows(MineInputException.class,
                () -> MineRunner.run(df, quick("affine"), null));
        assertTrue(err.getMessage().startsWith("mutual information is unbounded"), err.getMessage());
        assertEquals(err.getMessage(), aff.message());
        // the other pairs are unaffected
        assertEquals(PairResult.OK, p.get("c ~ t").status());
    }

    @Test
    void pairs_checkpointDirWithSeveralPairs_rejectedBeforeAnyWork() {
        Dataset<Row> df = table(SparkFixture.local2());
        MineSpec s = spec("a").withCheckpointDir("/tmp/never-written");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairsRunner.run(df, pairsOf(List.of("a", "c"), s), null));
        assertTrue(e.getMessage().contains("--checkpoint-dir") && e.getMessage().contains("2 pairs"), e.getMessage());
        assertTrue(!new java.io.File("/tmp/never-written").exists());
    }
}
