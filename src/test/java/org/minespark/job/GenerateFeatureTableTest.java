package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.api.Datasets;
import org.minespark.core.FeatureTable;
import org.minespark.spark.SparkFixture;

/** {@code generate --task feature-table}: the Parquet table, its _truth.json, determinism and flag errors. */
class GenerateFeatureTableTest {
    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    @Test
    void generate_featureTable_writesTableAndTruthWithEveryPlantedPair() throws Exception {
        Path o = dir.resolve("ft");
        assertEquals(ExitCodes.OK, cli.run(true, "generate", "--task", "feature-table", "--columns", "24",
                "--null-rate", "0.2", "--rows", "500", "--seed", "7", "--partitions", "2", "--out", o.toString()),
                cli.stderr());
        FeatureTable expected = FeatureTable.create(24, 0.2, 7);
        JsonNode t = new ObjectMapper().readTree(o.resolve(Truth.FILE).toFile());
        assertEquals("feature-table", t.get("task").asText());
        assertEquals(24, t.get("feature_columns").asInt());
        assertEquals(0.2, t.get("null_rate").asDouble(), 0.0);
        assertEquals(500, t.get("rows").asLong());
        assertEquals(7, t.get("seed").asLong());
        assertEquals("[\"id\",\"id_str\"]", t.get("id_columns").toString());
        assertEquals("[\"const_num\",\"const_str\"]", t.get("constant_columns").toString());
        assertEquals(28, t.get("columns").size());
        assertEquals("{\"name\":\"id\",\"type\":\"long\",\"role\":\"id\"}", t.get("columns").get(0).toString());
        assertTrue(t.get("independent").asText().contains("MI 0"));
        JsonNode planted = t.get("planted");
        assertEquals(3, planted.size());
        for (int j = 0; j < 3; j++) {
            FeatureTable.Planted p = expected.planted().get(j);
            JsonNode e = planted.get(j);
            assertEquals(p.x(), e.get("x").asText());
            assertEquals(p.y(), e.get("y").asText());
            assertEquals(p.kind(), e.get("kind").asText());
            assertEquals(p.miNats(), e.get("mi_nats").asDouble(), 0.0);
            assertEquals(p.miNats() / Math.log(2), e.get("mi_bits").asDouble(), 1e-15);
            assertTrue(e.get("truth").asText().length() > 10, e.toString());
        }
        assertEquals(List.of("linear-gaussian", "monotone", "non-monotone"),
                List.of(planted.get(0).get("kind").asText(), planted.get(1).get("kind").asText(),
                        planted.get(2).get("kind").asText()));

        Dataset<Row> df = SparkFixture.local2().read().parquet(o.toString());
        assertEquals(500, df.count());
        assertEquals(28, df.schema().fields().length);
        assertEquals("bigint", df.schema().apply("id").dataType().simpleString());
        for (FeatureTable.Column c : expected.columns()) {
            String want = switch (c.type()) {
                case DOUBLE -> "double";
                case INTEGER -> "int";
                case LONG -> "bigint";
                case STRING -> "string";
            };
            assertEquals(want, df.schema().apply(c.name()).dataType().simpleString(), c.name());
        }
        Row r = df.agg(functions.countDistinct("id"), functions.countDistinct("id_str"),
                functions.countDistinct("const_num"), functions.countDistinct("const_str"),
                functions.count("f000"), functions.count("f023")).first();
        assertEquals(List.of(500L, 500L, 1L, 1L), List.of(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3)));
        // 20 % nulls in 500 rows: 400 non-null, sd sqrt(500 * 0.2 * 0.8) ~ 9; 5 sd = 45
        assertEquals(400, r.getLong(4), 45);
        assertEquals(400, r.getLong(5), 45);
        String out = cli.stdout();
        assertTrue(out.contains("wrote 500 rows of feature-table (24 feature columns, null rate 0.2, 3 planted pairs"), out);
    }

    /** Row i depends only on (seed, i): the same rows from 1 and 3 partitions, nulls included. */
    @Test
    void featureTable_sameRowsForAnyPartitioning() {
        FeatureTable t = FeatureTable.create(40, 0.3, 5);
        List<Row> one = Datasets.featureTable(SparkFixture.local2(), t, 60, 1).collectAsList();
        List<Row> three = Datasets.featureTable(SparkFixture.local2(), t, 60, 3).collectAsList();
        assertEquals(one, three);
        assertEquals(44, one.get(0).size());
        assertTrue(one.stream().anyMatch(row -> row.anyNull()), "nulls at rate 0.3");
    }

    @Test
    void generate_featureTableFlags_exit2NamingTheFlag() {
        assertEquals(ExitCodes.USAGE, cli.run(false, "generate", "--task", "feature-table", "--null-rate", "1.5",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(cli.stderr().contains("--null-rate must be in [0, 1), got 1.5"), cli.stderr());
        cli.reset();
        assertEquals(ExitCodes.USAGE, cli.run(false, "generate", "--task", "feature-table", "--columns", "1",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(cli.stderr().contains("--columns must be in [2, 10000], got 1"), cli.stderr());
        cli.reset();
        assertEquals(ExitCodes.USAGE, cli.run(false, "generate", "--task", "feature-table", "--mi", "1",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(cli.stderr().contains("--mi does not apply to task 'feature-table'"), cli.stderr());
        cli.reset();
        assertEquals(ExitCodes.USAGE, cli.run(false, "generate", "--task", "corr-gaussian", "--columns", "10",
                "--rows", "10", "--out", dir.resolve("u").toString()));
        assertTrue(cli.stderr().contains("--columns applies only to task 'feature-table', not 'corr-gaussian'"),
                cli.stderr());
    }
}
