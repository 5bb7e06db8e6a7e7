package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spark.SparkFixture;

/** {@code generate} with the tasks of issue 4: flags, _truth.json, array columns. */
class GenerateTasksTest {
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

    @Test
    void generate_epsilonOutOfRange_exits2NamingTheFlagAndValue() {
        assertEquals(ExitCodes.USAGE, run(false, "generate", "--task", "uniform-noise", "--epsilon", "-0.2",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(err().contains("--epsilon must be in (0, 1e6], got -0.2"), err());
    }

    @Test
    void generate_flagOfAnotherTask_exits2NamingTheFlag() {
        assertEquals(ExitCodes.USAGE, run(false, "generate", "--task", "corr-gaussian", "--positions", "2",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(err().contains("--positions applies only to task 'binary-tensor'"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run(false, "generate", "--task", "cubic", "--epsilon", "0.2",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(err().contains("--epsilon applies only to task 'uniform-noise'"), err());
    }

    @Test
    void generate_binaryTensorWithPositions_writesArrayColumnsAndTruth() throws Exception {
        Path o = dir.resolve("bin");
        assertEquals(ExitCodes.OK, run(true, "generate", "--task", "binary-tensor", "--positions", "2",
                "--rows", "64", "--seed", "0", "--partitions", "2", "--out", o.toString()), err());
        JsonNode t = new ObjectMapper().readTree(o.resolve(Truth.FILE).toFile());
        assertEquals("binary-tensor", t.get("task").asText());
        assertEquals(2 * 7 * 0.5 * Math.log(2), t.get("mi_nats").asDouble(), 1e-12);
        assertEquals(7.0, t.get("mi_bits").asDouble(), 1e-12);
        assertEquals(14, t.get("dim").asInt());
        assertEquals("[\"x\"]", t.get("x").toString());
        assertEquals("[\"y\"]", t.get("y").toString());
        assertEquals(2.0, t.get("parameters").get("positions").asDouble(), 0.0);
        Dataset<Row> df = SparkFixture.local2().read().parquet(o.toString());
        assertEquals(64, df.count());
        assertEquals(new ArrayType(DataTypes.DoubleType, true).simpleString(), df.schema().apply("x").dataType().simpleString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("true MI 4.852 nats"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void generate_uniformNoiseFromMi_writesEpsilonToTruth() throws Exception {
        Path o = dir.resolve("un");
        assertEquals(ExitCodes.OK, run(true, "generate", "--task", "uniform-noise", "--mi", "2",
                "--rows", "50", "--out", o.toString()), err());
        JsonNode t = new ObjectMapper().readTree(o.resolve(Truth.FILE).toFile());
        double eps = t.get("parameters").get("epsilon").asDouble();
        assertEquals(2.0, eps - Math.log(2 * eps), 1e-9);
        assertEquals(2.0, t.get("mi_nats").asDouble(), 1e-9);
        assertEquals("[\"x0\"]", t.get("x").toString());
    }
}
