package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsSpec;
import org.minespark.spark.SparkFixture;

/** {@code pairs} end to end on the shared local[2] session, with few steps and small critics. */
class PairsCommandTest {
    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();
    private final ByteArrayOutputStream out = cli.out;
    private final ByteArrayOutputStream err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    /**
     * 3000 rows: t ~ N(0,1); a = t + 0.5 e when {@code dependent} (I = 0.80 nats), else independent;
     * b = -t + 0.7 e (I = 0.5 ln(1 + 1/0.49) = 0.56 nats); c independent; s a string "pos"/"neg" by
     * the sign of t + 0.3 e.
     */
    private String table(String name, boolean dependent, long seed) {
        Random r = new Random(seed);
        Random ra = new Random(seed + 1000); // a's own stream: t, b, c, s do not depend on `dependent`
        StructType schema = new StructType().add("t", DataTypes.DoubleType).add("a", DataTypes.DoubleType)
                .add("b", DataTypes.DoubleType).add("c", DataTypes.DoubleType).add("s", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            double t = r.nextGaussian();
            double a = dependent ? t + 0.5 * ra.nextGaussian() : ra.nextGaussian();
            rows.add(RowFactory.create(t, a, -t + 0.7 * r.nextGaussian(), r.nextGaussian(),
                    t + 0.3 * r.nextGaussian() > 0 ? "pos" : "neg"));
        }
        String path = dir.resolve(name).toString();
        SparkFixture.local2().createDataFrame(rows, schema).repartition(2).write().parquet(path);
        return path;
    }

    /** Training flags of the tests below, which are about training every pair: the screen is off (it has its own test). */
    private static final String[] FAST = {"--steps", "200", "--batch-size", "256", "--hidden", "32,32", "--lr", "3e-3",
        "--partitions", "2", "--trainer", "jobs", "--seed", "5", "--log-every", "100", "--screen", "off"};

    private String[] args(String... a) {
        return Stream.concat(Stream.of(a), Stream.of(FAST)).toArray(String[]::new);
    }

    private List<String> csvLines(String out, String date, String file) throws IOException {
        return Files.readAllLines(Path.of(out, "reports", "run_date=" + date, file));
    }

    @Test
    void pairsSpec_allPairs_countIsNChooseTwo() {
        for (int n = 2; n <= 7; n++) {
            List<String> cols = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                cols.add("c" + i);
            }
            PairsSpec ps = PairsCommand.pairsSpec(cols, null, Map.of(), 16, List.of(8), 4);
            assertEquals(n * (n - 1) / 2, ps.pairs().size());
            assertEquals(n * (n - 1) / 2, ps.pairs().stream().map(p -> p.stream().sorted().collect(Collectors.joining()))
                    .distinct().count(), "unordered pairs, each once");
        }
        PairsSpec t = PairsCommand.pairsSpec(List.of("a", "b", "t"), List.of("t", "u"), Map.of(), 16, List.of(8), 4);
        assertEquals(2 + 3, t.pairs().size()); // a,b vs t; a,b,t vs u
    }

    @Test
    void pairsSpec_badValues_nameTheFlag() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PairsCommand.pairsSpec(List.of("a"), null, Map.of(),
                16, List.of(8), 4)).getMessage().startsWith("--columns"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PairsCommand.pairsSpec(List.of("a", "b"), null, Map.of(),
                0, List.of(8), 4)).getMessage().startsWith("--categorical-top-k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PairsCommand.pairsSpec(List.of("a", "a"), null, Map.of(),
                4, List.of(8), 4)).getMessage().contains("twice"));
        // a group overlapping its partner: the same column on both sides
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PairsCommand.pairsSpec(List.of("g"), List.of("a"),
                Map.of("g", List.of("a", "b")), 4, List.of(8), 4)).getMessage().contains("both sides"));
    }

    @Test
    void readGroups_hoconFile_namedGroupsInOrder() throws IOException {
        Path f = dir.resolve("groups.conf");
        Files.writeString(f, "ab = [a, b]\n\"geo\" = [\"lat\", \"lon\"]\n");
        Map<String, List<String>> g = PairsCommand.readGroups(f);
        assertEquals(List.of("ab", "geo"), new ArrayList<>(g.keySet()));
        assertEquals(List.of("lat", "lon"), g.get("geo"));
        Files.writeString(f, "ab = a\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PairsCommand.readGroups(f)).getMessage()
                .contains("must be a list"));
    }

    @Test
    void pairs_allPairs_writesTableReportsAndHeatmap() throws IOException {
        String in = table("all.parquet", true, 1);
        String o = dir.resolve("out").toString();
        assertEquals(0, run(args("pairs", "--input", in, "--columns", "t,a,c,s", "--out", o, "--run-date", "2026-01-02")),
                err.toString());
        List<String> lines = csvLines(o, "2026-01-02", "pairs.csv");
        assertEquals(1 + 6, lines.size(), lines.toString());
        assertTrue(Files.size(Path.of(o, "reports", "run_date=2026-01-02", "pairs.png")) > 1000);
        List<Row> rows = SparkFixture.local2().read().parquet(Path.of(o, "results").toString()).collectAsList();
        assertEquals(6, rows.size());
        Map<String, Double> mi = rows.stream().collect(Collectors.toMap(r -> r.getString(r.fieldIndex("pair")),
                r -> r.getDouble(r.fieldIndex("mi_nats"))));
        // t ~ a (0.80 nats) and t ~ s (string column, about 0.45 nats) above every pair with c
        // (independent: held-out DV within a few 0.01 of 0 at 600 held-out rows)
        double maxC = Math.max(mi.get("t ~ c"), Math.max(mi.get("a ~ c"), mi.get("c ~ s")));
        assertTrue(mi.get("t ~ a") > maxC + 0.3 && mi.get("t ~ s") > maxC + 0.2, mi.toString());
        Map<String, Row> byPair = rows.stream().collect(Collectors.toMap(r -> r.getString(r.fieldIndex("pair")), r -> r));
        // permutation test (K = 99): t ~ a beats every replicate (p = 0.01); c is independent of
        // all: p uniform on {0.01, ..., 1}, flagged with probability 0.05 each (fixed seed: none is)
        assertEquals(0.01, byPair.get("t ~ a").getDouble(byPair.get("t ~ a").fieldIndex("p_value")), 1e-12);
        assertTrue(byPair.get("t ~ a").getBoolean(byPair.get("t ~ a").fieldIndex("dependent")));
        for (String p : List.of("t ~ c", "a ~ c", "c ~ s")) {
            assertFalse(byPair.get(p).getBoolean(byPair.get(p).fieldIndex("dependent")), p);
            assertFalse(byPair.get(p).isNullAt(byPair.get(p).fieldIndex("converged")), p);
        }
        assertEquals(List.of(PairsOutput.SCHEMA.fieldNames()), List.of(lines.get(0).split(",")));
        String json = Files.readString(Path.of(o, "reports", "run_date=2026-01-02", "pairs.json"));
        assertTrue(json.contains("\"p_value\"") && json.contains("\"still_increasing\"") && json.contains("\"permutations\""), json);
        assertEquals("2026-01-02", rows.get(0).get(rows.get(0).fieldIndex("run_date")).toString());
    }

    @Test
    void pairs_groupsFileVsTarget_groupActsAsOneColumn() throws IOException {
        String in = table("groups.parquet", true, 2);
        Path g = dir.resolve("groups.conf");
        Files.writeString(g, "ab = [a, b]\n");
        String o = dir.resolve("out").toString();
        assertEquals(0, run(args("pairs", "--input", in, "--columns", "ab,c", "--target", "t", "--groups", g.toString(),
                "--out", o, "--run-date", "2026-01-02")), err.toString());
        List<String> lines = csvLines(o, "2026-01-02", "pairs.csv");
        assertEquals(3, lines.size(), lines.toString());
        String ab = lines.stream().filter(l -> l.startsWith("ab ~ t,")).findFirst().orElseThrow();
        String c = lines.stream().filter(l -> l.startsWith("c ~ t,")).findFirst().orElseThrow();
        // (a, b) jointly carry more than a alone (0.80 nats): well above the independent c
        int mi = PairsOutput.SCHEMA.fieldIndex("mi_nats");
        assertTrue(Double.parseDouble(ab.split(",")[mi]) > 0.6, ab);
        assertTrue(Double.parseDouble(ab.split(",")[mi]) > Double.parseDouble(c.split(",")[mi]) + 0.5, ab + " / " + c);
    }

    private static Map<String, Long> listing(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).collect(Collectors.toMap(x -> p.relativize(x).toString(), x -> {
                try {
                    return Files.getLastModifiedTime(x).toMillis() ^ Files.size(x);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
    }

    @Test
    void pairs_rerunSameDate_replacesOnlyThatPartitionAndFailureKeepsTable() throws IOException {
        String dep = table("dep.parquet", true, 3);
        String ind = table("ind.parquet", false, 3);
        String o = dir.resolve("out").toString();
        Path table = Path.of(o, "results");
        assertEquals(0, run(args("pairs", "--input", dep, "--columns", "a,c", "--target", "t", "--out", o,
                "--run-date", "2026-01-01")), err.toString());
        assertEquals(0, run(args("pairs", "--input", dep, "--columns", "a,c", "--target", "t", "--out", o,
                "--run-date", "2026-01-02")), err.toString());
        Map<String, Long> day1 = listing(table.resolve("run_date=2026-01-01"));
        // rerun day 2 on other data: day 1 untouched, day 2 replaced
        assertEquals(0, run(args("pairs", "--input", ind, "--columns", "a,c", "--target", "t", "--out", o,
                "--run-date", "2026-01-02")), err.toString());
        assertEquals(day1, listing(table.resolve("run_date=2026-01-01")));
        List<Row> day2 = SparkFixture.local2().read().parquet(table.resolve("run_date=2026-01-02").toString())
                .where("pair = 'a ~ t'").collectAsList();
        assertEquals(1, day2.size());
        assertTrue(day2.get(0).getDouble(day2.get(0).fieldIndex("mi_nats")) < 0.2, "the rerun's (independent) a");
        assertEquals(4, SparkFixture.local2().read().parquet(table.toString()).count());
        // a failed run (unknown column) leaves everything as it was
        Map<String, Long> before = listing(table);
        assertEquals(ExitCodes.INPUT, run(args("pairs", "--input", dep, "--columns", "a,nope", "--target", "t", "--out", o,
                "--run-date", "2026-01-02")));
        assertTrue(err.toString().contains("'nope'"), err.toString());
        assertEquals(before, listing(table));
        try (Stream<Path> s = Files.list(table)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temp directory left");
        }
    }

    @Test
    void pairs_dependenceChangesBetweenDates_driftListsOnlyThatPair() throws IOException {
        String dep = table("dep.parquet", true, 4);
        String ind = table("ind.parquet", false, 4);
        String o = dir.resolve("out").toString();
        assertEquals(0, run(args("pairs", "--input", dep, "--columns", "a,b,c", "--target", "t", "--out", o,
                "--run-date", "2026-02-01")), err.toString());
        assertEquals(List.of(PairsOutputHeader.DRIFT), csvLines(o, "2026-02-01", "drift.csv"), "no earlier run");
        // the second run prints bits and raises the drift floor: a ~ t moves by 0.8 nats, far above it
        assertEquals(0, run(args("pairs", "--input", ind, "--columns", "a,b,c", "--target", "t", "--out", o,
                "--run-date", "2026-02-03", "--units", "bits", "--drift-min-nats", "0.05")), err.toString());
        List<String> drift = csvLines(o, "2026-02-03", "drift.csv");
        // a ~ t fell from 0.80 nats to 0 (CIs about +-0.1 wide): beyond both CIs. b, c and t are the
        // same rows in both tables and the seed is the same, so their pairs' estimates are
        // identical (a pair's result does not depend on the other pairs of the pass). Note that
        // the CIs reflect held-out sampling only, not training variability: two runs on fresh
        // samples of an unchanged but under-trained pair can differ by more than the CIs.
        assertEquals(2, drift.size(), drift.toString());
        assertTrue(drift.get(1).startsWith(",a ~ t,a,t,2026-02-01,"), drift.toString());
        assertTrue(out.toString().contains("1 pair(s) drifted since 2026-02-01 (beyond both 95% intervals and by >= 0.0721348 bits)"),
                out.toString());
        assertTrue(out.toString().lines().anyMatch(l -> l.startsWith("b ~ t") && l.contains(" bits  95% CI [")
                && l.contains("] bits  ")), out.toString());
        assertTrue(Files.readString(Path.of(o, "reports", "run_date=2026-02-03", "pairs.json")).replace(" ", "")
                .contains("\"drift_min_nats\":0.05"));
    }

    @Test
    void pairs_learningRateOne_divergencesRetriedRunSucceedsAndNoNaNWritten() throws IOException {
        String in = table("wild.parquet", true, 5);
        String o = dir.resolve("out").toString();
        // --lr 1 blows every critic up within ~10 steps; each pair is retried at 0.1 (which may
        // diverge again): the run succeeds either way and writes no NaN
        assertEquals(0, run("pairs", "--input", in, "--columns", "a,c", "--target", "t", "--out", o, "--run-date",
                "2026-03-01", "--steps", "40", "--eval-every", "20", "--permutations", "9", "--lr", "1", "--batch-size",
                "256", "--hidden", "32,32", "--partitions", "2", "--seed", "5", "--screen", "off"), err.toString()); // default trainer: stream
        List<String> lines = csvLines(o, "2026-03-01", "pairs.csv");
        assertEquals(3, lines.size(), lines.toString());
        int retried = List.of(PairsOutput.SCHEMA.fieldNames()).indexOf("retried");
        for (String l : lines.subList(1, 3)) {
            assertFalse(l.contains("NaN") || l.contains("Infinity"), l);
            assertEquals("true", l.split(",")[retried], l);
        }
        String json = Files.readString(Path.of(o, "reports", "run_date=2026-03-01", "pairs.json"));
        assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
    }

    @Test
    void outputs_divergedPair_nullNotNaN() {
        PairResult d = new PairResult("c ~ t", "c", "t", Double.NaN, Double.NaN, Double.NaN, MiResult.Significance.NONE,
                100, 20, 10, 0, false, false, true, true, 1, PairResult.DIVERGED, "diverged twice");
        String json = PairsOutput.json(whole(d), "2026-01-01", Map.of());
        assertTrue(json.replace(" ", "").contains("\"mi_nats\":null"), json);
        assertFalse(json.contains("NaN"), json);
        assertNull(PairsOutput.toRow(new SegmentPair(null, d)).get(PairsOutput.SCHEMA.fieldIndex("mi_nats")));
        assertNull(PairsOutput.toRow(new SegmentPair(null, d)).get(PairsOutput.SCHEMA.fieldIndex("p_value")));
        assertFalse(PairsOutput.csv(whole(d)).contains("NaN"));
    }

    /** The header of drift.csv. */
    static final class PairsOutputHeader {
        static final String DRIFT = PairsOutput.driftCsv(List.of()).strip();
    }

    private static PairResult ok(String pair, double mi, double lo, double hi) {
        String[] xy = pair.split(" ~ ");
        return new PairResult(pair, xy[0], xy[1], mi, lo, hi, new MiResult.Significance(MiResult.Significance.TEST_PERMUTATION,
                99, 0.05, 0.01, true, 0.0, 0.01), 100, 20, 10, 10, true, false, false, false, 1, PairResult.OK, "");
    }

    private static List<SegmentPair> whole(PairResult... rs) {
        return java.util.Arrays.stream(rs).map(r -> new SegmentPair(null, r)).toList();
    }

    /** A previous-run baseline of one earlier run (2026-01-01) with these pair -> {mi, low, high}. */
    static Baseline previous(Map<String, double[]> prev) {
        List<ResultsHistory.Row> rows = new java.util.ArrayList<>();
        prev.forEach((p, v) -> rows.add(new ResultsHistory.Row(java.time.LocalDate.parse("2026-01-01"), null, p,
                p.split(" ~ ")[0], p.split(" ~ ")[1], v[0], v[1], v[2], Double.NaN, true, true, PairResult.OK)));
        return Baseline.parse("previous").resolve(rows, java.time.LocalDate.parse("2026-01-02"), "t");
    }

    @Test
    void drift_estimateOutsideBothCis_only() {
        PairResult moved = ok("a ~ t", 0.2, 0.15, 0.25);
        PairResult overlapping = ok("b ~ t", 0.5, 0.38, 0.62);
        PairResult failed = new PairResult("c ~ t", "c", "t", Double.NaN, Double.NaN, Double.NaN, MiResult.Significance.NONE,
                100, 20, 10, 0, false, false, true, true, 1, PairResult.DIVERGED, "x");
        // previous: a 0.5 [0.4, 0.6] -> now 0.2 [0.15, 0.25]: each outside the other's CI
        // previous: b 0.6 [0.55, 0.65] -> now 0.5 [0.38, 0.62]: now outside prev CI, prev inside now CI: no drift
        Baseline prev = previous(Map.of("a ~ t", new double[] {0.5, 0.4, 0.6},
                "b ~ t", new double[] {0.6, 0.55, 0.65}, "c ~ t", new double[] {0.1, 0.0, 0.2}));
        List<Baseline.Drift> d = prev.drift(whole(moved, overlapping, failed), 0.0);
        assertEquals(1, d.size());
        assertEquals("a ~ t", d.get(0).now().pair());
        assertEquals("2026-01-01", d.get(0).baseline());
        assertTrue(Baseline.parse("previous").resolve(List.of(), java.time.LocalDate.parse("2026-01-02"), "t")
                .drift(whole(moved), 0.0).isEmpty(), "no earlier run: no drift");
        String row = PairsOutput.csv(whole(failed));
        assertTrue(row.contains("c ~ t,c,t,,,,,,,,,,,false,none,,,,,,,100,0.00000,20,10,0,false,false,true,true,1.00000,diverged,x"),
                row);
    }

    @Test
    void drift_movedBeyondCisButLessThanMinNats_notListed() {
        // near 0 nats the CIs are a few thousandths wide: 0.004 [0.002, 0.006] -> 0.012 [0.010, 0.014]
        // is beyond both CIs but only 0.008 nats; a ~ t moved 0.3 nats
        PairResult tiny = ok("c ~ t", 0.012, 0.010, 0.014);
        PairResult moved = ok("a ~ t", 0.2, 0.15, 0.25);
        Baseline prev = previous(Map.of("c ~ t", new double[] {0.004, 0.002, 0.006},
                "a ~ t", new double[] {0.5, 0.4, 0.6}));
        assertEquals(List.of("c ~ t", "a ~ t"), prev.drift(whole(tiny, moved), 0.0).stream()
                .map(d -> d.now().pair()).toList(), "CIs only");
        assertEquals(List.of("a ~ t"), prev.drift(whole(tiny, moved), 0.01).stream()
                .map(d -> d.now().pair()).toList(), "default floor");
        // the floor is inclusive: a change of exactly 0.008 nats counts at 0.008, not above it
        assertEquals(1, prev.drift(whole(tiny), 0.008 - 1e-12).size());
        assertEquals(0, prev.drift(whole(tiny), 0.008 + 1e-12).size());
        // decreases count like increases: a fell by 0.3
        assertEquals(1, prev.drift(whole(moved), 0.3 - 1e-12).size());
        assertEquals(0, prev.drift(whole(moved), 0.3 + 1e-12).size());
        assertThrows(IllegalArgumentException.class, () -> prev.drift(whole(moved), -0.01));
        assertThrows(IllegalArgumentException.class, () -> prev.drift(whole(moved), Double.NaN));
        // the drift.csv columns (change_nats carries the signed move)
        assertEquals("segment,pair,x,y,baseline,baseline_mi_nats,baseline_low_nats,baseline_high_nats,"
                + "mi_nats,ci95_low_nats,ci95_high_nats,change_nats", PairsOutputHeader.DRIFT);
    }

    @Test
    void driftMinNats_defaultAndBadValues_nameFlagKeyAndValue() {
        assertEquals(PairsCommand.DEFAULT_DRIFT_MIN_NATS, PairsCommand.driftMinNats(MineConfig.load(null, new java.util.HashMap<>())));
        assertEquals(0.05, PairsCommand.driftMinNats(MineConfig.load(null, new java.util.HashMap<>(
                Map.of(MineConfig.PAIRS_DRIFT_MIN_NATS, 0.05)))));
        String m = assertThrows(IllegalArgumentException.class, () -> PairsCommand.driftMinNats(MineConfig.load(null,
                new java.util.HashMap<>(Map.of(MineConfig.PAIRS_DRIFT_MIN_NATS, -0.5))))).getMessage();
        assertTrue(m.startsWith("--drift-min-nats / mine.pairs.drift-min-nats: ") && m.contains("-0.5"), m);
        // on the command line: exit 2 before Spark reads the input
        assertEquals(2, run("pairs", "--input", dir.resolve("none.parquet").toString(), "--columns", "a,b",
                "--out", dir.resolve("o").toString(), "--drift-min-nats", "-1"));
        assertTrue(err.toString().contains("--drift-min-nats"), err.toString());
        out.reset();
        assertEquals(0, run("pairs", "--help"));
        assertTrue(out.toString().contains("--drift-min-nats") && out.toString().contains("both runs' 95% CIs"),
                out.toString());
    }

    @Test
    void summaryLine_units_nameTheUnit() {
        PairResult r = ok("a ~ t", Math.log(2), 0.5 * Math.log(2), 1.5 * Math.log(2));
        assertEquals(String.format("%-40s %8s nats  95%% CI [%s, %s]  dependent", "a ~ t", "0.693147", "0.346574", "1.03972"),
                PairsCommand.summaryLine(r, "dependent", Units.NATS));
        assertEquals(String.format("%-40s %8s bits  95%% CI [%s, %s] bits  dependent", "a ~ t", "1.00000", "0.500000", "1.50000"),
                PairsCommand.summaryLine(r, "dependent", Units.BITS));
    }
}
