package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;
import org.minespark.spark.SparkFixture;

/** {@link CatalogTables}: a run replaces its own date's rows of the results table, nothing else. */
class CatalogTablesTest {
    private static List<Row> rows(String... pairs) {
        return java.util.Arrays.stream(pairs).map(p -> PairsOutput.toRow(new SegmentPair(null, new PairResult(p,
                p.split(" ~ ")[0], p.split(" ~ ")[1], 0.5, 0.4, 0.6, MiResult.Significance.NONE, 100, 20, 10, 10, true,
                false, false, false, 1, PairResult.OK, "")))).toList();
    }

    @Test
    void write_replacesOnlyItsRunDate_andChecksTheSchema() throws Exception {
        SparkSession spark = SparkFixture.local2();
        String t = "catalog_tables_test";
        spark.sql("DROP TABLE IF EXISTS " + t);
        java.nio.file.Path loc = java.nio.file.Path.of(java.net.URI.create(
                spark.conf().get("spark.sql.warehouse.dir").replaceFirst("^/", "file:/"))).resolve(t);
        org.apache.commons.io.FileUtils.deleteDirectory(loc.toFile());
        CatalogTables.write(spark, t, LocalDate.parse("2026-01-01"), rows("a ~ b", "a ~ c"));
        CatalogTables.write(spark, t, LocalDate.parse("2026-01-02"), rows("a ~ b", "a ~ c"));
        CatalogTables.write(spark, t, LocalDate.parse("2026-01-01"), rows("a ~ b")); // a re-run of the 1st
        List<Row> byDate = spark.sql("SELECT CAST(run_date AS STRING), count(*) FROM " + t
                + " GROUP BY run_date ORDER BY 1").collectAsList();
        assertEquals("[[2026-01-01,1], [2026-01-02,2]]", byDate.toString());
        CatalogTables.checkResults(spark, t); // its own schema passes
        spark.sql("DROP TABLE " + t);
        spark.sql("CREATE TABLE " + t + " (pair STRING, run_date DATE) USING parquet PARTITIONED BY (run_date)");
        String m = assertThrows(OutputException.class, () -> CatalogTables.checkResults(spark, t)).getMessage();
        assertTrue(m.startsWith("--results-table " + t + ": has no column x;"), m);
        spark.sql("DROP TABLE " + t);
        assertTrue(assertThrows(InputDataException.class, () -> CatalogTables.read(spark, "no_such_table_here"))
                .getMessage().startsWith("--table no_such_table_here: no such table"));
    }
}
