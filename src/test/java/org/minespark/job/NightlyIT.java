package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spark.SparkFixture;

/**
 * The nightly flow of issue 19 with the real CLI: three run dates of a generated table, two
 * segments, alert rules, a rolling baseline, a catalog input table and a catalog results table.
 * Between the second and the third night the dependency a ~ b is broken and a leak d ~ label is
 * planted.
 */
class NightlyIT {
    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    /**
     * 4000 rows, segment column seg = north/south (half each). Nights 1 and 2: b = a + 0.5 e
     * (I = 0.5 ln 5 = 0.80 nats), label = c + e (0.35 nats), d independent. Night 3: b independent
     * of a, d = label + 0.05 e (I = 0.5 ln(1 + 2/0.0025) = 3.3 nats, rho_i 0.999: a leak).
     */
    private static org.apache.spark.sql.Dataset<Row> night(int night) {
        Random r = new Random(100 + night);
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                .add("c", DataTypes.DoubleType).add("d", DataTypes.DoubleType).add("label", DataTypes.DoubleType)
                .add("seg", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            double a = r.nextGaussian();
            double c = r.nextGaussian();
            double label = c + r.nextGaussian();
            double b = night < 3 ? a + 0.5 * r.nextGaussian() : r.nextGaussian();
            double d = night < 3 ? r.nextGaussian() : label + 0.05 * r.nextGaussian();
            rows.add(RowFactory.create(a, b, c, d, label, i % 2 == 0 ? "north" : "south"));
        }
        return SparkFixture.local2().createDataFrame(rows, schema).repartition(2);
    }

    private static final String RULES = """
            # nightly alert rules
            rules = [
              { name = target-leak, type = threshold, metric = rho_i, above = 0.9, column = label }
              { name = lost-dependency, type = became-independent }
              { name = drift, type = drift, min-nats = 0.5 }
            ]
            """;

    private static final String[] FAST = {"--columns", "a,b,c,d,label", "--segment-by", "seg", "--segments", "2",
        "--steps", "200", "--batch-size", "256", "--hidden", "32,32", "--lr", "3e-3", "--partitions", "2",
        "--trainer", "jobs", "--seed", "5", "--log-every", "100", "--permutations", "49"};

    private int pairs(String out, String date, String... more) {
        cli.reset();
        String[] a = Stream.concat(Stream.of("pairs", "--out", out, "--run-date", date, "--alerts",
                dir.resolve("alerts.conf").toString(), "--results-table", "nightly_results"), Stream.of(more))
                .toArray(String[]::new);
        return cli.run(Stream.concat(Stream.of(a), Stream.of(FAST)).toArray(String[]::new));
    }

    private static String report(String out, String date, String file) throws IOException {
        return Files.readString(Path.of(out, "reports", "run_date=" + date, file));
    }

    @Test
    void threeNights_alertsExitCodeRollingBaselineSegmentsCatalog() throws Exception {
        SparkSession spark = SparkFixture.local2();
        spark.sql("DROP TABLE IF EXISTS nightly_results");
        spark.sql("DROP TABLE IF EXISTS nightly_features");
        // the in-memory catalog forgets tables with its JVM, the warehouse keeps their files: clear leftovers
        Path warehouse = Path.of(java.net.URI.create(spark.conf().get("spark.sql.warehouse.dir").replaceFirst("^/", "file:/")));
        for (String t : new String[] {"nightly_results", "nightly_features"}) {
            org.apache.commons.io.FileUtils.deleteDirectory(warehouse.resolve(t).toFile());
        }
        Files.writeString(dir.resolve("alerts.conf"), RULES);
        String out = dir.resolve("out").toString();
        for (int n = 1; n <= 2; n++) {
            String in = dir.resolve("night" + n + ".parquet").toString();
            night(n).write().parquet(in);
            assertEquals(0, pairs(out, "2026-05-0" + n, "--input", in), cli.stderr() + cli.stdout());
            assertTrue(cli.stdout().contains("0 alert(s) fired of 3 rule(s)"), cli.stdout());
            assertTrue(report(out, "2026-05-0" + n, "alerts.json").replace(" ", "").contains("\"alerts\":[]"));
        }
        // night 3 reads a catalog table and compares with the mean and spread of the last two nights
        night(3).write().saveAsTable("nightly_features");
        assertEquals(ExitCodes.ALERTS, pairs(out, "2026-05-03", "--table", "nightly_features", "--baseline", "rolling:2"),
                cli.stderr() + cli.stdout());
        String stdout = cli.stdout();
        for (String seg : new String[] {"north", "south"}) {
            assertTrue(stdout.contains("ALERT target-leak: segment " + seg + ": d ~ label: rho_i = 0.99"), stdout);
            assertTrue(stdout.contains("ALERT lost-dependency: segment " + seg + ": a ~ b is no longer dependent "
                    + "(baseline rolling:2 (2026-05-01..2026-05-02)"), stdout);
            assertTrue(stdout.contains("ALERT drift: segment " + seg + ": a ~ b moved from 0."), stdout);
            assertTrue(stdout.contains("ALERT drift: segment " + seg + ": d ~ label moved from 0"), stdout);
        }
        String alerts = report(out, "2026-05-03", "alerts.json");
        assertEquals(8, alerts.split("\"rule\"").length - 1, alerts);
        assertFalse(alerts.contains("\"pair\": \"c ~ label\""), "c ~ label is unchanged: " + alerts);
        // drift.csv (at the run's --drift-min-nats, 0.01): the broken a ~ b, the leaking d ~ label and c ~ d,
        // which the leak made dependent too (I(c; d) = 0.35 nats), in both segments, against the rolling baseline;
        // the drift rule's own floor of 0.5 nats leaves c ~ d out of the alerts
        List<String> drift = Files.readAllLines(Path.of(out, "reports", "run_date=2026-05-03", "drift.csv"));
        assertEquals(7, drift.size(), drift.toString());
        assertEquals(2, drift.stream().filter(l -> l.contains(",c ~ d,")).count(), drift.toString());
        assertTrue(drift.stream().skip(1).allMatch(l -> l.contains(",rolling:2 (2026-05-01..2026-05-02),")), drift.toString());
        // segments: each pair twice, one row per segment, in the files and the catalog table
        List<String> csv = Files.readAllLines(Path.of(out, "reports", "run_date=2026-05-03", "pairs.csv"));
        assertEquals(1 + 2 * 10, csv.size(), csv.toString());
        assertEquals(10, csv.stream().filter(l -> l.contains(",north,")).count());
        List<Row> table = spark.sql("SELECT run_date, segment, count(*) FROM nightly_results GROUP BY run_date, segment "
                + "ORDER BY run_date, segment").collectAsList();
        assertEquals(6, table.size(), table.toString());
        for (Row r : table) {
            assertEquals(10L, r.getLong(2), table.toString());
        }
        // re-running a night replaces that night's rows in the catalog table, nothing else
        night(3).write().mode("overwrite").saveAsTable("nightly_features");
        assertEquals(ExitCodes.ALERTS, pairs(out, "2026-05-03", "--table", "nightly_features", "--baseline", "rolling:2"));
        assertEquals(60L, spark.table("nightly_results").count());
        // the report of night 3 in a real browser: every (segment, pair) row, charts drawn, no console error
        ReportBrowser.require();
        List<String> rows = csv.stream().skip(1).map(l -> l.substring(0, l.indexOf(','))).toList();
        String dom = ReportBrowser.check(Path.of(out, "reports", "run_date=2026-05-03", "report.html"), rows, dir);
        assertTrue(dom.contains("target-leak") && dom.contains("lost-dependency"), "alerts missing from the report");
        spark.sql("DROP TABLE IF EXISTS nightly_results");
        spark.sql("DROP TABLE IF EXISTS nightly_features");
    }
}
