package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.minespark.spec.MineInputException;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsResult;
import org.minespark.spec.PairsSpec;

/** Column hygiene of pairs: skipped columns get rows with their reason and never fail the run. */
class ColumnHygieneTest {

    @Test
    void reason_rules() {
        assertTrue(ColumnHygiene.reason(DataTypes.DoubleType, 1000, 400, 300, 0.5, 1000).startsWith("mostly null"));
        assertNull(ColumnHygiene.reason(DataTypes.DoubleType, 1000, 1000, 1, 0.5, 1000), "constant: the engine's answer, I = 0");
        assertTrue(ColumnHygiene.reason(DataTypes.StringType, 1000, 1000, 990, 0.5, 1000).contains("cast it to a number"));
        assertTrue(ColumnHygiene.reason(DataTypes.LongType, 1000, 1000, 990, 0.5, 1000).startsWith("ID-like"));
        assertNull(ColumnHygiene.reason(DataTypes.DoubleType, 1000, 1000, 990, 0.5, 1000), "a continuous column is not an ID");
        assertNull(ColumnHygiene.reason(DataTypes.LongType, 50, 50, 50, 0.5, 1000), "50 distinct codes in 50 rows: too few to call IDs");
        assertTrue(ColumnHygiene.reason(DataTypes.StringType, 100_000, 100_000, 5000, 0.5, 1000).contains("--max-levels 1000"));
        assertNull(ColumnHygiene.reason(DataTypes.StringType, 100_000, 100_000, 200, 0.5, 1000));
    }

    /**
     * Many columns in one pass, each with its own counts: among 131 plain doubles, an ID-like long at
     * position 69, a mostly-null double as the very last column and a constant at 7 (not skipped:
     * the engine answers it); nothing else is skipped.
     */
    @Test
    void skipped_manyColumns_eachColumnWithItsOwnCounts() {
        int n = 131;
        int id = 69;
        int constant = 7;
        Random r = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Object[] v = new Object[n];
            for (int c = 0; c < n; c++) {
                v[c] = c == id ? (Object) (long) i : c == constant ? (Object) 1.0
                        : c == n - 1 && r.nextDouble() < 0.9 ? null : (Object) r.nextGaussian();
            }
            rows.add(RowFactory.create(v));
        }
        StructType schema = new StructType();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            names.add("c" + c);
            schema = schema.add("c" + c, c == id ? DataTypes.LongType : DataTypes.DoubleType);
        }
        Map<String, String> skipped = ColumnHygiene.skipped(SparkFixture.local2().createDataFrame(rows, schema), names,
                0.5, 1000, false);
        assertEquals(List.of("c" + id, "c" + (n - 1)), List.copyOf(skipped.keySet()), skipped.toString());
        assertTrue(skipped.get("c" + id).startsWith("ID-like: about") && skipped.get("c" + id).contains("in 400 non-null"),
                skipped.toString());
        assertTrue(skipped.get("c" + (n - 1)).startsWith("mostly null") && skipped.get("c" + (n - 1)).contains("of 400 rows"),
                skipped.toString());
    }

    /**
     * A table with a dependent pair (t, a), a constant k, an ID-like string of numbers id (every
     * value distinct), a mostly-null m (80 % null) and a struct column st: all pairs of the six
     * columns run; every pair with id, m or st is skipped with the column's reason, the pairs of k
     * with t and a are constant (I = 0 exactly, the engine's answer), the run does not fail, and
     * t ~ a is trained.
     */
    @Test
    void pairs_skipsBadColumnsWithReasons_andTrainsTheRest() {
        Random r = new Random(2);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            double t = r.nextGaussian();
            rows.add(RowFactory.create(t, t + 0.5 * r.nextGaussian(), 1.0, Integer.toString(100_000 + i),
                    r.nextDouble() < 0.8 ? null : r.nextGaussian(), RowFactory.create(i)));
        }
        StructType schema = new StructType().add("t", DataTypes.DoubleType).add("a", DataTypes.DoubleType)
                .add("k", DataTypes.DoubleType).add("id", DataTypes.StringType).add("m", DataTypes.DoubleType)
                .add("st", new StructType().add("i", DataTypes.IntegerType));
        Dataset<Row> data = SparkFixture.local2().createDataFrame(rows, schema);
        PairsSpec ps = PairsSpec.allPairs(List.of("t", "a", "k", "id", "m", "st"), Map.of()).withHidden(List.of(8))
                .withTraining(PairsRunnerTest.spec().withSteps(40).withPermutations(9));
        PairsResult res = PairsRunner.run(data, ps, null);
        assertEquals(15, res.pairs().size(), "every pair keeps a row");
        Map<String, String> skipped = res.skippedColumns();
        assertEquals(List.of("id", "m", "st"), new ArrayList<>(skipped.keySet()), skipped.toString());
        assertTrue(skipped.get("id").startsWith("ID-like") && skipped.get("id").contains("cast it"), skipped.get("id"));
        assertTrue(skipped.get("m").startsWith("mostly null"), skipped.get("m"));
        assertTrue(skipped.get("st").contains("cannot be read"), skipped.get("st"));
        for (PairResult p : res.pairs()) {
            if (p.pair().equals("t ~ k") || p.pair().equals("a ~ k")) {
                assertEquals(PairResult.CONSTANT, p.status(), p.toString());
                assertEquals(0.0, p.miNats(), 0.0);
            } else if (p.pair().equals("t ~ a")) {
                assertEquals(PairResult.OK, p.status(), p.toString());
                // 40 steps of an 8-wide critic: trained and dependent, far from converged; the plug-in
                // (15 x 15 bins) is near the truth 0.80 nats
                assertTrue(p.dependent() && p.miNats() > 0 && p.plugIn().nats() > 0.6, p.toString());
            } else {
                assertEquals(PairResult.SKIPPED, p.status(), p.toString());
                assertTrue(p.message().startsWith("column "), p.message());
            }
        }
        MineInputException e = assertThrows(MineInputException.class, () -> PairsRunner.run(data,
                PairsSpec.allPairs(List.of("st", "id"), Map.of()).withTraining(PairsRunnerTest.spec()), null));
        assertTrue(e.getMessage().startsWith("every pair has a skipped column"), e.getMessage());
    }

    /**
     * --nulls category: a string g that is null exactly when t > 0.5 (31 % of rows) and else an
     * independent "a"/"b". Dropping the nulls (the default) leaves only rows where g says nothing
     * about t (plug-in near 0, and 31 % of the rows dropped); with null as a level the missingness
     * is the signal: I(g; t) = H(1[t > 0.5]) = 0.618 nats (the a/b choice is independent of t), and
     * the plug-in (t in bins, which lose a little of it; measured 0.600) is well above 0.3, with no
     * row dropped.
     */
    @Test
    void nullsCategory_keepsRowsAndSeesInformativeMissingness() {
        Random r = new Random(4);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            double t = r.nextGaussian();
            rows.add(RowFactory.create(t, t > 0.5 ? null : (r.nextBoolean() ? "a" : "b")));
        }
        StructType schema = new StructType().add("t", DataTypes.DoubleType).add("g", DataTypes.StringType);
        Dataset<Row> data = SparkFixture.local2().createDataFrame(rows, schema);
        PairsSpec ps = PairsSpec.allPairs(List.of("t", "g"), Map.of()).withHidden(List.of(8))
                .withTraining(PairsRunnerTest.spec().withSteps(40).withPermutations(9)).withScreen(false);
        PairsResult dropped = PairsRunner.run(data, ps, null);
        PairsResult kept = PairsRunner.run(data, ps.withNullsCategory(true), null);
        System.out.printf("nulls: drop %s (dropped %d), category %s (dropped %d)%n", dropped.pairs().get(0).plugIn(),
                dropped.dropped(), kept.pairs().get(0).plugIn(), kept.dropped());
        assertTrue(dropped.dropped() > 1000, "about 31 % of 4000 rows have a null g: " + dropped.dropped());
        assertEquals(0, kept.dropped());
        assertTrue(dropped.pairs().get(0).plugIn().nats() < 0.03, dropped.pairs().get(0).plugIn().toString());
        assertTrue(kept.pairs().get(0).plugIn().nats() > 0.3, kept.pairs().get(0).plugIn().toString());
        // g is code-like (3 levels with <null>): read per value (--encoding auto), the plug-in codes its levels
        assertEquals("levels:3", kept.pairs().get(0).plugIn().yCoding(), "a, b and <null>");
        // --encoding scalar: the one-hot of earlier versions, null still a level of its own
        PairsResult oneHot = PairsRunner.run(data, ps.withNullsCategory(true).withTraining(
                PairsRunnerTest.spec().withSteps(40).withPermutations(9).withEncoding("scalar")), null);
        assertEquals("one-hot:3", oneHot.pairs().get(0).plugIn().yCoding(), "a, b and <null>");
        assertEquals(kept.pairs().get(0).plugIn().nats(), oneHot.pairs().get(0).plugIn().nats(), 1e-12,
                "the same contingency table either way");
    }
}
