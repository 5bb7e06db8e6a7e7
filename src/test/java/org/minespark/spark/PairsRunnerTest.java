package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.minespark.api.MineSpec;

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

    static PairsSpec vsTarget(List<String> cols, String target) {
        Map<String, List<String>> units = new LinkedHashMap<>();
        List<String[]> pairs = new ArrayList<>();
        units.put(target, List.of(target));
        for (String c : cols) {
            units.put(c, List.of(c));
            pairs.add(new String[] {c, target});
        }
        return new PairsSpec(units, pairs, 16, List.of(32, 32), 64);
    }

    @Test
    void run_pairInBatch_bitIdenticalToPairAlone() {
        Dataset<Row> df = table(SparkFixture.local2(), 2);
        MineSpec fast = spec().withSteps(40);
        List<PairResult> all = PairsRunner.run(df, vsTarget(List.of("a", "c", "s"), "t"), fast, null);
        List<PairResult> alone = PairsRunner.run(df, vsTarget(List.of("s"), "t"), fast, null);
        // same rows (no nulls), same seed, same minibatch draws: the pair's result ignores the others
        assertEquals(alone.get(0).miNats(), all.get(2).miNats(), 0.0);
        assertEquals(alone.get(0).ci95High(), all.get(2).ci95High(), 0.0);
    }

    @Test
    void run_dependentColumns_rankAboveIndependentOnes() {
        Dataset<Row> df = table(SparkFixture.local2(), 1);
        List<PairResult> res = PairsRunner.run(df, vsTarget(List.of("a", "b", "c", "d", "s", "u", "k"), "t"), spec(), null);
        Map<String, PairResult> by = new LinkedHashMap<>();
        res.forEach(p -> by.put(p.x(), p));
        res.forEach(p -> System.out.println(p));
        // dependent: true MI >= 0.4 nats; independent: true MI 0, the held-out DV of an
        // independent pair is ~ N(0, se^2) with se ~ 0.02 at 800 held-out rows: a margin of 0.2
        // nats between the weakest dependent and the strongest independent is > 5 se
        double weakestDependent = Math.min(by.get("a").miNats(), Math.min(by.get("b").miNats(), by.get("s").miNats()));
        double strongestIndependent = Math.max(by.get("c").miNats(), Math.max(by.get("d").miNats(), by.get("u").miNats()));
        assertTrue(weakestDependent > strongestIndependent + 0.2, weakestDependent + " vs " + strongestIndependent);
        assertEquals(PairResult.CONSTANT, by.get("k").status());
        assertEquals(0.0, by.get("k").miNats());
        for (String c : List.of("a", "b", "c", "d", "s", "u")) {
            assertEquals(PairResult.OK, by.get(c).status(), c);
            assertEquals(300, by.get(c).steps());
        }
        // significance = raw lower CI end > 0: the dependent ones are 0.4+ nats above 0 with
        // se ~ 0.03-0.05; an independent pair is flagged with probability ~2.5% (fixed seed here)
        for (String c : List.of("a", "b", "s")) {
            assertTrue(by.get(c).significant(), c);
        }
        for (String c : List.of("c", "d", "u", "k")) {
            assertTrue(!by.get(c).significant(), c);
        }
    }
}
