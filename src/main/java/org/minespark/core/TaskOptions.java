package org.minespark.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a user may set on a synthetic task ({@code generate}'s flags); {@code null} means the task's
 * default. Each task rejects, naming the flag, what does not apply to it.
 *
 * @param dim       dimension of x (and of y unless {@code dimY} is given) ({@code --dim})
 * @param dimY      dimension of y, for the tasks that allow {@code dx ≠ dy} ({@code --dim-y})
 * @param miNats    target MI in nats ({@code --mi})
 * @param epsilon   noise half-width of {@code uniform-noise} ({@code --epsilon})
 * @param positions 7-vectors per row of {@code binary-tensor} ({@code --positions})
 * @param params    further named parameters ({@code --param NAME=VALUE}, e.g. {@code dof}); never null
 */
public record TaskOptions(Integer dim, Integer dimY, Double miNats, Double epsilon, Integer positions,
                          Map<String, Double> params) {
    public TaskOptions {
        params = params == null ? Map.of() : Map.copyOf(new TreeMap<>(params));
    }

    /** Only a dimension and a target MI (either may be null). */
    public static TaskOptions of(Integer dim, Double miNats) {
        return new TaskOptions(dim, null, miNats, null, null, Map.of());
    }
}
