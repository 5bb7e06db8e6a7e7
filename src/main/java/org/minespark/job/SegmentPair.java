package org.minespark.job;

import org.minespark.spec.PairResult;

/**
 * One pair's result in one segment of a {@code pairs} run ({@code --segment-by}); the segment is
 * null when the run covers the whole table.
 */
record SegmentPair(String segment, PairResult result) {
}
