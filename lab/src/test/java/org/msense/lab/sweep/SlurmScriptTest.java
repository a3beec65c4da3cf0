package org.msense.lab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msense.core.spec.InvalidSpecException;

class SlurmScriptTest {
    @Test
    void anArrayOfShardsWithAbsolutePathsAndTheSignalsForCheckpoints(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("my sweep");
        SlurmScript.Options o = new SlurmScript.Options(3, "gpu", 1, "01:30:00", 2, 0, List.of("--account=abc"));
        Path script = SlurmScript.write(dir, o, List.of("/opt/msense/runtime/bin/java", "-cp", "/opt/msense/lib/*",
                "org.msense.cli.Main"));
        String s = Files.readString(script);
        assertTrue(s.startsWith("#!/bin/bash\n"));
        for (String line : List.of("#SBATCH --array=0-2%2", "#SBATCH --requeue", "#SBATCH --signal=B:USR1@120",
                "#SBATCH --partition=gpu", "#SBATCH --gpus-per-task=1", "#SBATCH --time=01:30:00",
                "#SBATCH --account=abc", "#SBATCH --output=" + dir.toAbsolutePath() + "/slurm/%A_%a.out",
                "shard=\"${SLURM_ARRAY_TASK_ID}/3\"", "scontrol requeue")) {
            assertTrue(s.contains(line), line + " in\n" + s);
        }
        assertTrue(s.contains("'" + dir.toAbsolutePath() + "/sweep.json'"), "paths with spaces are quoted:\n" + s);
        assertTrue(s.contains("'/opt/msense/lib/*'"), "a glob is quoted:\n" + s);
        assertTrue(Files.isDirectory(dir.resolve(SlurmScript.DIR)), "the output folder exists before the tasks start");
        Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(InvalidSpecException.class, () -> new SlurmScript.Options(0, null, 0, null, 0, 0, List.of()));
        assertThrows(InvalidSpecException.class, () -> new SlurmScript.Options(2, null, 0, "1h", 0, 0, List.of()));
        assertThrows(InvalidSpecException.class, () -> new SlurmScript.Options(2, null, 0, null, 0, 0, List.of("account")));
    }

    @Test
    void theCommandOfThisJvmIsAbsolute() {
        List<String> c = SlurmScript.currentJava("org.msense.cli.Main");
        assertTrue(Path.of(c.get(0)).isAbsolute());
        String cp = c.get(c.indexOf("-cp") + 1);
        for (String e : cp.split(java.io.File.pathSeparator)) {
            assertTrue(Path.of(e).isAbsolute(), e);
        }
        assertEquals("org.msense.cli.Main", c.get(c.size() - 1));
        int kernels = c.indexOf("-XX:CompileCommand=CompileThresholdScaling,org.msense.cpu.*::*,0.01");
        int products = c.indexOf("-XX:CompileCommand=CompileThresholdScaling,org.msense.cpu.VectorGemm::*,1.0");
        assertTrue(kernels >= 0 && products > kernels,
                "the CPU kernels' compile threshold and the products' exemption after it, as the launchers pass them: " + c);
    }
}
