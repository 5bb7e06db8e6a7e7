package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;

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
                "best_step", "converged", "still_increasing", "diverged", "retried_learning_rate", "learning_rate_used",
                "n_validation", "learning_rate",
                "eval_every", "patience", "min_delta", "p_value", "dependent", "null_mean_nats", "null_std_nats",
                "null_mean_bits", "null_std_bits", "permutations", "significance_level", "significance_test",
                "near_estimator_limit", "marginal_ess", "estimator_reach_nats", "final_batch_size", "batch_growth_steps",
                "batch_growth", "max_batch_size", "batch_growth_pairs")) {
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
        assertTrue(n.get("final_batch_size").isNull(), "no batch information: null");
        assertEquals(0, n.get("batch_growth_steps").size());
        assertEquals("dv", n.get("bound").asText());
        assertEquals("x1", n.get("x").get(1).asText());
        assertEquals("y0", n.get("y").get(0).asText());
        assertEquals(4.159, n.get("truth_nats").asDouble(), 0.0);
        assertEquals(61_440.0, n.get("train_samples_per_s").asDouble(), 0.0);
    }

    /** A sample result with a permutation test: p = 0.01 over 99 replicates, dependent. */
    static MiResult significantResult() {
        MiResult r = sampleResult();
        return new MiResult(r.miNats(), r.ci95LowNats(), r.ci95HighNats(), r.stdErrNats(), r.nRows(), r.nDropped(),
                r.nTrain(), r.nEval(), r.steps(), r.bound(), r.kernels(), r.seconds(), r.trainSeconds(),
                r.trainSamplesPerS(), r.curve(), r.status(), r.warnings(), r.convergence(),
                new MiResult.Significance(MiResult.Significance.TEST_PERMUTATION, 99, 0.05, 0.01, true, -0.02, 0.01));
    }

    @Test
    void toJson_significance_keysInNatsAndBits_nullWithoutATest() throws Exception {
        MineSpec spec = MineSpec.x("a").y("b");
        JsonNode n = new ObjectMapper().readTree(JsonWriter.toJson(
                ResultFiles.resultMap(significantResult(), spec, "in", "csv", Double.NaN, "4.2.0")));
        assertEquals(0.01, n.get("p_value").asDouble(), 0.0);
        assertTrue(n.get("dependent").isBoolean() && n.get("dependent").asBoolean());
        assertEquals("permutation", n.get("significance_test").asText());
        assertEquals(99, n.get("permutations").asInt());
        assertEquals(0.05, n.get("significance_level").asDouble(), 0.0);
        assertEquals(-0.02, n.get("null_mean_nats").asDouble(), 0.0);
        assertEquals(0.01, n.get("null_std_nats").asDouble(), 0.0);
        assertEquals(-0.02 / Math.log(2), n.get("null_mean_bits").asDouble(), 1e-15);
        assertEquals(0.01 / Math.log(2), n.get("null_std_bits").asDouble(), 1e-15);

        JsonNode none = new ObjectMapper().readTree(JsonWriter.toJson(
                ResultFiles.resultMap(sampleResult(), spec, "in", "csv", Double.NaN, "4.2.0")));
        for (String k : List.of("p_value", "significance_level", "null_mean_nats", "null_std_nats", "null_mean_bits",
                "null_std_bits")) {
            assertTrue(none.get(k).isNull(), k + " without a test: null, never NaN");
        }
        assertTrue(none.get("dependent").isBoolean() && !none.get("dependent").asBoolean());
        assertEquals(0, none.get("permutations").asInt());
    }

    @Test
    void significance_badValues_areRejected() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new MiResult.Significance("bootstrap", 0, Double.NaN, Double.NaN, false, Double.NaN, Double.NaN));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new MiResult.Significance("permutation", 9, 0.05, 0.0, true, 0, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new MiResult.Significance("permutation", -1, 0.05, 0.5, false, 0, 0));
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
