package org.minespark.api.ml;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.minespark.spec.MiResult;

/**
 * Every field of a {@link MiResult} as one line of JSON and back, exactly. The record is walked
 * by its components (so a component added to {@code MiResult} or to one of its nested records is
 * saved without a change here, as long as its type is one of those below), each under its
 * component name:
 * <ul>
 *   <li>{@code double}: finite values as JSON numbers written with {@link Double#toString} (the
 *       shortest decimal that parses back to the same double), NaN and the infinities as the
 *       strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"};</li>
 *   <li>{@code int}, {@code long}, {@code boolean}, {@code String} (null kept), {@code double[]},
 *       {@code int[]}, {@code List<String>};</li>
 *   <li>a nested record: a JSON object of its components, rebuilt with its canonical constructor
 *       (which validates it again).</li>
 * </ul>
 * Format version {@value #FORMAT} ({@code "format"} key); reading refuses other versions and a
 * saved result without one of the current components.
 */
final class MiResultJson {
    static final int FORMAT = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private MiResultJson() {
    }

    static String toJson(MiResult r) {
        ObjectNode o = write(r);
        o.put("format", FORMAT);
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
        JsonNode format = o == null ? null : o.get("format");
        if (format == null || format.asInt(-1) != FORMAT) {
            throw new IllegalArgumentException("saved MineModel result has format " + format
                    + ", this version reads format " + FORMAT);
        }
        return read(MiResult.class, o, "result");
    }

    private static ObjectNode write(Record r) {
        ObjectNode o = F.objectNode();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            o.set(c.getName(), value(c, get(c, r)));
        }
        return o;
    }

    private static JsonNode value(RecordComponent c, Object v) {
        Class<?> t = c.getType();
        if (t == double.class) {
            return num((Double) v);
        }
        if (t == int.class || t == long.class) {
            return F.numberNode(((Number) v).longValue());
        }
        if (t == boolean.class) {
            return F.booleanNode((Boolean) v);
        }
        if (t == String.class) {
            return v == null ? F.nullNode() : F.textNode((String) v);
        }
        if (t == double[].class) {
            ArrayNode a = F.arrayNode();
            for (double d : (double[]) v) {
                a.add(num(d));
            }
            return a;
        }
        if (t == int[].class) {
            ArrayNode a = F.arrayNode();
            for (int i : (int[]) v) {
                a.add(i);
            }
            return a;
        }
        if (t == List.class) {
            ArrayNode a = F.arrayNode();
            for (Object e : (List<?>) v) {
                if (!(e instanceof String s)) {
                    throw new IllegalStateException("MiResultJson: " + c + " holds a " + e + ", only strings are supported");
                }
                a.add(s);
            }
            return a;
        }
        if (t.isRecord()) {
            return write((Record) v);
        }
        throw new IllegalStateException("MiResultJson: unsupported component type " + c + "; extend MiResultJson");
    }

    private static <R> R read(Class<R> type, JsonNode o, String where) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("saved MineModel result: '" + where + "' is not an object");
        }
        RecordComponent[] cs = type.getRecordComponents();
        Class<?>[] types = new Class<?>[cs.length];
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            types[i] = cs[i].getType();
            JsonNode n = o.get(cs[i].getName());
            if (n == null) {
                throw new IllegalArgumentException("saved MineModel result has no '" + where + "." + cs[i].getName() + "'");
            }
            args[i] = parse(cs[i], n, where + "." + cs[i].getName());
        }
        try {
            Constructor<R> k = type.getDeclaredConstructor(types);
            return k.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("saved MineModel result: invalid '" + where + "': "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("MiResultJson: cannot rebuild " + type.getName() + ": " + e, e);
        }
    }

    private static Object parse(RecordComponent c, JsonNode n, String where) {
        Class<?> t = c.getType();
        if (t == double.class) {
            return toDouble(n, where);
        }
        if (t == int.class) {
            return integral(n, where).intValue();
        }
        if (t == long.class) {
            return integral(n, where).longValue();
        }
        if (t == boolean.class) {
            if (!n.isBoolean()) {
                throw bad(where, n);
            }
            return n.booleanValue();
        }
        if (t == String.class) {
            if (n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                throw bad(where, n);
            }
            return n.textValue();
        }
        if (t == double[].class) {
            double[] v = new double[array(n, where).size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = toDouble(n.get(i), where);
            }
            return v;
        }
        if (t == int[].class) {
            int[] v = new int[array(n, where).size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = integral(n.get(i), where).intValue();
            }
            return v;
        }
        if (t == List.class) {
            List<String> v = new ArrayList<>();
            for (JsonNode e : array(n, where)) {
                if (!e.isTextual()) {
                    throw bad(where, e);
                }
                v.add(e.textValue());
            }
            return v;
        }
        if (t.isRecord()) {
            return read(t, n, where);
        }
        throw new IllegalStateException("MiResultJson: unsupported component type " + c + "; extend MiResultJson");
    }

    private static Object get(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("MiResultJson: cannot read " + c + ": " + e, e);
        }
    }

    private static JsonNode num(double v) {
        if (Double.isFinite(v)) {
            return F.numberNode(v);
        }
        return F.textNode(Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }

    private static JsonNode array(JsonNode n, String where) {
        if (!n.isArray()) {
            throw bad(where, n);
        }
        return n;
    }

    private static JsonNode integral(JsonNode n, String where) {
        if (!n.isIntegralNumber()) {
            throw bad(where, n);
        }
        return n;
    }

    private static double toDouble(JsonNode n, String where) {
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
        throw bad(where, n);
    }

    private static IllegalArgumentException bad(String where, JsonNode n) {
        return new IllegalArgumentException("saved MineModel result: '" + where + "' has the wrong type: " + n);
    }
}
