package org.minespark.spec;

import java.util.List;

/**
 * The outcome of {@link org.minespark.api.MutualInformation#pairs}: one {@link PairResult} per pair of the
 * {@link PairsSpec}, in its order. Immutable.
 *
 * @param pairs   the pairs' results, in the spec's order
 * @param rows    input rows read
 * @param dropped rows with a null/NaN/infinite value in at least one selected column; each such row
 *                is left out only of the pairs of those columns (pairwise, see
 *                {@link PairResult#missingRate()}), not of every pair
 * @param seconds wall seconds of the whole run
 * @param skippedColumns the columns the column hygiene skipped, each with its reason (their pairs
 *                have status {@link PairResult#SKIPPED}); empty if none
 */
public record PairsResult(List<PairResult> pairs, long rows, long dropped, double seconds,
                          java.util.Map<String, String> skippedColumns) {
    public PairsResult {
        pairs = List.copyOf(pairs);
        skippedColumns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(skippedColumns));
    }

    /** The result of the pair {@code "x ~ y"}; throws if there is none. */
    public PairResult get(String pair) {
        for (PairResult p : pairs) {
            if (p.pair().equals(pair)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no pair '" + pair + "' in this result");
    }
}
