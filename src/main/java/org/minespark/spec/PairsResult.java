package org.minespark.spec;

import java.util.List;

/**
 * The outcome of {@link org.minespark.api.MutualInformation#pairs}: one {@link PairResult} per pair of the
 * {@link PairsSpec}, in its order. Immutable.
 *
 * @param pairs   the pairs' results, in the spec's order
 * @param rows    input rows read
 * @param dropped rows dropped for a null/NaN/infinite value in a selected column
 * @param seconds wall seconds of the whole run
 */
public record PairsResult(List<PairResult> pairs, long rows, long dropped, double seconds) {
    public PairsResult {
        pairs = List.copyOf(pairs);
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
