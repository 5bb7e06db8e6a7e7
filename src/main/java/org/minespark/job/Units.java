package org.minespark.job;

import java.util.Locale;
import org.minespark.spec.MiResult;

/**
 * The unit numbers are printed in ({@code mine.units} / {@code --units}): nats (natural logarithm)
 * or bits (base 2, {@code bits = nats / ln 2}). Files always carry both.
 */
enum Units {
    NATS("nats", 1.0),
    BITS("bits", MiResult.LN2);

    private final String label;
    private final double natsPerUnit;

    Units(String label, double natsPerUnit) {
        this.label = label;
        this.natsPerUnit = natsPerUnit;
    }

    /** "nats" or "bits" (case-insensitive, surrounding blanks ignored). */
    static Units of(String v) {
        String s = v == null ? "" : v.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "nats" -> NATS;
            case "bits" -> BITS;
            default -> throw new IllegalArgumentException("unknown unit '" + v + "', expected nats or bits");
        };
    }

    /** A value in nats converted to this unit. */
    double fromNats(double nats) {
        return nats / natsPerUnit;
    }

    String label() {
        return label;
    }

    /** The other unit (for the summary, which shows both). */
    Units other() {
        return this == NATS ? BITS : NATS;
    }
}
