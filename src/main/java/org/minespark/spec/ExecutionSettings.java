package org.minespark.spec;

/**
 * How the run executes: the seed, the kernel backend, the trainer, the training partitions, the log interval.
 * Part of a {@link MineSpec}; immutable, validated by the spec\'s {@code with...} methods. Each component is declared once in {@link Settings}.
 */
public record ExecutionSettings(long seed, String kernels, String trainer, int partitions, int logEvery) implements java.io.Serializable {
    /** The defaults. */
    static final ExecutionSettings DEFAULTS = new ExecutionSettings(42L, "auto", MineSpec.DEFAULT_TRAINER, 0, 100);

    ExecutionSettings withSeed(long v) {
        return new ExecutionSettings(v, kernels, trainer, partitions, logEvery);
    }

    ExecutionSettings withKernels(String v) {
        return new ExecutionSettings(seed, v, trainer, partitions, logEvery);
    }

    ExecutionSettings withTrainer(String v) {
        return new ExecutionSettings(seed, kernels, v, partitions, logEvery);
    }

    ExecutionSettings withPartitions(int v) {
        return new ExecutionSettings(seed, kernels, trainer, v, logEvery);
    }

    ExecutionSettings withLogEvery(int v) {
        return new ExecutionSettings(seed, kernels, trainer, partitions, v);
    }
}
