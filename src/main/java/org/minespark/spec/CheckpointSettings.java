package org.minespark.spec;

/**
 * Training checkpoints: the directory (null = off), the interval, and whether to resume.
 * Part of a {@link MineSpec}; immutable, validated by the spec\'s {@code with...} methods. Each component is declared once in {@link Settings}.
 */
public record CheckpointSettings(String checkpointDir, int checkpointEvery, boolean resume) implements java.io.Serializable {
    /** The defaults. */
    static final CheckpointSettings DEFAULTS = new CheckpointSettings(null, MineSpec.DEFAULT_CHECKPOINT_EVERY, false);

    CheckpointSettings withCheckpointDir(String v) {
        return new CheckpointSettings(v, checkpointEvery, resume);
    }

    CheckpointSettings withCheckpointEvery(int v) {
        return new CheckpointSettings(checkpointDir, v, resume);
    }

    CheckpointSettings withResume(boolean v) {
        return new CheckpointSettings(checkpointDir, checkpointEvery, v);
    }
}
