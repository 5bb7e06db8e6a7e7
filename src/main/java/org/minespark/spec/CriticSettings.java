package org.minespark.spec;

import java.util.List;

/**
 * The statistics network: its type, hidden widths and (separable critic) embedding size.
 * Part of a {@link MineSpec}; immutable, each {@code with...} method validates its value (an {@link IllegalArgumentException} naming the setting). Each component is declared once in {@link Settings}.
 */
public record CriticSettings(String critic, List<Integer> hidden, int embedDim) implements java.io.Serializable {
    /** The defaults. */
    static final CriticSettings DEFAULTS = new CriticSettings(MineSpec.DEFAULT_CRITIC, MineSpec.DEFAULT_HIDDEN, MineSpec.DEFAULT_EMBED_DIM);

    CriticSettings withCritic(String v) {
        if (v == null || !MineSpec.CRITICS.contains(v)) {
            throw new IllegalArgumentException("critic must be one of " + String.join(", ", MineSpec.CRITICS) + ", got '" + v + "'");
        }
        return new CriticSettings(v, hidden, embedDim);
    }

    CriticSettings withHidden(List<Integer> v) {
        if (v == null) {
            throw new IllegalArgumentException("hidden: a list of widths (empty = chosen from the input) is required");
        }
        for (Integer h : v) {
            if (h == null || h < 1 || h > 65536) {
                throw new IllegalArgumentException("hidden: layer widths must be in [1, 65536], got " + v);
            }
        }
        return new CriticSettings(critic, List.copyOf(v), embedDim);
    }

    CriticSettings withEmbedDim(int v) {
        if (v < 1 || v > 65536) {
            throw new IllegalArgumentException("embed-dim must be in [1, 65536], got " + v);
        }
        return new CriticSettings(critic, hidden, v);
    }
}
