package org.minespark.job;

import org.minespark.spec.PairResult;

/**
 * One pair's result in one segment of a {@code pairs} run ({@code --segment-by}); the segment is
 * null when the run covers the whole table. With {@code --target}, {@code mrmrRank} is the
 * feature's place in the mRMR order for that target (1 = first; 0 = not ranked) and
 * {@code mrmrScore} its score when chosen (NaN when not ranked).
 */
record SegmentPair(String segment, PairResult result, int mrmrRank, double mrmrScore) {
    SegmentPair(String segment, PairResult result) {
        this(segment, result, 0, Double.NaN);
    }
}
