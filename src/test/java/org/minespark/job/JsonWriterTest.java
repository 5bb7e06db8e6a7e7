package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minespark.api.MiResult;
import org.minespark.api.MineSpec;

class JsonWriterTest {
    static MiResult sampleResult() {
        return new MiResult(4.12, 4.05, 4.19, 0.035, 200_000, 3, 160_000, 40_000, 300, "dv", "vector",
                12.5, 10.0, 61_440.0, new double[] {0.1, 1.5, 3.0, 3.9, 4.1});
    }

    @Test
    void toJson_resultMap_parsesBackWithTheContractKeys() throws Exception {
        MineSpec spec = MineSpec.x("x0", "x1").y("y0");
        Map<String, Object> fields = ResultFiles.resultMap(sampleResult(), spec, "file:/data/in", "parquet", 4.159, "4.2.0");
        JsonNode n = new ObjectMapper().readTree(JsonWriter.toJson(fields));
        for (String key : List.of("mi_nats", "mi_bits", "ci95_nats", "n_rows", "n_train", "n_eval", "steps", "bound",
                "seconds", "train_samples_per_s", "x", "y", "input", "truth_nats", "n_dropped", "std_err_bits",
                "best_step", "converged", "still_increasing", "diverged", "retried_learning_rate", "n_validation",
                "eval_every", "patience", "min_delta", "near_estimator_limit", "marginal_ess", "estimator_reach_nats")) {
            assertTrue(n.has(key), "missing key " + key);
        }
        assertEquals(4.12, n.get("mi_nats").asDouble(), 0.0);
        assertEquals(4.12 / Math.log(2), n.get("mi_bits").asDouble(), 1e-15);
        assertEquals(2, n.get("ci95_nats").size());
        assertEquals(4.05, n.get("ci95_nats").get(0).asDouble(), 0.0);
        assertEquals(4.19, n.get("ci95_nats").get(1).asDouble(), 0.0);
        assertEquals(200_000, n.get("n_rows").asLong());
        assertEquals(300, n.get("steps").asInt());
        assertEquals(0.035 / Math.log(2), n.get("std_err_bits").asDouble(), 1e-15);
        assertTrue(n.get("converged").isBoolean() && !n.get("converged").asBoolean());
        assertTrue(n.get("retried_learning_rate").isNull(), "no retry: null, never NaN");
        assertTrue(n.get("near_estimator_limit").isBoolean() && !n.get("near_estimator_limit").asBoolean());
        assertTrue(n.get("marginal_ess").isNull(), "not evaluated: null, never NaN");
        assertEquals("dv", n.get("bound").asText());
        assertEquals("x1", n.get("x").get(1).asText());
        assertEquals("y0", n.get("y").get(0).asText());
        assertEquals(4.159, n.get("truth_nats").asDouble(), 0.0);
        assertEquals(61_440.0, n.get("train_samples_per_s").asDouble(), 0.0);
    }

    @Test
    void toJson_unknownTruth_isNull() throws Exception {
        Map<String, Object> fields = ResultFiles.resultMap(sampleResult(), MineSpec.x("a").y("b"), "in", "csv",
                Double.NaN, "4.2.0");
        JsonNode n = new ObjectMapper().readTree(JsonWriter.toJson(fields));
        assertTrue(n.has("truth_nats"));
        assertTrue(n.get("truth_nats").isNull());
    }

    @Test
    void toJson_specialValues_areValidJson() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quote\"key", "a\\b\n\t\u0001ü");
        m.put("nan", Double.NaN);
        m.put("inf", new double[] {Double.POSITIVE_INFINITY, 1e-300, -0.5});
        m.put("ints", new int[] {1, 2});
        m.put("longs", new long[] {Long.MAX_VALUE});
        m.put("empty", Map.of());
        m.put("nested", Map.of("k", List.of(1, "two", true)));
        m.put("null", null);
        JsonNode n = new ObjectMapper().readTree(JsonWriter.toJson(m));
        assertEquals("a\\b\n\t\u0001ü", n.get("quote\"key").asText());
        assertTrue(n.get("nan").isNull());
        assertTrue(n.get("inf").get(0).isNull());
        assertEquals(1e-300, n.get("inf").get(1).asDouble(), 0.0);
        assertEquals(Long.MAX_VALUE, n.get("longs").get(0).asLong());
        assertEquals("two", n.get("nested").get("k").get(1).asText());
        assertTrue(n.get("null").isNull());
        assertEquals(0, n.get("empty").size());
    }
}
