package org.minespark.spark;

import java.io.Serializable;

import org.minespark.core.BoundStats;
import org.minespark.core.PermutationStats;

/**
 * One partition's share of the test-row evaluation: the chosen bound's statistics and, when the
 * permutation test is on, its {@link PermutationStats} (null otherwise). Merged in partition order
 * by {@link Merge#ordered}.
 */
final class EvalStats implements Serializable {
    private static final long serialVersionUID = 1L;

    final BoundStats bound;
    final PermutationStats permutations; // null: no permutation test

    EvalStats(BoundStats bound, PermutationStats permutations) {
        this.bound = bound;
        this.permutations = permutations;
    }

    /** Merges {@code other} into this (same bound, same K); returns this. */
    EvalStats merge(EvalStats other) {
        bound.merge(other.bound);
        if (permutations != null) {
            permutations.merge(other.permutations);
        }
        return this;
    }
}
