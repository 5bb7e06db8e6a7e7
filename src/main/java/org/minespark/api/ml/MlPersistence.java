package org.minespark.api.ml;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The saved layout of the ML adapter's stages, the one Spark's own {@code DefaultParamsWriter} uses
 * (so that a {@code Pipeline}/{@code PipelineModel} holding them saves and loads with Spark's
 * writers): {@code <path>/metadata} is a text dataset of one JSON line with {@code class},
 * {@code timestamp}, {@code sparkVersion}, {@code uid}, {@code paramMap} (explicitly set params,
 * each value as its {@code Param.jsonEncode}) and {@code defaultParamMap}; a model's data (the
 * {@link MiResultJson} line) is the text dataset {@code <path>/data}. Everything goes through
 * Spark's DataFrame text source, so any Hadoop file system the session can write works.
 */
final class MlPersistence {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MlPersistence() {
    }

    /**
     * Writes the metadata of {@code instance} and, when {@code data} is not null, the data line.
     * {@link MLWriter#save} refuses an existing path unless {@code overwrite()} was called (then
     * it deletes the path first).
     */
    static final class Writer extends MLWriter {
        private final Params instance;
        private final String data;

        Writer(Params instance, String data) {
            this.instance = instance;
            this.data = data;
        }

        @Override
        public void saveImpl(String path) {
            saveMetadata(instance, path, sparkSession());
            if (data != null) {
                writeLine(sparkSession(), path + "/data", data);
            }
        }
    }

    static void saveMetadata(Params instance, String path, SparkSession spark) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("class", instance.getClass().getName());
        m.put("timestamp", System.currentTimeMillis());
        m.put("sparkVersion", spark.version());
        m.put("uid", instance.uid());
        ObjectNode set = m.putObject("paramMap");
        ObjectNode defaults = m.putObject("defaultParamMap");
        for (Param<?> raw : instance.params()) {
            Param<Object> p = cast(raw);
            if (instance.isSet(p)) {
                set.set(p.name(), parse(p.jsonEncode(instance.getOrDefault(p))));
            }
            if (instance.hasDefault(p)) {
                defaults.set(p.name(), parse(p.jsonEncode(instance.getDefault(p).get())));
            }
        }
        writeLine(spark, path + "/metadata", m.toString());
    }

    /**
     * Reads {@code <path>/metadata}, checks that it was written for {@code expected} and sets the
     * saved params (explicit and default) on {@code instance}.
     */
    static void loadParams(Params instance, Class<?> expected, String path, SparkSession spark) {
        JsonNode m = parse(readLine(spark, path + "/metadata"));
        checkClass(m, expected, path);
        setAll(instance, m.get("defaultParamMap"), true);
        setAll(instance, m.get("paramMap"), false);
    }

    /** The uid stored in {@code <path>/metadata}, after checking that it was written for {@code expected}. */
    static String savedUid(String path, Class<?> expected, SparkSession spark) {
        JsonNode m = parse(readLine(spark, path + "/metadata"));
        checkClass(m, expected, path);
        JsonNode uid = m.get("uid");
        if (uid == null || !uid.isTextual()) {
            throw new IllegalArgumentException("cannot load " + path + ": its metadata has no uid");
        }
        return uid.textValue();
    }

    private static void checkClass(JsonNode metadata, Class<?> expected, String path) {
        JsonNode cls = metadata.get("class");
        if (cls == null || !expected.getName().equals(cls.asText())) {
            throw new IllegalArgumentException("cannot load " + path + " as " + expected.getSimpleName()
                    + ": it holds a " + (cls == null ? "stage without a class" : cls.asText()));
        }
    }

    private static void setAll(Params instance, JsonNode map, boolean asDefault) {
        if (map == null || map.isNull()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!instance.hasParam(e.getKey())) {
                throw new IllegalArgumentException("cannot load " + instance.getClass().getSimpleName()
                        + ": unknown param '" + e.getKey() + "' in the saved metadata");
            }
            Param<Object> p = instance.getParam(e.getKey());
            Object v = p.jsonDecode(e.getValue().toString());
            if (asDefault) {
                instance.setDefault(p, v);
            } else {
                instance.set(p, v);
            }
        }
    }

    static void writeLine(SparkSession spark, String path, String line) {
        spark.createDataset(List.of(line), Encoders.STRING()).coalesce(1).write().text(path);
    }

    static String readLine(SparkSession spark, String path) {
        List<Row> rows = spark.read().text(path).collectAsList();
        if (rows.size() != 1) {
            throw new IllegalArgumentException("cannot load " + path + ": expected one line, found " + rows.size());
        }
        return rows.get(0).getString(0);
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Param<Object> cast(Param<?> p) {
        return (Param<Object>) p;
    }
}
