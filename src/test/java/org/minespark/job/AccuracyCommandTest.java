package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.core.SyntheticTasks;
import org.minespark.spark.SparkFixture;
import org.minespark.spark.SyntheticData;

/** The {@code accuracy} subcommand: task/bound selection, the table's structure, atomic writes. */
class AccuracyCommandTest {
    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();
    private final ByteArrayOutputStream out = cli.out;
    private final ByteArrayOutputStream err = cli.err;

    private int run(boolean spark, String... args) {
        return cli.run(spark, args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private List<String> filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void catalog_hasEveryTaskAndTheStaircase() {
        List<String> ids = AccuracyCommand.catalog().stream().map(AccuracyCommand.Case::id).toList();
        assertEquals(List.of("gauss-channel", "binary-tensor",
                "corr-gaussian:2", "corr-gaussian:4", "corr-gaussian:6", "corr-gaussian:8", "corr-gaussian:10",
                "cubic:2", "cubic:4", "cubic:6", "cubic:8", "cubic:10", "uniform-noise", "independent"), ids);
        for (AccuracyCommand.Case c : AccuracyCommand.catalog()) {
            if (c.id().contains(":")) {
                assertEquals(Double.parseDouble(c.id().substring(c.id().indexOf(':') + 1)), c.task().trueMiNats(), 1e-12);
                assertEquals(20, c.task().dimX());
            }
        }
    }

    @Test
    void selectTasks_familyName_selectsAllItsLevelsInTableOrder() {
        List<String> ids = AccuracyCommand.selectTasks(List.of("independent", "cubic", "corr-gaussian:6"))
                .stream().map(AccuracyCommand.Case::id).toList();
        assertEquals(List.of("corr-gaussian:6", "cubic:2", "cubic:4", "cubic:6", "cubic:8", "cubic:10", "independent"), ids);
        assertEquals(14, AccuracyCommand.selectTasks(null).size());
        assertEquals(MineSpec.BOUNDS, AccuracyCommand.selectBounds(null));
        assertEquals(List.of("smile", "dv"), AccuracyCommand.selectBounds(List.of("smile", "DV", "smile")));
    }

    @Test
    void bmiSuite_hasTheBmiTasksWithTheirTruths() {
        List<String> ids = AccuracyCommand.bmiCatalog().stream().map(AccuracyCommand.Case::id).toList();
        assertEquals(List.of("student-t:1x1-dof1", "student-t:2x2-dof2", "student-t:5x5-dof3", "asinh-student-t:1x1-dof1",
                "half-cube", "asinh", "spiral", "swiss-roll", "additive-uniform:1x1-eps0.75", "additive-uniform:5x5-eps0.75",
                "discrete-symbols", "mixed-discrete-continuous"), ids);
        Map<String, Double> truth = new java.util.HashMap<>();
        AccuracyCommand.bmiCatalog().forEach(c -> truth.put(c.id(), c.task().trueMiNats()));
        // values from scipy (see BeyondNormalTasksTest) and the closed forms
        assertEquals(0.22417142752923613, truth.get("student-t:1x1-dof1"), 1e-12);
        assertEquals(Math.log(2) - 0.5, truth.get("student-t:2x2-dof2"), 1e-12);
        assertEquals(0.29854362265275824, truth.get("student-t:5x5-dof3"), 1e-12);
        assertEquals(0.22417142752923613, truth.get("asinh-student-t:1x1-dof1"), 1e-12);
        assertEquals(1.0 / 3, truth.get("additive-uniform:1x1-eps0.75"), 1e-15);
        assertEquals(5.0 / 3, truth.get("additive-uniform:5x5-eps0.75"), 1e-14);
        assertEquals(-1.5 * Math.log(1 - 0.75 * 0.75), truth.get("spiral"), 1e-12);
        AccuracyCommand.Case st = AccuracyCommand.bmiCatalog().get(2);
        assertEquals("student-t", st.task().name());
        assertEquals(5, st.task().dimX());
        assertEquals(3.0, st.task().parameters().get("dof"), 0.0);
    }

    /** Every table ends with the bmi suite's description and truths; docs/accuracy.md carries the same text. */
    @Test
    void markdown_endsWithTheBmiSuiteSection_andTheDocsHaveIt() throws IOException {
        String md = AccuracyTable.markdown(List.of(), new java.util.LinkedHashMap<>(), new java.util.LinkedHashMap<>(),
                "mine-submit accuracy", "2026-01-01T00:00:00Z", 1.0, Path.of("a.json"));
        assertTrue(md.contains(AccuracyTable.BMI_SUITE_TEXT), md);
        assertTrue(md.contains("| `swiss-roll` | swiss-roll | 2 x 1 | {rho=0.75} | 0.413339 |"), md);
        assertTrue(md.contains("| `additive-uniform:1x1-eps0.75` | uniform-noise | 1 x 1 | {epsilon=0.75} | 0.333333 |"), md);
        String docs = Files.readString(Path.of("docs/accuracy.md"));
        assertTrue(docs.contains(md.substring(md.indexOf(AccuracyTable.BMI_SUITE_TEXT))),
                "docs/accuracy.md should end with the section the generator writes");
    }

    @Test
    void selectTasks_suiteAndFamiliesAcrossSuites() {
        assertEquals(14, AccuracyCommand.selectTasks(null, "default").size());
        assertEquals(12, AccuracyCommand.selectTasks(List.of(), "bmi").size());
        List<AccuracyCommand.Case> all = AccuracyCommand.selectTasks(null, "ALL");
        assertEquals(28, all.size());
        assertEquals(List.of("code-column", "string-levels"),
                AccuracyCommand.selectTasks(null, "codes").stream().map(AccuracyCommand.Case::id).toList());
        assertEquals(all.size(), all.stream().map(AccuracyCommand.Case::id).distinct().count(), "ids are unique");
        assertEquals(List.of("uniform-noise", "student-t:1x1-dof1", "student-t:2x2-dof2", "student-t:5x5-dof3", "asinh"),
                AccuracyCommand.selectTasks(List.of("asinh", "student-t", "uniform-noise"), "default").stream()
                        .map(AccuracyCommand.Case::id).toList());
        String m = assertThrows(IllegalArgumentException.class, () -> AccuracyCommand.selectTasks(null, "huge")).getMessage();
        assertTrue(m.startsWith("--suite: unknown suite 'huge', expected one of [default, bmi, codes, all]"), m);
    }

    @Test
    void accuracy_unknownTaskOrBound_exits2NamingTheFlag() {
        assertEquals(ExitCodes.USAGE, run(false, "accuracy", "--tasks", "gauss", "--out", dir.resolve("a.md").toString()));
        assertTrue(err().contains("--tasks: unknown task 'gauss'"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run(false, "accuracy", "--bounds", "mine", "--out", dir.resolve("a.md").toString()));
        assertTrue(err().contains("--bounds: unknown bound 'mine'"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run(false, "accuracy", "--rows", "5", "--out", dir.resolve("a.md").toString()));
        assertTrue(err().contains("--rows must be >= 100, got 5"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run(false, "accuracy", "--suite", "bmo", "--out", dir.resolve("a.md").toString()));
        assertTrue(err().contains("--suite: unknown suite 'bmo'"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run(false, "accuracy", "--seeds", "0", "--out", dir.resolve("a.md").toString()));
        assertTrue(err().contains("--seeds must be >= 1, got 0"), err());
    }

    @Test
    void accuracy_outDirectoryMissing_exits4BeforeSpark() {
        assertEquals(ExitCodes.OUTPUT, run(false, "accuracy", "--out", dir.resolve("no/such/a.md").toString()));
        assertTrue(err().contains("does not exist"), err());
    }

    @Test
    void withBound_validatesTheName() {
        MineSpec s = MineSpec.x("a").y("b");
        assertEquals("dv", s.bound());
        for (String b : MineSpec.BOUNDS) {
            assertEquals(b, s.withBound(b).bound());
            assertEquals(b, s.withBound(b).withSteps(5).bound());
        }
        String m = assertThrows(IllegalArgumentException.class, () -> s.withBound("mine")).getMessage();
        assertTrue(m.startsWith("bound must be one of dv, dv-biased, nwj, infonce, smile, got 'mine'"), m);
        assertThrows(IllegalArgumentException.class, () -> s.withBound(null));
    }

    /** Two tasks x one bound on tiny sizes: the table, the JSON and the progress lines. */
    @Test
    void accuracy_twoTasksOneBound_writesTheTableAndJson() throws Exception {
        Path md = dir.resolve("acc.md");
        Files.writeString(md, "old table\n");
        int code = run(true, "accuracy", "--tasks", "binary-tensor,uniform-noise", "--bounds", "dv",
                "--rows", "1500", "--steps", "10", "--batch-size", "128", "--hidden", "16", "--log-every", "5",
                "--seed", "3", "--out", md.toString());
        assertEquals(ExitCodes.OK, code, err());
        assertEquals(List.of("acc.json", "acc.md"), filesIn(dir), "no temporary file is left");
        assertTrue(err().contains("accuracy: run 1/2: binary-tensor"), err());
        assertTrue(err().contains("accuracy: run 2/2 done in"), err());
        assertTrue(err().contains("ETA"), err());

        String text = Files.readString(md);
        assertFalse(text.contains("old table"));
        assertTrue(text.contains("- Command line: `mine-submit accuracy --tasks binary-tensor,uniform-noise --bounds dv"), text);
        assertTrue(text.contains("- Machine: host "), text);
        assertTrue(text.contains("- Settings: rows 1500, seed 3, steps 10, batch_size 128"), text);
        List<String> lines = text.lines().toList();
        int h = lines.indexOf(AccuracyTable.HEADER);
        assertTrue(h > 0, text);
        assertTrue(lines.get(h + 1).startsWith("|---|"));
        List<String> rows = lines.subList(h + 2, lines.size()).stream().takeWhile(l -> l.startsWith("| ")).toList();
        assertEquals(2, rows.size(), text);
        for (String r : rows) {
            String[] cells = r.substring(2, r.length() - 2).split(" \\| ", -1);
            assertEquals(10, cells.length, r);
            assertEquals("dv", cells[2], r);
            Double.parseDouble(cells[3]);                  // an estimate, not n/a
            assertTrue(cells[4].matches("\\[-?[0-9.]+, -?[0-9.]+\\]"), r);
            assertTrue(cells[5].matches("[+-][0-9.]+ %"), r);
            assertTrue(cells[6].equals("yes") || cells[6].equals("no"), r);
            double pv = Double.parseDouble(cells[7]);      // the permutation test's p-value (default 99 replicates)
            assertTrue(pv >= 0.01 && pv <= 1.0, r);
            assertTrue(cells[8].startsWith("ok"), r);
            assertTrue(Double.parseDouble(cells[9]) > 0, r);
        }
        assertTrue(rows.get(0).startsWith("| binary-tensor | 2.426 | dv | "), rows.get(0));
        assertTrue(rows.get(1).startsWith("| uniform-noise | 1.709 | dv | "), rows.get(1));

        JsonNode json = new ObjectMapper().readTree(dir.resolve("acc.json").toFile());
        assertEquals(2, json.get("runs").size());
        JsonNode r0 = json.get("runs").get(0);
        assertEquals("binary-tensor", r0.get("task").asText());
        assertEquals(3.5 * Math.log(2), r0.get("truth_nats").asDouble(), 1e-12);
        assertEquals("dv", r0.get("bound").asText());
        assertTrue(r0.get("mi_nats").isNumber());
        assertEquals(2, r0.get("ci95_nats").size());
        assertTrue(r0.get("p_value").isNumber());
        assertEquals(1500, json.get("settings").get("rows").asLong());
        assertEquals(3, json.get("settings").get("seed").asLong());
        assertEquals(1, json.get("settings").get("seeds").asInt());
        assertEquals(3, r0.get("seed").asLong(), "one seed: the first is --seed");
        JsonNode overall = json.get("coverage").get("overall");
        assertEquals(2, overall.get("runs").asInt());
        assertEquals(2, json.get("coverage").get("per_bound").get("dv").get("runs").asInt());
        assertEquals(0, json.get("independence").size(), "no task with truth 0");
        assertTrue(text.contains("\n## Coverage\n"), text);
        assertFalse(text.contains("## Over the seeds"), "no per-task summary with one seed");
        assertTrue(json.get("machine").get("cores").asInt() >= 1);
        assertEquals("uniform-noise", json.get("settings").get("tasks").get(1).get("id").asText());
        assertEquals(0.1, json.get("settings").get("tasks").get(1).get("parameters").get("epsilon").asDouble(), 0.0);
        assertTrue(text.contains("- `binary-tensor`: binary-tensor, dim 7, MI 2.426015 nats"), text);
    }

    /** One task x one bound x two seeds: a row per seed (--seed, --seed + 1), a seed column and the summaries. */
    @Test
    void accuracy_twoSeeds_oneRowPerSeedWithCoverageAndSummary() throws Exception {
        Path md = dir.resolve("acc.md");
        int code = run(true, "accuracy", "--tasks", "independent", "--bounds", "dv", "--seeds", "2",
                "--rows", "1500", "--steps", "10", "--batch-size", "128", "--hidden", "16", "--log-every", "5",
                "--seed", "7", "--out", md.toString());
        assertEquals(ExitCodes.OK, code, err());
        assertTrue(err().contains("accuracy: run 1/2: independent (truth 0.000 nats), bound dv, seed 7"), err());
        assertTrue(err().contains("accuracy: run 2/2: independent (truth 0.000 nats), bound dv, seed 8"), err());

        String text = Files.readString(md);
        List<String> lines = text.lines().toList();
        int h = lines.indexOf(AccuracyTable.HEADER_SEEDS);
        assertTrue(h > 0, text);
        List<String> rows = lines.subList(h + 2, lines.size()).stream().takeWhile(l -> l.startsWith("| ")).toList();
        assertEquals(2, rows.size(), text);
        assertTrue(rows.get(0).startsWith("| independent | 0.000 | dv | 7 | "), rows.get(0));
        assertTrue(rows.get(1).startsWith("| independent | 0.000 | dv | 8 | "), rows.get(1));
        assertEquals(12, lines.get(h + 1).chars().filter(ch -> ch == '|').count(), "11 columns");
        assertEquals(12, AccuracyTable.HEADER_SEEDS.chars().filter(ch -> ch == '|').count());
        assertTrue(text.contains("\n## Coverage\n"), text);
        assertTrue(text.contains("\n## Over the seeds\n"), text);
        assertTrue(text.contains("\n## Independent data\n"), text);
        assertTrue(text.contains("| independent | dv | 2 | "), text);

        JsonNode json = new ObjectMapper().readTree(dir.resolve("acc.json").toFile());
        assertEquals(2, json.get("settings").get("seeds").asInt());
        assertEquals(7, json.get("runs").get(0).get("seed").asLong());
        assertEquals(8, json.get("runs").get(1).get("seed").asLong());
        JsonNode dv = json.get("coverage").get("per_bound").get("dv");
        assertEquals(2, dv.get("runs").asInt());
        assertTrue(dv.get("unflagged").asInt() <= 2);
        assertEquals(2, json.get("coverage").get("overall").get("runs").asInt());
        JsonNode t = json.get("per_task").get(0);
        assertEquals("independent", t.get("task").asText());
        assertEquals(2, t.get("runs").asInt());
        assertTrue(t.get("sd_mi_nats").isNumber(), t.toString());
        assertTrue(t.get("mean_rel_error").isNull(), "no relative error at truth 0");
        JsonNode ind = json.get("independence").get(0);
        assertEquals(2, ind.get("runs").asInt());
        assertTrue(ind.get("both").asInt() <= ind.get("p_above_0_05").asInt());
    }

    @Test
    void writeAtomically_existingTarget_isReplacedWholeWithoutTemporaryFiles() throws Exception {
        Path t = dir.resolve("t.md");
        Files.writeString(t, "x".repeat(10_000));
        AccuracyTable.writeAtomically(t, "new\n");
        assertEquals("new\n", Files.readString(t));
        assertEquals(List.of("t.md"), filesIn(dir));
    }

    @Test
    void writeAtomically_targetIsADirectory_failsAndLeavesNoTemporaryFile() throws Exception {
        Path t = dir.resolve("t.md");
        Files.createDirectory(t);
        Files.writeString(t.resolve("inside"), "keep");
        OutputException e = assertThrows(OutputException.class, () -> AccuracyTable.writeAtomically(t, "new\n"));
        assertTrue(e.getMessage().startsWith("--out: cannot write"), e.getMessage());
        assertEquals(List.of("t.md"), filesIn(dir));
        assertEquals("keep", Files.readString(t.resolve("inside")));
    }

    @Test
    void entry_relativeErrorCoverageAndStatus() {
        MiResult r = new MiResult(1.9, 1.8, 2.05, 0.05, 100, 0, 80, 20, 10, "dv", "vector", 1, 1, 1, new double[0]);
        AccuracyTable.Entry e = AccuracyTable.Entry.of("corr-gaussian:2", 2.0, "nwj", 42, r, 3.0);
        assertEquals(-0.05, e.relError(), 1e-12);
        assertEquals(Boolean.TRUE, e.ciCoversTruth());
        assertEquals("ok, not dependent, reported bound dv", e.statusCell()); // no test in r: dependent false
        AccuracyTable.Entry zero = AccuracyTable.Entry.of("independent", 0.0, "dv", 42, r, 3.0);
        assertTrue(Double.isNaN(zero.relError()));
        assertEquals(Boolean.FALSE, zero.ciCoversTruth());
        AccuracyTable.Entry f = AccuracyTable.Entry.failed("cubic:10", 10.0, "dv", 42, "diverged", 2.0);
        assertEquals("error: diverged", f.statusCell());
        assertEquals(null, f.ciCoversTruth());
        assertFalse(e.flagged());
        assertTrue(f.flagged(), "a failed run is flagged");
        assertEquals(Path.of("docs/accuracy.json"), AccuracyTable.jsonPath(Path.of("docs/accuracy.md")));
        assertEquals(Path.of("t.txt.json"), AccuracyTable.jsonPath(Path.of("t.txt")));
    }

    /** binary-tensor is two non-null array<double> columns of 7 values in {−1, 1} and {−2, 0, 2}. */
    @Test
    void syntheticData_binaryTensor_hasArrayColumns() {
        SparkSession s = SparkFixture.local2();
        SyntheticTasks.Task t = SyntheticTasks.create("binary-tensor", null, null, null, 2);
        Dataset<Row> df = SyntheticData.generate(s, t, 50, 1, 2);
        assertEquals(List.of("x"), SyntheticData.xColumns(t));
        assertEquals(List.of("y"), SyntheticData.yColumns(t));
        assertEquals(new ArrayType(DataTypes.DoubleType, false), df.schema().apply("x").dataType());
        assertFalse(df.schema().apply("y").nullable());
        List<Row> rows = df.collectAsList();
        assertEquals(50, rows.size());
        for (Row r : rows) {
            List<Double> x = r.getList(0);
            List<Double> y = r.getList(1);
            assertEquals(14, x.size());
            for (int j = 0; j < 14; j++) {
                assertEquals(1.0, Math.abs(x.get(j)), 0.0);
                assertEquals(1.0, Math.abs(y.get(j) - x.get(j)), 0.0);
            }
        }
    }
}
