package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spark.SparkFixture;

/** {@code pairs --target}: the mRMR order puts a redundant near-copy behind a weaker feature of its own. */
class MrmrRankingTest {
    @TempDir
    Path dir;

    @Test
    void redundantCopy_rankedBehindIndependentSignal() throws Exception {
        // u, v ~ N(0,1), t = u + v; a = u + 0.3 e1 and a2 = u + 0.3 e2 (each I(.; t) = 0.31 nats, and
        // I(a; a2) = 0.92 nats: a near copy); c = v + 0.6 e3 (I(c; t) = 0.23 nats, independent of a).
        // mRMR: a or a2 first, then c (0.23 - ~0) before the other copy (0.31 - ~0.9 < 0). The margins
        // are a quarter of a nat and more, far beyond the plug-in estimates' noise at 6000 rows (~0.02).
        Random r = new Random(17);
        StructType schema = new StructType().add("t", DataTypes.DoubleType).add("a", DataTypes.DoubleType)
                .add("a2", DataTypes.DoubleType).add("c", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            double u = r.nextGaussian();
            double v = r.nextGaussian();
            rows.add(RowFactory.create(u + v, u + 0.3 * r.nextGaussian(), u + 0.3 * r.nextGaussian(), v + 0.6 * r.nextGaussian()));
        }
        String in = dir.resolve("t.parquet").toString();
        SparkFixture.local2().createDataFrame(rows, schema).repartition(2).write().parquet(in);
        CliHarness cli = new CliHarness();
        String out = dir.resolve("out").toString();
        assertEquals(0, cli.run("pairs", "--input", in, "--columns", "a,a2,c", "--target", "t", "--out", out, "--run-date",
                "2026-02-01", "--steps", "200", "--batch-size", "256", "--hidden", "32,32", "--partitions", "2",
                "--trainer", "jobs", "--seed", "3", "--permutations", "19"), cli.stderr());
        String line = cli.stdout().lines().filter(l -> l.startsWith("mRMR order vs t:")).findFirst().orElseThrow(
                () -> new AssertionError(cli.stdout()));
        assertTrue(line.matches("mRMR order vs t: 1\\. a2? \\(.*\\) 2\\. c \\(.*\\) 3\\. a2? \\(.*"), line);
        List<String> csv = Files.readAllLines(Path.of(out, "reports", "run_date=2026-02-01", "pairs.csv"));
        int rank = PairsOutput.SCHEMA.fieldIndex("mrmr_rank");
        assertEquals("2", csv.stream().filter(l -> l.startsWith("c ~ t,")).findFirst().orElseThrow().split(",")[rank]);
        // --mrmr-top 0 ranks none
        cli.reset();
        assertEquals(0, cli.run("pairs", "--input", in, "--columns", "a,a2,c", "--target", "t", "--out", out, "--run-date",
                "2026-02-02", "--steps", "50", "--batch-size", "256", "--hidden", "8", "--partitions", "2", "--trainer",
                "jobs", "--permutations", "0", "--mrmr-top", "0"), cli.stderr());
        assertTrue(cli.stdout().lines().noneMatch(l -> l.startsWith("mRMR")), cli.stdout());
    }
}
