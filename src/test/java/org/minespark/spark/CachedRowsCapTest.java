package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.minespark.spec.MineSpec;

/** The training and validation samples are bounded by the bytes a cached row costs, not only by row counts. */
class CachedRowsCapTest {

    @Test
    void cachedRowCap_narrowRowsKeepMaxTrainRows_wideRowsGetFewer() {
        // 21 floats a row (20 features and a target): 6.4 M rows fit in 512 MiB, so max-train-rows (1 M) binds
        assertEquals(6_391_320, CachedRows.rowCap(CachedRows.CACHE_BYTES, 21));
        // 200 columns with per-value codes: 1 402 floats a row, 95.7 k rows = 512 MiB
        assertEquals(95_733, CachedRows.rowCap(CachedRows.CACHE_BYTES, 1402));
        // never below 1 000 rows, whatever the width
        assertEquals(1_000, CachedRows.rowCap(CachedRows.CACHE_BYTES, 10_000_000));
    }

    @Test
    void validationFraction_boundedByRowsAndByBytes() {
        MineSpec spec = MineSpec.x("x").y("y").withEvalFraction(0.2);
        // 10 M valid rows: 2 M held out; narrow rows: 50 000 validation rows (2.5 %)
        assertEquals(50_000 / 2e6, CachedRows.validationFraction(spec, 10_000_000, 21), 1e-12);
        // 5 000 floats a row: a quarter of 512 MiB holds 6 710 rows
        assertEquals(6_710 / 2e6, CachedRows.validationFraction(spec, 10_000_000, 5_000), 1e-12);
        // few rows: a quarter of the held-out rows
        assertEquals(CachedRows.VALIDATION_SHARE, CachedRows.validationFraction(spec, 10_000, 21), 1e-12);
        assertEquals(0.0, CachedRows.validationFraction(spec.withEvalEvery(0), 10_000, 21), 0.0);
    }
}
