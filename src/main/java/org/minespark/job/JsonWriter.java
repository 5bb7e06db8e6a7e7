package org.minespark.job;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * A small JSON serialiser for result and truth files: maps (in their iteration order), lists,
 * {@code double[]}/{@code long[]}/{@code int[]}, strings, numbers, booleans and null. Non-finite
 * doubles become {@code null} (JSON has no NaN). Doubles are written with {@link Double#toString}
 * (shortest round-trip form). Output is indented by two spaces and ends with a newline.
 */
final class JsonWriter {
    private JsonWriter() {
    }

    static String toJson(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Double || v instanceof Float) {
            number(sb, ((Number) v).doubleValue());
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            object(sb, m, indent);
        } else if (v instanceof double[] a) {
            sb.append('[');
            for (int i = 0; i < a.length; i++) {
                sb.append(i == 0 ? "" : ", ");
                number(sb, a[i]);
            }
            sb.append(']');
        } else if (v instanceof long[] a) {
            sb.append('[');
            for (int i = 0; i < a.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(a[i]);
            }
            sb.append(']');
        } else if (v instanceof int[] a) {
            sb.append('[');
            for (int i = 0; i < a.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(a[i]);
            }
            sb.append(']');
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            int i = 0;
            for (Object o : c) {
                sb.append(i++ == 0 ? "" : ", ");
                write(sb, o, indent);
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("JsonWriter: unsupported value type " + v.getClass().getName());
        }
    }

    private static void object(StringBuilder sb, Map<?, ?> m, int indent) {
        if (m.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append("{\n");
        Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<?, ?> e = it.next();
            sb.append("  ".repeat(indent + 1));
            string(sb, String.valueOf(e.getKey()));
            sb.append(": ");
            write(sb, e.getValue(), indent + 1);
            sb.append(it.hasNext() ? ",\n" : "\n");
        }
        sb.append("  ".repeat(indent)).append('}');
    }

    private static void number(StringBuilder sb, double d) {
        if (Double.isFinite(d)) {
            sb.append(d);
        } else {
            sb.append("null");
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
