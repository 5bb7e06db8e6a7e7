package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spark.SparkFixture;

/** {@code generate --task binary-tensor --positions P} then {@code estimate --x-shape P,7 --y-shape P,7}. */
class TensorCommandTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startSpark() {
        spark = SparkFixture.local2();
    }

    @BeforeEach
    void reset() {
        out.reset();
        err.reset();
    }

    private int run(String... args) {
        JobContext ctx = new JobContext(cmd -> spark, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return Main.run(args, ctx);
    }

    /**
     * End to end with 8 positions (a short run: the numbers are checked for their relations, the
     * accuracy is TensorShapeSparkTest's): per-vector estimate and truth, totals = 8 x per vector.
     */
    @Test
    void estimate_binaryTensorWithShapes_reportsPerVectorAndTotal() throws Exception {
        Path data = dir.resolve("bin");
        Path res = dir.resolve("res");
        assertEquals(ExitCodes.OK, run("generate", "--task", "binary-tensor", "--positions", "8", "--rows", "2000",
                "--out", data.toString()));
        int code = run("estimate", "--input", data.toString(), "--x", "x", "--y", "y", "--x-shape", "8,7",
                "--y-shape", "8,7", "--out", res.toString(), "--steps", "300", "--batch-size", "128", "--hidden", "32", "--lr", "0.01",
                "--permutations", "9", "--log-every", "1000");
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OK, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(stdout.matches("(?s).*MI estimate: \\d+\\.\\d\\d nats \\(\\d+\\.\\d\\d bits\\), 95% CI "
                + "\\[\\d+\\.\\d\\d, \\d+\\.\\d\\d\\] per position vector, truth 2\\.426 nats; total over 8 positions "
                + "\\d+\\.\\d\\d nats, 95% CI \\[\\d+\\.\\d\\d, \\d+\\.\\d\\d\\], truth 19\\.408 nats.*"), stdout);
        JsonNode json = new ObjectMapper().readTree(res.resolve("result.json").toFile());
        assertEquals(8, json.get("positions").asInt());
        double mi = json.get("mi_nats").asDouble();
        assertEquals(8 * mi, json.get("mi_total_nats").asDouble(), 1e-9);
        assertEquals(8 * mi / Math.log(2), json.get("mi_total_bits").asDouble(), 1e-9);
        assertEquals(8 * json.get("ci95_nats").get(1).asDouble(), json.get("ci95_total_nats").get(1).asDouble(), 1e-9);
        assertEquals(3.5 * Math.log(2), json.get("truth_nats").asDouble(), 1e-12);
        assertEquals(28 * Math.log(2), json.get("truth_total_nats").asDouble(), 1e-12);
        assertEquals("[8,7]", json.get("x_shape").toString());
        assertTrue(mi > 1.8, "a short run at lr 0.01 finds most of the 2.43 nats: " + mi);
    }

    @Test
    void estimate_badShapes_exit2NamingTheFlag() {
        Path data = dir.resolve("bin");
        assertEquals(ExitCodes.OK, run("generate", "--task", "binary-tensor", "--positions", "4", "--rows", "50",
                "--out", data.toString()));
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", data.toString(), "--x", "x", "--y", "y",
                "--x-shape", "4,6", "--out", dir.resolve("r1").toString(), "--steps", "1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                "--x-shape 4,6 needs 24 values per row but x column x has 28"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", data.toString(), "--x", "x", "--y", "y",
                "--x-shape", "28", "--out", dir.resolve("r2").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--x-shape / mine.data.x-shape: expected P,D"),
                err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", data.toString(), "--x", "x", "--y", "y",
                "--x-shape", "4,7", "--y-shape", "2,14", "--out", dir.resolve("r3").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("x and y must have the same positions"),
                err.toString(StandardCharsets.UTF_8));
    }
}
