package org.minespark.core;

/**
 * Derives independent, reproducible random streams from one user seed, so that every (purpose,
 * step, partition) gets its own stream and a retried task recomputes exactly the same values.
 * Uses the SplitMix64 finaliser as a hash.
 */
public final class Seeds {
    private Seeds() {
    }

    /** SplitMix64 finaliser: a bijective 64-bit mix. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A seed for the stream identified by {@code parts} under {@code seed}. */
    public static long derive(long seed, long... parts) {
        long h = mix(seed ^ 0x9e3779b97f4a7c15L);
        for (long p : parts) {
            h = mix(h + 0x9e3779b97f4a7c15L + p);
        }
        return h;
    }

    /** A uniform double in [0, 1) from a hash value. */
    public static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }
}
