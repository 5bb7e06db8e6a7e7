package org.minespark.spec;

/**
 * Training checkpoints: the directory (null = off), the interval, and whether to resume.
 * Part of a {@link MineSpec}; immutable, each {@code with...} method validates its value (an {@link IllegalArgumentException} naming the setting). Each component is declared once in {@link Settings}.
 */
public record CheckpointSettings(String checkpointDir, int checkpointEvery, boolean resume) implements java.io.Serializable {
    /** The defaults. */
    static final CheckpointSettings DEFAULTS = new CheckpointSettings(null, MineSpec.DEFAULT_CHECKPOINT_EVERY, false);

    CheckpointSettings withCheckpointDir(String v) {
        return new CheckpointSettings(v == null || v.isBlank() ? null : v, checkpointEvery, resume);
    }

    CheckpointSettings withCheckpointEvery(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("checkpoint-every must be >= 0 (0 = no checkpoints), got " + v);
        }
        return new CheckpointSettings(checkpointDir, v, resume);
    }

    CheckpointSettings withResume(boolean v) {
        return new CheckpointSettings(checkpointDir, checkpointEvery, v);
    }
}
