package org.minespark.job;

import java.util.function.BiFunction;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.minespark.spec.PairsSpec;

/**
 * The settings of a {@code pairs} run that decide which pairs are trained and how they are judged
 * (correction, screen, column hygiene, null policy), read from the configuration into a
 * {@link PairsSpec}; each error names its flag and key.
 */
final class PairsSettings {
    private PairsSettings() {
    }

    /** {@code ps} with the correction, the screen, the column hygiene and the null policy of {@code c}. */
    static PairsSpec apply(Config c, PairsSpec ps) {
        ps = read("--correction", MineConfig.PAIRS_CORRECTION, ps, (p, k) -> p.withCorrection(c.getString(k)));
        ps = read("--screen", MineConfig.PAIRS_SCREEN, ps,
                (p, k) -> p.withScreen(choice(c.getString(k), "screen", "on", "off")));
        ps = read("--screen-alpha", MineConfig.PAIRS_SCREEN_ALPHA, ps, (p, k) -> p.withScreenAlpha(c.getDouble(k)));
        ps = read("--train-top", MineConfig.PAIRS_TRAIN_TOP, ps, (p, k) -> p.withTrainTop(c.getInt(k)));
        ps = read("--max-null-fraction", MineConfig.PAIRS_MAX_NULL_FRACTION, ps,
                (p, k) -> p.withMaxNullFraction(c.getDouble(k)));
        ps = read("--max-levels", MineConfig.PAIRS_MAX_LEVELS, ps, (p, k) -> p.withMaxLevels(c.getInt(k)));
        return read("--nulls", MineConfig.PAIRS_NULLS, ps,
                (p, k) -> p.withNullsCategory(!choice(c.getString(k), "nulls", "drop", "category")));
    }

    /** {@code mine.pairs.baseline}: previous, rolling:N or date:YYYY-MM-DD. */
    static Baseline baseline(Config c) {
        try {
            return Baseline.parse(c.getString(MineConfig.PAIRS_BASELINE));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--baseline / " + MineConfig.PAIRS_BASELINE + ": " + e.getMessage(), e);
        }
    }

    /** {@code mine.pairs.segments}: the number of top values of --segment-by, >= 1. */
    static int segments(Config c) {
        return atLeast(c, "--segments", MineConfig.PAIRS_SEGMENTS, 1, "the number of top values");
    }

    /** {@code mine.pairs.mrmr-top}: how many of the most relevant features the mRMR order ranks, >= 0. */
    static int mrmrTop(Config c) {
        return atLeast(c, "--mrmr-top", MineConfig.PAIRS_MRMR_TOP, 0, "0 ranks none");
    }

    private static int atLeast(Config c, String flag, String key, int min, String what) {
        int k;
        try {
            k = c.getInt(key);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(flag + " / " + key + ": " + e.getMessage(), e);
        }
        if (k < min) {
            throw new IllegalArgumentException(flag + " / " + key + ": must be >= " + min + " (" + what + "), got " + k);
        }
        return k;
    }

    /** The summary's name of a correction. */
    static String correctionName(String c) {
        return "bh".equals(c) ? "Benjamini-Hochberg q-values" : "holm".equals(c) ? "Holm-adjusted p-values"
                : "no correction (raw p-values)";
    }

    private static PairsSpec read(String flag, String key, PairsSpec ps, BiFunction<PairsSpec, String, PairsSpec> set) {
        try {
            return set.apply(ps, key);
        } catch (IllegalArgumentException | ConfigException e) {
            throw new IllegalArgumentException(flag + " / " + key + ": " + e.getMessage(), e);
        }
    }

    /** True for {@code yes}, false for {@code no}, else an error naming the setting ("screen must be on or off"). */
    private static boolean choice(String v, String name, String yes, String no) {
        if (!yes.equals(v) && !no.equals(v)) {
            throw new IllegalArgumentException(name + " must be " + yes + " or " + no + ", got '" + v + "'");
        }
        return yes.equals(v);
    }
}
