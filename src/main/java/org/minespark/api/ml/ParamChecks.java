package org.minespark.api.ml;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.function.BiFunction;

import org.minespark.spec.MineSpec;

/**
 * The validation of the ML params' values through {@link MineSpec}'s withers, with errors that name
 * the {@code MineEstimator} param and the value.
 */
final class ParamChecks {
    /** The defaults and the validation of every param. */
    static final MineSpec PROBE = MineSpec.x("x").y("y");

    private ParamChecks() {
    }

    static String[] checkColumns(String param, String[] v) {
        if (v == null || v.length == 0) {
            throw new IllegalArgumentException("MineEstimator param " + param + ": at least one column is required, got "
                    + Arrays.toString(v));
        }
        for (String c : v) {
            if (c == null || c.isBlank()) {
                throw new IllegalArgumentException("MineEstimator param " + param + ": empty column name in "
                        + Arrays.toString(v));
            }
        }
        if (new HashSet<>(Arrays.asList(v)).size() != v.length) {
            throw new IllegalArgumentException("MineEstimator param " + param + ": a column is listed twice in "
                    + Arrays.toString(v));
        }
        return v.clone();
    }

    static List<Integer> boxed(int[] h) {
        return h == null ? null : Arrays.stream(h).boxed().toList();
    }

    /** Applies a wither, turning its rejection into an error that names the param and the value. */
    static <T> MineSpec with(MineSpec s, String param, T value, BiFunction<MineSpec, T, MineSpec> wither) {
        try {
            return wither.apply(s, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            String shown = value instanceof int[] a ? Arrays.toString(a) : String.valueOf(value);
            throw new IllegalArgumentException("MineEstimator param " + param + " = " + shown + " is invalid: "
                    + e.getMessage(), e);
        }
    }
}
