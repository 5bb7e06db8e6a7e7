package org.minespark.spec;

import java.util.List;

/**
 * The statistics network: its type, hidden widths and (separable critic) embedding size.
 * Part of a {@link MineSpec}; immutable, validated by the spec\'s {@code with...} methods. Each component is declared once in {@link Settings}.
 */
public record CriticSettings(String critic, List<Integer> hidden, int embedDim) implements java.io.Serializable {
    /** The defaults. */
    static final CriticSettings DEFAULTS = new CriticSettings(MineSpec.DEFAULT_CRITIC, MineSpec.DEFAULT_HIDDEN, MineSpec.DEFAULT_EMBED_DIM);

    CriticSettings withCritic(String v) {
        return new CriticSettings(v, hidden, embedDim);
    }

    CriticSettings withHidden(List<Integer> v) {
        return new CriticSettings(critic, v, embedDim);
    }

    CriticSettings withEmbedDim(int v) {
        return new CriticSettings(critic, hidden, v);
    }
}
