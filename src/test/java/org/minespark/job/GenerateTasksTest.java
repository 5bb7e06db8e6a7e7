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

    /** A bmi task with --dim-y and --param: the columns, the schema and the truth file. */
    @Test
    void generate_studentTWithDimYAndParam_writesColumnsAndTruth() throws Exception {
        Path o = dir.resolve("st");
        assertEquals(ExitCodes.OK, run(true, "generate", "--task", "student-t", "--dim", "2", "--dim-y", "3",
                "--param", "dof=3", "--mi", "0.8", "--rows", "40", "--partitions", "2", "--out", o.toString()), err());
        JsonNode t = new ObjectMapper().readTree(o.resolve(Truth.FILE).toFile());
        assertEquals("student-t", t.get("task").asText());
        assertEquals(0.8, t.get("mi_nats").asDouble(), 1e-12);
        assertEquals(2, t.get("dim_x").asInt());
        assertEquals(3, t.get("dim_y").asInt());
        assertEquals(3.0, t.get("parameters").get("dof").asDouble(), 0.0);
        assertEquals("[\"x0\",\"x1\"]", t.get("x").toString());
        assertEquals("[\"y0\",\"y1\",\"y2\"]", t.get("y").toString());
        Dataset<Row> df = SparkFixture.local2().read().parquet(o.toString());
        assertEquals(40, df.count());
        assertEquals(5, df.schema().fields().length);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("of student-t (dim 2 x 3, true MI 0.800 nats"),
                out.toString(StandardCharsets.UTF_8));
    }

    /** Row i depends only on (task, seed, i): the same rows from 1 and 3 partitions. */
    @Test
    void generate_bmiTasks_sameRowsForAnyPartitioning() {
        for (String name : new String[] {"swiss-roll", "discrete-symbols", "mixed-discrete-continuous", "spiral"}) {
            org.minespark.core.SyntheticTasks.Task task = org.minespark.core.SyntheticTasks.create(name, null, null);
            java.util.List<Row> one = org.minespark.spark.SyntheticData.generate(SparkFixture.local2(), task, 30, 5, 1).collectAsList();
            java.util.List<Row> three = org.minespark.spark.SyntheticData.generate(SparkFixture.local2(), task, 30, 5, 3).collectAsList();
            assertEquals(one, three, name);
            assertEquals(task.dimX() + task.dimY(), one.get(0).size(), name);
        }
    }

    @Test
    void generate_bmiSettingOfAnotherTask_exits2NamingTaskAndFlag() {
        assertEquals(ExitCodes.USAGE, run(false, "generate", "--task", "half-cube", "--param", "dof=2",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(err().contains("--param dof: task 'half-cube' takes no --param"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run(false, "generate", "--task", "corr-gaussian", "--dim-y", "3",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(err().contains("--dim-y applies only to tasks [student-t"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run(false, "generate", "--task", "student-t", "--mi", "0.05",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(err().contains("mi: task 'student-t' with dof 2 in 2 x 2 dimensions has MI >= 0.193147"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run(false, "generate", "--task", "discrete-symbols", "--param", "symbols=many",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(err().contains("Invalid value for option '--param'") && err().contains("'many' is not a double"), err());
    }
}
