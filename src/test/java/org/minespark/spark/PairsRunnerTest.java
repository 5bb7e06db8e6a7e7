package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.minespark.spec.MineSpec;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsResult;
import org.minespark.spec.PairsSpec;

class PairsRunnerTest {
    static final int ROWS = 4000;

    /**
     * t ~ N(0,1); a = t + 0.5 e (I = 0.5 ln 5 = 0.80 nats); b = t^2 + 0.5 e (non-linear, strong);
     * s = "pos"/"neg" by the sign of t + 0.3 e (I about 0.45 nats); c, d, noise = independent N(0,1)
     * and an independent 5-level string u; k = constant 1.
     */
    static Dataset<Row> table(SparkSession spark, long seed) {
        Random r = new Random(seed);
        StructType schema = new StructType()
                .add("t", DataTypes.DoubleType).add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                .add("c", DataTypes.DoubleType).add("d", DataTypes.DoubleType).add("s", DataTypes.StringType)
                .add("u", DataTypes.StringType).add("k", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            double t = r.nextGaussian();
            rows.add(RowFactory.create(t, t + 0.5 * r.nextGaussian(), t * t + 0.5 * r.nextGaussian(),
                    r.nextGaussian(), r.nextGaussian(), t + 0.3 * r.nextGaussian() > 0 ? "pos" : "neg",
                    "u" + r.nextInt(5), 1));
        }
        // no repartition(): its local sort before the round robin would see only the selected columns
        // (projection pushdown), so which rows land in which partition would depend on the pairs
        return spark.createDataFrame(rows, schema);
    }

    static MineSpec spec() {
        return MineSpec.of(List.of("x"), List.of("y")).withSteps(300).withBatchSize(256).withLearningRate(3e-3)
                .withPartitions(2).withSeed(7).withLogEvery(100).withTrainer("jobs");
    }

    static PairsSpec vsTarget(List<String> cols, String target, MineSpec training) {
        // these tests are about training every pair (independent ones too): the screen is off
        return PairsSpec.againstTargets(cols, List.of(target), Map.of()).withHidden(List.of(32, 32)).withTraining(training)
                .withScreen(false);
    }

    @Test
    void run_pairInBatch_bitIdenticalToPairAlone() {
        Dataset<Row> df = table(SparkFixture.local2(), 2);
        // early stopping on (validation every 10 steps) so the stopping path is covered too
        MineSpec fast = spec().withSteps(60).withEvalEvery(10).withPatience(2).withPermutations(19);
        List<PairResult> all = PairsRunner.run(df, vsTarget(List.of("a", "c", "s"), "t", fast), null).pairs();
        List<PairResult> alone = PairsRunner.run(df, vsTarget(List.of("s"), "t", fast), null).pairs();
        // same rows (no nulls), same seed, same minibatch draws and streams: the pair's result ignores the others
        assertEquals(alone.get(0).miNats(), all.get(2).miNats(), 0.0);
        assertEquals(alone.get(0).ci95High(), all.get(2).ci95High(), 0.0);
        assertEquals(alone.get(0).pValue(), all.get(2).pValue(), 0.0);
        assertEquals(alone.get(0).steps(), all.get(2).steps());
        assertEquals(alone.get(0).bestStep(), all.get(2).bestStep());
    }

    @Test
    void run_streamTrainer_bitIdenticalToJobsTrainer() {
        Dataset<Row> df = table(SparkFixture.local2(), 5);
        // early stopping every 10 steps: the independent c stops (no gain of 0.05 nats in 2
        // evaluations) while a and s go on, so the stream trainer's "pair is over" mask is exercised
        MineSpec base = spec().withSteps(60).withEvalEvery(10).withPatience(2).withMinDelta(0.05).withPermutations(19);
        List<PairResult> jobs = PairsRunner.run(df, vsTarget(List.of("a", "c", "s"), "t", base.withTrainer("jobs")), null)
                .pairs();
        List<PairResult> stream = PairsRunner.run(df, vsTarget(List.of("a", "c", "s"), "t", base.withTrainer("stream")),
                null).pairs();
        assertTrue(jobs.get(1).steps() < 60, jobs.get(1).toString());
        for (int i = 0; i < 3; i++) {
            // same streams, same float32 rounding of the partition aggregates, same merge order
            assertEquals(Double.doubleToRawLongBits(jobs.get(i).miNats()), Double.doubleToRawLongBits(stream.get(i).miNats()),
                    jobs.get(i) + " / " + stream.get(i));
            assertEquals(jobs.get(i).ci95High(), stream.get(i).ci95High(), 0.0);
            assertEquals(jobs.get(i).pValue(), stream.get(i).pValue(), 0.0);
            assertEquals(jobs.get(i).steps(), stream.get(i).steps());
            assertEquals(jobs.get(i).bestStep(), stream.get(i).bestStep());
        }
    }

    @Test
    void run_dependentColumns_rankAboveIndependentOnesWithPermutationTest() {
        Dataset<Row> df = table(SparkFixture.local2(), 1);
        PairsResult result = PairsRunner.run(df, vsTarget(List.of("a", "b", "c", "d", "s", "u", "k"), "t", spec()), null);
        Map<String, PairResult> by = new LinkedHashMap<>();
        result.pairs().forEach(p -> by.put(p.x(), p));
        assertEquals(ROWS, result.rows());
        // dependent: true MI >= 0.4 nats; independent: true MI 0, the held-out DV of an
        // independent pair is ~ N(0, se^2) with se ~ 0.02 at 600 test rows: a margin of 0.2
        // nats between the weakest dependent and the strongest independent is > 5 se
        double weakestDependent = Math.min(by.get("a").miNats(), Math.min(by.get("b").miNats(), by.get("s").miNats()));
        double strongestIndependent = Math.max(by.get("c").miNats(), Math.max(by.get("d").miNats(), by.get("u").miNats()));
        assertTrue(weakestDependent > strongestIndependent + 0.2, weakestDependent + " vs " + strongestIndependent);
        assertEquals(PairResult.CONSTANT, by.get("k").status());
        assertEquals(0.0, by.get("k").miNats());
        assertFalse(by.get("k").dependent());
        for (String c : List.of("a", "b", "c", "d", "s", "u")) {
            assertEquals(PairResult.OK, by.get(c).status(), c);
            assertEquals(300, by.get(c).steps()); // eval-every 250: no early stop within 300 steps
            assertEquals(MiResult.Significance.TEST_PERMUTATION, by.get(c).significance().test(), c);
            assertEquals(99, by.get(c).significance().permutations(), c);
        }
        // permutation test with K = 99: a dependent pair 0.4+ nats above its null (null spread
        // ~ se ~ 0.03) beats every replicate, p = 1/(K+1) = 0.01; an independent pair's p is
        // uniform on {0.01, ..., 1}, so each is flagged with probability 0.05 (fixed seed here:
        // none is), and its null mean is near its own raw bound
        for (String c : List.of("a", "b", "s")) {
            assertEquals(0.01, by.get(c).pValue(), 1e-12, c);
            assertTrue(by.get(c).dependent(), c);
            assertTrue(by.get(c).significance().nullMeanNats() < by.get(c).miNats() - 0.2, c);
        }
        for (String c : List.of("c", "d", "u")) {
            assertTrue(by.get(c).pValue() > 0.05, c + " p = " + by.get(c).pValue());
            assertFalse(by.get(c).dependent(), c);
        }
    }

    @Test
    void run_permutationRowCap_sameEstimateTestOnFirstChunksOnly() {
        Dataset<Row> df = table(SparkFixture.local2(), 6);
        MineSpec quick = spec().withSteps(60).withEvalChunkRows(64).withPermutations(19);
        PairsResult all = PairsRunner.run(df, vsTarget(List.of("a", "c"), "t", quick), null);
        long saved = Evaluation.permutationMaxRows;
        Evaluation.permutationMaxRows = 2; // 1 row per partition: only each partition's first chunk of 64
        PairsResult capped;
        try {
            capped = PairsRunner.run(df, vsTarget(List.of("a", "c"), "t", quick), null);
        } finally {
            Evaluation.permutationMaxRows = saved;
        }
        for (String p : List.of("a ~ t", "c ~ t")) {
            // the estimate and its CI use every test row whatever the cap (own random streams)
            assertEquals(all.get(p).miNats(), capped.get(p).miNats(), 0.0, p);
            assertEquals(all.get(p).ci95High(), capped.get(p).ci95High(), 0.0, p);
        }
        // a (0.80 nats) on 128 test rows: S - S_k is ~0.8 against a null spread of ~0.1: p = 1/20
        assertEquals(0.05, capped.get("a ~ t").pValue(), 1e-12);
        // c: fewer rows give other replicate sums: the null spread (an average over fewer rows) widens
        assertTrue(capped.get("c ~ t").significance().nullStdNats() > all.get("c ~ t").significance().nullStdNats(),
                capped.get("c ~ t") + " / " + all.get("c ~ t"));
    }

    @Test
    void run_earlyStopping_stoppedPairsEndEarlyAndProgressCountsThem() {
        Dataset<Row> df = table(SparkFixture.local2(), 3);
        // validation every 20 steps, stop after 2 evaluations without a gain of 0.05 nats: the
        // independent c and d (validation DV ~ 0 +- 0.02 at ~250 validation rows) gain nothing
        // after their first evaluation and stop at step 60; the run has 300 steps
        MineSpec early = spec().withEvalEvery(20).withPatience(2).withMinDelta(0.05).withPermutations(0);
        List<int[]> calls = new ArrayList<>();
        List<Double> etas = new ArrayList<>();
        PairsResult res = PairsRunner.run(df, vsTarget(List.of("a", "c", "d", "k"), "t", early),
                (done, total, step, steps, eta) -> {
                    calls.add(new int[] {done, total, step, steps});
                    etas.add(eta);
                });
        PairResult a = res.get("a ~ t");
        PairResult c = res.get("c ~ t");
        PairResult d = res.get("d ~ t");
        for (PairResult p : List.of(c, d)) {
            assertTrue(p.steps() < 300, p.toString());
            assertTrue(p.converged(), p.toString());
            assertFalse(p.stillIncreasing(), p.toString());
            assertTrue(p.bestStep() > 0 && p.bestStep() <= p.steps(), p.toString());
            // without a permutation test, dependence by the CI rule
            assertEquals(MiResult.Significance.TEST_CI, p.significance().test());
            assertTrue(Double.isNaN(p.pValue()));
        }
        assertEquals(PairResult.OK, a.status());
        assertTrue(a.miNats() > 0.5, a.toString()); // true 0.80 nats
        // progress: the constant pair counts as done from the start, a stopped pair as soon as it stops
        assertEquals(1, calls.get(0)[0]);
        assertEquals(4, calls.get(0)[1]);
        int stopStep = Math.min(c.steps(), d.steps());
        int doneAfterStop = calls.stream().filter(x -> x[2] == stopStep).mapToInt(x -> x[0]).max().orElseThrow();
        assertTrue(doneAfterStop >= 2, "pairs done after step " + stopStep + ": " + doneAfterStop);
        int last = -1;
        for (int[] x : calls) {
            assertTrue(x[0] >= last, "pairs done never decreases without a retry");
            last = x[0];
        }
        assertEquals(4, calls.get(calls.size() - 1)[0]);
        assertEquals(0.0, etas.get(etas.size() - 1), 0.0, "no work left at the end");
        assertTrue(etas.stream().skip(1).allMatch(e -> e >= 0 && Double.isFinite(e)));
    }

    @Test
    void run_learningRateOne_divergedPairsRetriedAtATenthWithoutFailingTheRun() {
        Dataset<Row> df = table(SparkFixture.local2(), 4);
        // lr 1: Adam moves every weight by ~1 per step and the critics blow up within ~10 steps
        // (minibatch DV below -1000 nats or collapsing); the retry runs at lr 0.1
        MineSpec wild = spec().withSteps(60).withLearningRate(1).withEvalEvery(20).withPermutations(9);
        PairsResult res = PairsRunner.run(df, vsTarget(List.of("a", "c", "k"), "t", wild), null);
        for (String p : List.of("a ~ t", "c ~ t")) {
            PairResult r = res.get(p);
            assertTrue(r.retried(), r.toString());
            assertTrue(r.message().startsWith("training diverged at learning rate 1: "), r.message());
            if (PairResult.OK.equals(r.status())) {
                assertTrue(Double.isFinite(r.miNats()) && !r.diverged(), r.toString());
                assertTrue(r.message().contains("one retry from scratch at learning rate 0.1"), r.message());
            } else {
                assertEquals(PairResult.DIVERGED, r.status(), r.toString());
            }
        }
        // a: 0.80 nats; at lr 0.1 for 60 steps it gets most of it
        assertEquals(PairResult.OK, res.get("a ~ t").status(), res.get("a ~ t").toString());
        assertTrue(res.get("a ~ t").miNats() > 0.3, res.get("a ~ t").toString());
        assertEquals(PairResult.CONSTANT, res.get("k ~ t").status());
    }

    @Test
    void run_divergesAgainOnRetry_reportedDivergedWithoutEstimate() {
        Dataset<Row> df = table(SparkFixture.local2(), 4);
        MineSpec wild = spec().withSteps(30).withLearningRate(1).withEvalEvery(20).withPermutations(9);
        double saved = Engine.retryDivisor;
        Engine.retryDivisor = 1; // the retry repeats the first attempt bit for bit: diverges again
        PairsResult res;
        try {
            res = PairsRunner.run(df, vsTarget(List.of("a", "c"), "t", wild), null);
        } finally {
            Engine.retryDivisor = saved;
        }
        for (PairResult r : res.pairs()) {
            assertEquals(PairResult.DIVERGED, r.status(), r.toString());
            assertTrue(r.diverged() && r.retried() && !r.converged() && !r.dependent(), r.toString());
            assertTrue(Double.isNaN(r.miNats()) && Double.isNaN(r.ci95Low()) && Double.isNaN(r.pValue()), r.toString());
            assertTrue(r.message().contains("and again on the retry"), r.message());
        }
    }

    /**
     * The screen (on by default): pairs of one-dimension sides get their plug-in estimate and
     * G-test p-value first; the dependent a (0.80 nats) and b (t^2, non-linear) pass it at
     * q <= 0.05 (their G statistics are hundreds of standard deviations above the null's), the
     * independent c and d do not (fixed seed: both screen q-values were 0.977 when this was written);
     * the string columns are code-like (2 and 5 levels) and read per value, coded by their levels: s (the sign of t)
     * passes, the independent u does not. Every pair keeps a
     * row. With --train-top 1 only the pair of highest plug-in value is trained.
     */
    @Test
    void screen_trainsOnlyPairsThatPass_everyPairKeepsARow() {
        Dataset<Row> data = table(SparkFixture.local2(), 13);
        PairsSpec ps = PairsSpec.againstTargets(List.of("a", "b", "c", "d", "s", "u"), List.of("t"), Map.of())
                .withHidden(List.of(16)).withTraining(spec().withSteps(60).withPermutations(9));
        assertTrue(ps.screen(), "on by default");
        Map<String, PairResult> by = new java.util.HashMap<>();
        for (PairResult r : PairsRunner.run(data, ps, null).pairs()) {
            by.put(r.x(), r);
        }
        assertEquals(6, by.size());
        for (String c : List.of("a", "b")) {
            assertEquals(PairResult.OK, by.get(c).status(), by.get(c).toString());
            assertTrue(by.get(c).plugIn().pValue() < 1e-10, by.get(c).plugIn().toString());
        }
        System.out.println("screen: c " + by.get("c").message() + "; d " + by.get("d").message());
        for (String c : List.of("c", "d", "u")) {
            assertEquals(PairResult.SCREENED, by.get(c).status(), by.get(c).toString());
            assertTrue(by.get(c).message().startsWith("not trained: the screen found no evidence"), by.get(c).message());
            assertTrue(Double.isNaN(by.get(c).miNats()) && by.get(c).steps() == 0 && !by.get(c).dependent());
            assertTrue(by.get(c).plugIn().computed());
        }
        assertEquals(PairResult.OK, by.get("s").status(), by.get("s").toString());
        // s has 2 levels: code-like, read per value (--encoding auto), so the plug-in codes its levels
        assertEquals("levels:2", by.get("s").plugIn().xCoding(), by.get("s").plugIn().toString());
        List<PairResult> top = PairsRunner.run(data, ps.withTrainTop(1), null).pairs();
        long trainedScreened = top.stream().filter(r -> r.plugIn().computed() && PairResult.OK.equals(r.status())).count();
        assertEquals(1, trainedScreened, top.toString());
        PairResult best = top.stream().filter(r -> r.plugIn().computed()).max(java.util.Comparator.comparingDouble(
                r -> r.plugIn().nats())).orElseThrow();
        assertEquals(PairResult.OK, best.status());
        assertTrue(top.stream().filter(r -> PairResult.SCREENED.equals(r.status()))
                .allMatch(r -> r.message().contains("--train-top 1")));
    }
}
