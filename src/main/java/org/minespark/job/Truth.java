package org.minespark.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.minespark.api.Datasets;
import org.minespark.core.FeatureTable;
import org.minespark.core.SyntheticTasks;
import org.minespark.spec.MiResult;

/**
 * {@code _truth.json}: the closed-form MI of a generated data set, written by {@code generate} next
 * to the Parquet files (the leading underscore makes Spark's readers skip it) and read by
 * {@code estimate} for the truth line of the plot and {@code truth_nats} in the result.
 */
final class Truth {
    static final String FILE = "_truth.json";

    private Truth() {
    }

    /** The JSON content for a generated data set. */
    static Map<String, Object> toMap(SyntheticTasks.Task task, long rows, long seed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task.name());
        m.put("mi_nats", task.trueMiNats());
        m.put("mi_bits", task.trueMiBits());
        m.put("dim", task.dimX());
        m.put("dim_x", task.dimX());
        m.put("dim_y", task.dimY());
        m.put("rows", rows);
        m.put("seed", seed);
        m.put("parameters", new LinkedHashMap<>(task.parameters()));
        m.put("x", Datasets.xColumns(task));
        m.put("y", Datasets.yColumns(task));
        return m;
    }

    /**
     * The JSON content for a generated feature table: its columns with type and role, the ID and
     * constant columns, and every planted pair with its kind and true MI; all other pairs have MI 0.
     */
    static Map<String, Object> toMap(FeatureTable table, long rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", FeatureTable.TASK);
        m.put("rows", rows);
        m.put("seed", table.seed());
        m.put("feature_columns", table.features());
        m.put("null_rate", table.nullRate());
        List<Map<String, Object>> cols = new ArrayList<>();
        for (FeatureTable.Column c : table.columns()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", c.name());
            e.put("type", c.type().name().toLowerCase(Locale.ROOT));
            e.put("role", c.role().name().toLowerCase(Locale.ROOT));
            cols.add(e);
        }
        m.put("columns", cols);
        m.put("id_columns", table.names(FeatureTable.Role.ID));
        m.put("constant_columns", table.names(FeatureTable.Role.CONSTANT));
        List<Map<String, Object>> planted = new ArrayList<>();
        for (FeatureTable.Planted p : table.planted()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("x", p.x());
            e.put("y", p.y());
            e.put("kind", p.kind());
            e.put("mi_nats", p.miNats());
            e.put("mi_bits", p.miNats() / Math.log(2.0));
            e.put("rho_i", MiResult.linfoot(p.miNats()));
            e.put("parameters", new java.util.TreeMap<>(p.parameters()));
            e.put("construction", p.construction());
            e.put("truth", p.truth());
            planted.add(e);
        }
        m.put("planted", planted);
        m.put("independent", "every pair of columns not in 'planted' is independent: MI 0 (ID and constant columns"
                + " included); nulls are scattered independently of the values at null_rate in every feature column");
        return m;
    }

    static java.util.List<String> columns(String prefix, int d) {
        java.util.List<String> c = new java.util.ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            c.add(prefix + j);
        }
        return c;
    }

    /**
     * Reads {@code dir/_truth.json}; null when there is none or {@code input} is not a directory.
     * A file that exists but does not parse is an {@link InputDataException}.
     */
    static JsonNode read(FileSystem fs, String input) {
        try {
            Path dir = new Path(input);
            if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
                return null;
            }
            Path f = new Path(dir, FILE);
            if (!fs.exists(f)) {
                return null;
            }
            try (InputStream in = fs.open(f)) {
                return new ObjectMapper().readTree(in);
            }
        } catch (IOException e) {
            throw new InputDataException("cannot read " + input + "/" + FILE + ": " + e.getMessage(), e);
        }
    }

    /** The true MI in nats from a parsed truth file, or NaN. */
    static double miNats(JsonNode truth) {
        if (truth == null) {
            return Double.NaN;
        }
        JsonNode n = truth.get("mi_nats");
        return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
