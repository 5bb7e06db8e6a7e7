package org.minespark.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layering of DESIGN.md: maths in pure Java, Spark only in the execution layer and above. */
class LayeringTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.minespark");

    @Test
    void core_hasNoSparkOrScalaDependency() {
        noClasses().that().resideInAPackage("org.minespark.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
                .check(MAIN);
    }

    @Test
    void core_doesNotDependOnUpperLayers() {
        noClasses().that().resideInAPackage("org.minespark.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.minespark.spark..", "org.minespark.job..", "org.minespark.api..",
                        "org.minespark.spec..",
                        "org.minespark.bench..")
                .check(MAIN);
    }

    @Test
    void spark_doesNotDependOnJobLayer() {
        noClasses().that().resideInAPackage("org.minespark.spark..")
                .should().dependOnClassesThat().resideInAnyPackage("org.minespark.job..", "org.minespark.api..")
                .check(MAIN);
    }

    /**
     * Benchmarks live in {@code org.minespark.bench} on top of the maths: bench may use core (it times
     * the production training step), but nothing in core, spark or api depends on bench.
     */
    @Test
    void core_spark_api_doNotDependOnBench() {
        noClasses().that().resideInAnyPackage("org.minespark.core..", "org.minespark.spark..", "org.minespark.api..")
                .should().dependOnClassesThat().resideInAPackage("org.minespark.bench..")
                .check(MAIN);
    }

    /** The Spark ML adapter is built on the public facade ({@code MutualInformation}, {@code MineSpec}), not beside it. */
    @Test
    void mlAdapter_usesOnlyTheFacade() {
        noClasses().that().resideInAPackage("org.minespark.api.ml..")
                .should().dependOnClassesThat().resideInAnyPackage("org.minespark.core..", "org.minespark.spark..",
                        "org.minespark.job..")
                .check(MAIN);
    }

    /** Settings, results and exceptions are plain types: they know nothing of execution or the CLI. */
    @Test
    void spec_dependsOnlyOnCore() {
        noClasses().that().resideInAPackage("org.minespark.spec..")
                .should().dependOnClassesThat().resideInAnyPackage("org.minespark.spark..", "org.minespark.api..",
                        "org.minespark.job..", "org.minespark.bench..", "org.apache.spark..", "scala..")
                .check(MAIN);
    }

    /** The CLI reaches execution only through the facade ({@code api}). */
    @Test
    void job_reachesExecutionOnlyThroughTheFacade() {
        noClasses().that().resideInAPackage("org.minespark.job..")
                .should().dependOnClassesThat().resideInAPackage("org.minespark.spark..")
                .check(MAIN);
    }

    /** The top-level packages form a DAG: core <- spec <- spark <- api <- job, bench <- job. */
    @Test
    void packages_areFreeOfCycles() {
        com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
                .matching("org.minespark.(*)..").should().beFreeOfCycles()
                .check(MAIN);
    }
}
