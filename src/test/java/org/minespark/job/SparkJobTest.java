package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.minespark.spark.SparkFixture;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spec.MineSpec;

/** The subcommands end to end on a local[2] session created here. */
class SparkJobTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();
    private final ByteArrayOutputStream out = cli.out;
    private final ByteArrayOutputStream err = cli.err;

    @BeforeAll
    static void startSpark() {
        spark = SparkFixture.local2();
    }

    private int run(String... args) {
        return cli.run(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private List<Path> siblingsOf(Path p) throws IOException {
        try (Stream<Path> s = Files.list(p.getParent())) {
            return s.filter(q -> q.getFileName().toString().startsWith(p.getFileName() + ".")).toList();
        }
    }

    @Test
    void generate_gaussChannel_writesParquetAndTruth() throws Exception {
        Path target = dir.resolve("chan");
        assertEquals(ExitCodes.OK, run("generate", "--task", "gauss-channel", "--rows", "1000", "--out",
                target.toString(), "--seed", "5", "--partitions", "3"), err());
        Dataset<Row> df = spark.read().parquet(target.toString());
        assertEquals(1000, df.count());
        assertArrayEquals(new String[] {"x0", "x1", "x2", "y0", "y1", "y2"}, df.columns());
        for (StructField f : df.schema().fields()) {
            assertEquals(DataTypes.DoubleType, f.dataType(), f.name());
        }
        JsonNode truth = new ObjectMapper().readTree(target.resolve("_truth.json").toFile());
        assertEquals("gauss-channel", truth.get("task").asText());
        assertEquals(1.5 * Math.log(16), truth.get("mi_nats").asDouble(), 1e-12);
        assertEquals(6.0, truth.get("mi_bits").asDouble(), 1e-12);
        assertEquals(3, truth.get("dim").asInt());
        assertEquals(1000, truth.get("rows").asLong());
        assertEquals(5, truth.get("seed").asLong());
        assertTrue(siblingsOf(target).isEmpty(), "temporary directories left: " + siblingsOf(target));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("wrote 1000 rows of gauss-channel"));
    }

    @Test
    void generate_sameSeedDifferentPartitions_givesTheSameRows() {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(ExitCodes.OK, run("generate", "--task", "corr-gaussian", "--dim", "4", "--mi", "1",
                "--rows", "777", "--out", a.toString(), "--partitions", "1"), err());
        assertEquals(ExitCodes.OK, run("generate", "--task", "corr-gaussian", "--dim", "4", "--mi", "1",
                "--rows", "777", "--out", b.toString(), "--partitions", "5"), err());
        Dataset<Row> da = spark.read().parquet(a.toString());
        Dataset<Row> db = spark.read().parquet(b.toString());
        assertEquals(8, da.columns().length);
        assertEquals(0, da.exceptAll(db).count());
        assertEquals(0, db.exceptAll(da).count());
    }

    @Test
    void generate_existingOutput_exits4UnlessOverwrite() throws Exception {
        Path target = dir.resolve("exists");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "old");
        assertEquals(ExitCodes.OUTPUT, run("generate", "--task", "independent", "--rows", "10", "--out", target.toString()));
        assertTrue(err().contains("already exists"), err());
        assertTrue(Files.exists(target.resolve("keep.txt")));
        assertEquals(ExitCodes.OK, run("generate", "--task", "independent", "--rows", "10", "--out", target.toString(),
                "--overwrite"), err());
        assertFalse(Files.exists(target.resolve("keep.txt")));
        assertEquals(10, spark.read().parquet(target.toString()).count());
        assertTrue(siblingsOf(target).isEmpty(), "left behind: " + siblingsOf(target));
    }

    @Test
    void estimate_missingInput_exits3() {
        assertEquals(ExitCodes.INPUT, run("estimate", "--input", dir.resolve("nope").toString(), "--x", "a", "--y", "b",
                "--out", dir.resolve("o").toString()));
        assertTrue(err().contains("does not exist"), err());
        assertEquals(ExitCodes.INPUT, run("estimate", "--input", dir.resolve("nope-*").toString(), "--x", "a", "--y", "b",
                "--out", dir.resolve("o").toString()));
        assertTrue(err().contains("matches no file"), err());
    }

    @Test
    void read_globInput_readsTheMatchingFiles() {
        Path data = dir.resolve("g");
        assertEquals(ExitCodes.OK, run("generate", "--task", "independent", "--rows", "30", "--out", data.toString(),
                "--partitions", "3"));
        assertEquals(30, Jobs.read(spark, data + "/part-*", "parquet").count());
    }

    @Test
    void estimate_missingColumn_exits3NamingIt() {
        Path data = dir.resolve("d");
        assertEquals(ExitCodes.OK, run("generate", "--task", "independent", "--rows", "20", "--out", data.toString()));
        assertEquals(ExitCodes.INPUT, run("estimate", "--input", data.toString(), "--x", "x0", "--y", "y9",
                "--out", dir.resolve("o").toString()));
        assertTrue(err().contains("--y: column 'y9' not found in the input (did you mean 'y0'"), err());
    }

    @Test
    void estimate_existingOutput_exits4BeforeTraining() throws Exception {
        Path data = dir.resolve("d");
        assertEquals(ExitCodes.OK, run("generate", "--task", "independent", "--rows", "20", "--out", data.toString()));
        Path o = Files.createDirectories(dir.resolve("o"));
        assertEquals(ExitCodes.OUTPUT, run("estimate", "--input", data.toString(), "--x", "x0", "--y", "y0",
                "--out", o.toString()));
    }

    @Test
    void estimate_csvWithHeader_readsTypedColumns() throws Exception {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "a,b,label\n1.5,2,x\n2.5,3,y\n");
        Dataset<Row> df = Jobs.read(spark, csv.toString(), Jobs.resolveFormat(null, csv.toString()));
        assertEquals(DataTypes.DoubleType, df.schema().apply("a").dataType());
        assertEquals(DataTypes.IntegerType, df.schema().apply("b").dataType());
        assertEquals(2, df.count());
    }

    @Test
    void resultFiles_writeAndCommit_giveJsonParquetPngCsv() throws Exception {
        Path target = dir.resolve("res");
        OutputDir od = OutputDir.begin(OutputDir.fileSystem(target.toString(), spark.sparkContext().hadoopConfiguration()),
                target.toString(), false, "--out");
        try (od) {
            Map<String, Object> fields = ResultFiles.resultMap(JsonWriterTest.sampleResult(), MineSpec.x("x0").y("y0"),
                    "file:/in", "parquet", Double.NaN, spark.version());
            ResultFiles.write(spark, od, fields, JsonWriterTest.sampleResult().curve(), 4.159);
            assertFalse(Files.exists(target));
            od.commit();
        }
        assertTrue(Files.size(target.resolve("training_curve.png")) > 5_000);
        assertEquals(6, Files.readAllLines(target.resolve("training_curve.csv")).size());
        JsonNode json = new ObjectMapper().readTree(target.resolve("result.json").toFile());
        Dataset<Row> p = spark.read().parquet(target.resolve("result.parquet").toString());
        assertEquals(1, p.count());
        Row r = p.first();
        assertEquals(json.get("mi_nats").asDouble(), r.getDouble(r.fieldIndex("mi_nats")), 0.0);
        assertEquals(json.get("n_rows").asLong(), r.getLong(r.fieldIndex("n_rows")));
        assertEquals(List.of(4.05, 4.19), r.getList(r.fieldIndex("ci95_nats")));
        assertEquals(List.of("x0"), r.getList(r.fieldIndex("x")));
        assertTrue(r.isNullAt(r.fieldIndex("truth_nats")));
        assertEquals(json.size(), p.columns().length);
        assertTrue(siblingsOf(target).isEmpty(), "left behind: " + siblingsOf(target));
    }

    /**
     * {@code generate} then {@code estimate} on the real trainer (40 steps): exit code OK, the summary
     * line with the task's truth, and every output file with the run's settings.
     */
    @Test
    void estimate_generatedChannel_writesAllOutputs() throws Exception {
        Path data = dir.resolve("chan");
        Path res = dir.resolve("result");
        assertEquals(ExitCodes.OK, run("generate", "--task", "gauss-channel", "--rows", "20000", "--out", data.toString()));
        int code = run("estimate", "--input", data.toString(), "--x", "x0,x1,x2", "--y", "y0,y1,y2",
                "--out", res.toString(), "--steps", "40", "--batch-size", "256", "--hidden", "32,32", "--log-every", "20",
                "--max-test-rows", "1000");
        assertEquals(ExitCodes.OK, code, err());
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertTrue(stdout.matches("(?s).*MI estimate: -?\\d+\\.\\d\\d nats \\(-?\\d+\\.\\d\\d bits\\), 95% CI "
                + "\\[-?\\d+\\.\\d\\d, -?\\d+\\.\\d\\d\\], truth 4\\.159 nats.*"), stdout);
        for (String f : List.of("result.json", "result.parquet", "training_curve.png", "training_curve.csv")) {
            assertTrue(Files.exists(res.resolve(f)), f);
        }
        JsonNode json = new ObjectMapper().readTree(res.resolve("result.json").toFile());
        assertEquals(40, json.get("steps").asInt());
        assertEquals(1.5 * Math.log(16), json.get("truth_nats").asDouble(), 1e-12);
        assertEquals(20000, json.get("n_rows").asLong());
        // about 3 000 test rows (20 % held out, a quarter of them validation), sampled down to at most 1 000
        assertEquals(1000, json.get("max_test_rows").asLong());
        assertTrue(json.get("n_eval").asLong() > 500 && json.get("n_eval").asLong() <= 1000, json.toString());
        assertEquals(41, Files.readAllLines(res.resolve("training_curve.csv")).size());
    }
}
