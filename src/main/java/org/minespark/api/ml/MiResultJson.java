package org.minespark.api.ml;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.minespark.api.MiResult;

/**
 * Every field of a {@link MiResult} (curve, warnings, convergence, significance and reliability
 * included) as one line of JSON and back, exactly: finite doubles are written with
 * {@link Double#toString} (shortest representation that parses back to the same double),
 * NaN and the infinities as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 * Version 1 of the format ({@code "format": 1}); reading refuses other versions.
 */
final class MiResultJson {
    static final int FORMAT = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private MiResultJson() {
    }

    static String toJson(MiResult r) {
        ObjectNode o = F.objectNode();
        o.put("format", FORMAT);
        o.set("mi_nats", num(r.miNats()));
        o.set("ci95_low_nats", num(r.ci95LowNats()));
        o.set("ci95_high_nats", num(r.ci95HighNats()));
        o.set("std_err_nats", num(r.stdErrNats()));
        o.put("n_rows", r.nRows());
        o.put("n_dropped", r.nDropped());
        o.put("n_train", r.nTrain());
        o.put("n_eval", r.nEval());
        o.put("steps", r.steps());
        o.put("bound", r.bound());
        o.put("kernels", r.kernels());
        o.set("seconds", num(r.seconds()));
        o.set("train_seconds", num(r.trainSeconds()));
        o.set("train_samples_per_s", num(r.trainSamplesPerS()));
        o.set("curve", nums(r.curve()));
        o.put("status", r.status());
        ArrayNode w = o.putArray("warnings");
        r.warnings().forEach(w::add);

        MiResult.Convergence c = r.convergence();
        ObjectNode co = o.putObject("convergence");
        co.put("best_step", c.bestStep());
        co.put("converged", c.converged());
        co.put("still_increasing", c.stillIncreasing());
        co.put("diverged", c.diverged());
        co.set("learning_rate", num(c.learningRate()));
        co.set("retried_learning_rate", num(c.retriedLearningRate()));
        co.put("n_validation", c.nValidation());
        ArrayNode vs = co.putArray("validation_steps");
        for (int s : c.validationSteps()) {
            vs.add(s);
        }
        co.set("validation_nats", nums(c.validationNats()));

        MiResult.Significance s = r.significance();
        ObjectNode so = o.putObject("significance");
        so.put("test", s.test());
        so.put("permutations", s.permutations());
        so.set("significance_level", num(s.significanceLevel()));
        so.set("p_value", num(s.pValue()));
        so.put("dependent", s.dependent());
        so.set("null_mean_nats", num(s.nullMeanNats()));
        so.set("null_std_nats", num(s.nullStdNats()));

        MiResult.Reliability rel = r.reliability();
        ObjectNode ro = o.putObject("reliability");
        ro.set("marginal_ess", num(rel.marginalEss()));
        ro.set("reach_nats", num(rel.reachNats()));
        ro.put("near_estimator_limit", rel.nearEstimatorLimit());
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the result as JSON: " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException when {@code json} is not a result written by {@link #toJson} */
    static MiResult fromJson(String json) {
        JsonNode o;
        try {
            o = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("saved MineModel result is not JSON: " + e.getOriginalMessage(), e);
        }
        int format = req(o, "format").asInt(-1);
        if (format != FORMAT) {
            throw new IllegalArgumentException("saved MineModel result has format " + req(o, "format")
                    + ", this version reads format " + FORMAT);
        }
        JsonNode co = req(o, "convergence");
        JsonNode vsNode = req(co, "validation_steps");
        int[] vs = new int[vsNode.size()];
        for (int i = 0; i < vs.length; i++) {
            vs[i] = vsNode.get(i).intValue();
        }
        MiResult.Convergence c = new MiResult.Convergence(req(co, "best_step").intValue(),
                req(co, "converged").booleanValue(), req(co, "still_increasing").booleanValue(),
                req(co, "diverged").booleanValue(), dbl(co, "learning_rate"), dbl(co, "retried_learning_rate"),
                req(co, "n_validation").longValue(), vs, dbls(co, "validation_nats"));
        JsonNode so = req(o, "significance");
        MiResult.Significance s = new MiResult.Significance(req(so, "test").textValue(),
                req(so, "permutations").intValue(), dbl(so, "significance_level"), dbl(so, "p_value"),
                req(so, "dependent").booleanValue(), dbl(so, "null_mean_nats"), dbl(so, "null_std_nats"));
        JsonNode ro = req(o, "reliability");
        MiResult.Reliability rel = new MiResult.Reliability(dbl(ro, "marginal_ess"), dbl(ro, "reach_nats"),
                req(ro, "near_estimator_limit").booleanValue());
        List<String> warnings = new ArrayList<>();
        req(o, "warnings").forEach(n -> warnings.add(n.textValue()));
        return new MiResult(dbl(o, "mi_nats"), dbl(o, "ci95_low_nats"), dbl(o, "ci95_high_nats"),
                dbl(o, "std_err_nats"), req(o, "n_rows").longValue(), req(o, "n_dropped").longValue(),
                req(o, "n_train").longValue(), req(o, "n_eval").longValue(), req(o, "steps").intValue(),
                req(o, "bound").textValue(), req(o, "kernels").textValue(), dbl(o, "seconds"),
                dbl(o, "train_seconds"), dbl(o, "train_samples_per_s"), dbls(o, "curve"),
                req(o, "status").textValue(), warnings, c, s, rel);
    }

    private static JsonNode num(double v) {
        if (Double.isFinite(v)) {
            return F.numberNode(v);
        }
        return F.textNode(Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }

    private static ArrayNode nums(double[] v) {
        ArrayNode a = F.arrayNode(v.length);
        for (double d : v) {
            a.add(num(d));
        }
        return a;
    }

    private static JsonNode req(JsonNode o, String key) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("saved MineModel result has no '" + key + "'");
        }
        return n;
    }

    private static double dbl(JsonNode o, String key) {
        return toDouble(req(o, key), key);
    }

    private static double[] dbls(JsonNode o, String key) {
        JsonNode a = req(o, key);
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = toDouble(a.get(i), key);
        }
        return v;
    }

    private static double toDouble(JsonNode n, String key) {
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            switch (n.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("saved MineModel result: '" + key + "' is not a number: " + n);
    }
}
