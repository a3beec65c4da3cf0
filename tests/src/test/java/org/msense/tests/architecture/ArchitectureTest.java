package org.msense.tests.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture, stated as rules over the compiled main classes of every module:
 * <ul>
 * <li>layers: engine-core (the engine) under the backends (engine-cpu, engine-cuda) and the lab (runs,
 *     experiments, output), with engine-cli on top; backends are found through {@code ServiceLoader}, so nothing
 *     above them names a backend class;</li>
 * <li>the engine, the lab and the command line touch no JCuda and no native code;</li>
 * <li>algorithms reach compute only through the Backend SPI (and, for small k×k host work such as the
 *     preconditioners' Cholesky factors, through {@code org.msense.core.linalg});</li>
 * <li>EJML's decompositions are called only behind {@code org.msense.core.linalg}, and EJML as a whole only by
 *     host-side linear algebra (linalg, diagnostics, ground truth, the reproduction checks) and by the CPU
 *     backend that is built on it;</li>
 * <li>the libraries of output and front end (JFreeChart, Jackson, picocli) stay in the lab and the CLI.</li>
 * </ul>
 */
@AnalyzeClasses(packages = "org.msense", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String ENGINE = "org.msense.core..";
    private static final String LAB = "org.msense.lab..";
    private static final String CLI = "org.msense.cli..";

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Engine").definedBy(ENGINE)
            .layer("Backends").definedBy("org.msense.cpu..", "org.msense.cuda..")
            .layer("Lab").definedBy(LAB)
            .layer("Cli").definedBy(CLI)
            .whereLayer("Cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("Lab").mayOnlyBeAccessedByLayers("Cli")
            .whereLayer("Backends").mayNotBeAccessedByAnyLayer()
            .whereLayer("Engine").mayOnlyBeAccessedByLayers("Backends", "Lab", "Cli");

    @ArchTest
    static final ArchRule theCpuBackendKnowsNoCuda = noClasses().that().resideInAPackage("org.msense.cpu..")
            .should().dependOnClassesThat().resideInAnyPackage("org.msense.cuda..", "jcuda..");

    @ArchTest
    static final ArchRule noJCudaAboveTheBackends = noClasses().that().resideInAnyPackage(ENGINE, LAB, CLI)
            .should().dependOnClassesThat().resideInAnyPackage("jcuda..", "com.sun.jna..", "java.lang.foreign..",
                    "jdk.incubator.foreign..")
            .because("the engine and everything above it reach the GPU only through the Backend SPI");

    @ArchTest
    static final ArchRule noNativeMethodsAboveTheBackends = noMethods().that().areDeclaredInClassesThat()
            .resideInAnyPackage(ENGINE, LAB, CLI).should().haveModifier(JavaModifier.NATIVE);

    @ArchTest
    static final ArchRule noNativeLibraryLoadedAboveTheBackends = noClasses().that().resideInAnyPackage(ENGINE, LAB, CLI)
            .should().callMethod(System.class, "loadLibrary", String.class)
            .orShould().callMethod(System.class, "load", String.class)
            .orShould().callMethod(Runtime.class, "loadLibrary", String.class)
            .orShould().callMethod(Runtime.class, "load", String.class);

    @ArchTest
    static final ArchRule algorithmsUseTheBackendSpiOnly = classes().that().resideInAPackage("org.msense.core.algorithm..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("org.msense.core.algorithm..",
                    "org.msense.core.backend..", "org.msense.core.spec..", "org.msense.core.problem..",
                    "org.msense.core.diagnostics..", "org.msense.core.rng..", "org.msense.core.linalg..", "java..")
            .because("algorithms are written once against the Backend SPI and run on every backend; host-side"
                    + " linear algebra on k×k matrices read back from it (the preconditioners' Cholesky factors) goes"
                    + " through org.msense.core.linalg");

    @ArchTest
    static final ArchRule decompositionsOnlyBehindLinalg = noClasses().that()
            .resideInAPackage("org.msense..").and().resideOutsideOfPackage("org.msense.core.linalg..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ejml.dense.row.factory..",
                    "org.ejml.dense.row.decomposition..", "org.ejml.interfaces.decomposition..", "org.ejml.simple..")
            .because("eigen, SVD and QR are reached through org.msense.core.linalg, which fixes their conventions");

    @ArchTest
    static final ArchRule ejmlOnlyForHostLinearAlgebra = noClasses().that().resideInAPackage("org.msense..")
            .and().resideOutsideOfPackages("org.msense.core.linalg..", "org.msense.core.diagnostics..",
                    "org.msense.core.problem..", "org.msense.lab.reproduce..", "org.msense.cpu..")
            .should().dependOnClassesThat().resideInAPackage("org.ejml..");

    @ArchTest
    static final ArchRule outputLibrariesStayInTheLabAndCli = noClasses().that().resideInAPackage("org.msense..")
            .and().resideOutsideOfPackages(LAB, CLI)
            .should().dependOnClassesThat().resideInAnyPackage("org.jfree..", "com.fasterxml.jackson..", "picocli..")
            .because("plots, JSON and the command line are output and front end, not engine");
}
