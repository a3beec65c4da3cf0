package org.msense.lab.sweep;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.msense.core.spec.InvalidSpecException;
import org.msense.lab.io.AtomicFiles;
import org.msense.lab.run.HugePages;

/**
 * The Slurm batch script of a sweep, {@code DIR/sweep.sbatch}: a job array with one shard of the sweep per task
 * ({@code msense sweep DIR/sweep.json --out DIR --shard $SLURM_ARRAY_TASK_ID/N}), its output in
 * {@code DIR/slurm/JOB_TASK.out}. The msense command line inside names the Java runtime and the class path of the
 * msense that wrote it, as absolute paths (an offline bundle or a build on shared storage), so that the tasks need
 * nothing from their environment; {@code MSENSE_JAVA_OPTS} adds JVM options (e.g. {@code -Xmx16g}).
 *
 * <p>Time limits and preemption: {@code --signal=B:USR1@GRACE} has Slurm signal the script {@value #GRACE_S} s
 * before the limit; the script then sends SIGTERM to msense, which finishes its step, checkpoints (with
 * {@code checkpoint-every}) and exits, and the script requeues the task ({@code scontrol requeue}), whose rerun goes
 * on from there. {@code --requeue} lets Slurm requeue tasks it preempts. {@code scancel} (SIGTERM) stops msense the
 * same way without requeueing. A task's GPU is the one Slurm gives it in {@code CUDA_VISIBLE_DEVICES}.
 */
public final class SlurmScript {
    /** The script's name in the sweep directory. */
    public static final String NAME = "sweep.sbatch";
    /** The folder of the tasks' output and the submitted job ids. */
    public static final String DIR = "slurm";
    /** Seconds before the time limit at which a task is told to checkpoint and requeue. */
    public static final int GRACE_S = 120;

    /**
     * What to ask Slurm for.
     *
     * @param tasks        array tasks (shards), ≥ 1
     * @param partition    {@code --partition}, or null
     * @param gpusPerTask  {@code --gpus-per-task}, or 0 for none
     * @param time         {@code --time} (e.g. {@code 02:00:00}), or null
     * @param arrayLimit   most tasks running at once ({@code %K} of {@code --array}), or 0 for no limit
     * @param cpusPerTask  {@code --cpus-per-task}, or 0 for Slurm's default
     * @param sbatchArgs   further {@code #SBATCH} options as given (e.g. {@code --account=abc})
     */
    public record Options(int tasks, String partition, int gpusPerTask, String time, int arrayLimit, int cpusPerTask,
            List<String> sbatchArgs) {
        public Options {
            if (tasks < 1) {
                throw new InvalidSpecException("tasks", "must be ≥ 1, got " + tasks);
            }
            if (gpusPerTask < 0 || arrayLimit < 0 || cpusPerTask < 0) {
                throw new InvalidSpecException("slurm", "--gpus-per-task, --cpus-per-task and --array-limit must be ≥ 0");
            }
            if (time != null && !time.matches("(\\d+-)?\\d+(:\\d{1,2}){0,2}")) {
                throw new InvalidSpecException("time", "give a Slurm time such as 30, 02:00:00 or 1-12:00:00, got '"
                        + time + "'");
            }
            for (String a : sbatchArgs) {
                if (!a.startsWith("-") || a.contains("\n")) {
                    throw new InvalidSpecException("sbatch-arg", "give an sbatch option such as --account=abc, got '"
                            + a + "'");
                }
            }
            sbatchArgs = List.copyOf(sbatchArgs);
        }
    }

    private SlurmScript() {
    }

    /**
     * The script's text.
     *
     * @param sweepDir the sweep directory (made absolute)
     * @param java     the command that starts msense: the java executable, JVM options, class path and main class
     */
    public static String text(Path sweepDir, Options o, List<String> java) {
        Path dir = sweepDir.toAbsolutePath().normalize();
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n");
        s.append("# One shard of the msense sweep in ").append(dir).append(" per array task.\n");
        s.append("# Written by msense sweep --slurm; submit again with: sbatch ").append(quote(dir.resolve(NAME).toString()))
                .append("\n");
        s.append("#SBATCH --job-name=msense-sweep\n");
        s.append("#SBATCH --array=0-").append(o.tasks() - 1).append(o.arrayLimit() > 0 ? "%" + o.arrayLimit() : "").append('\n');
        s.append("#SBATCH --ntasks=1\n");
        s.append("#SBATCH --output=").append(dir.resolve(DIR)).append("/%A_%a.out\n");
        s.append("#SBATCH --open-mode=append\n");
        s.append("#SBATCH --requeue\n");
        s.append("#SBATCH --signal=B:USR1@").append(GRACE_S).append('\n');
        if (o.partition() != null) {
            s.append("#SBATCH --partition=").append(o.partition()).append('\n');
        }
        if (o.gpusPerTask() > 0) {
            s.append("#SBATCH --gpus-per-task=").append(o.gpusPerTask()).append('\n');
        }
        if (o.cpusPerTask() > 0) {
            s.append("#SBATCH --cpus-per-task=").append(o.cpusPerTask()).append('\n');
        }
        if (o.time() != null) {
            s.append("#SBATCH --time=").append(o.time()).append('\n');
        }
        for (String a : o.sbatchArgs()) {
            s.append("#SBATCH ").append(a).append('\n');
        }
        s.append("set -u\n");
        s.append("shard=\"${SLURM_ARRAY_TASK_ID}/").append(o.tasks()).append("\"\n");
        s.append("echo \"msense sweep: shard $shard, job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname),"
                + " $(date -u +%FT%TZ)\"\n");
        s.append("requeue=0\n");
        List<String> cmd = new ArrayList<>();
        cmd.add(quote(java.get(0)));
        for (String a : java.subList(1, java.size())) {
            cmd.add(quote(a));
        }
        s.append("# shellcheck disable=SC2086\n");
        s.append(cmd.get(0)).append(" ${MSENSE_JAVA_OPTS:-} ").append(String.join(" ", cmd.subList(1, cmd.size())))
                .append(" \\\n    sweep ").append(quote(dir.resolve(SweepJob.SPEC).toString())).append(" --out ")
                .append(quote(dir.toString())).append(" --shard \"$shard\" --progress never &\n");
        s.append("pid=$!\n");
        s.append("# before the time limit: checkpoint (SIGTERM to msense), then requeue this task\n");
        s.append("trap 'requeue=1; kill -TERM \"$pid\" 2>/dev/null' USR1\n");
        s.append("# scancel: stop msense cleanly (it keeps every row and its checkpoint), no requeue\n");
        s.append("trap 'kill -TERM \"$pid\" 2>/dev/null' TERM INT\n");
        s.append("status=0\n");
        s.append("while :; do wait \"$pid\"; status=$?; kill -0 \"$pid\" 2>/dev/null || break; done\n");
        s.append("if [ \"$requeue\" = 1 ]; then\n");
        s.append("  echo \"msense sweep: time limit near; requeueing ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n");
        s.append("  scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n");
        s.append("fi\n");
        s.append("exit \"$status\"\n");
        return s.toString();
    }

    /** Writes the script (executable) and creates the output folder; returns the script's path. */
    public static Path write(Path sweepDir, Options o, List<String> java) throws IOException {
        Path file = sweepDir.resolve(NAME);
        Files.createDirectories(sweepDir.resolve(DIR));
        AtomicFiles.writeString(file, text(sweepDir, o, java));
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: sbatch reads the script anyway
        }
        return file;
    }

    /**
     * The command that starts this msense again: this JVM's java executable, the JDK Vector API module where this
     * runtime has it (the CPU backend's fused pass), native access for JCuda, the launchers' compile threshold for the
     * CPU kernels, transparent huge pages when this JVM uses them, this class path (absolute) and the main class
     * {@code mainClass}.
     */
    public static List<String> currentJava(String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath().toString());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        cmd.add("--enable-native-access=ALL-UNNAMED");
        // as the launchers: the CPU kernels reach the optimizing JIT after 1% of the usual calls (docs/cli.md)
        cmd.add("-XX:CompileCommand=quiet");
        cmd.add("-XX:CompileCommand=CompileThresholdScaling,org.msense.cpu.*::*,0.01");
        cmd.add("-XX:CompileCommand=CompileThresholdScaling,org.msense.cpu.VectorGemm::*,1.0");
        // huge pages for the heap when this JVM has them (the launchers ask for them where Linux offers them)
        if (HugePages.inUse()) {
            cmd.add(HugePages.FLAG);
        }
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(Path.of(e).toAbsolutePath().normalize().toString());
            }
        }
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, entries));
        cmd.add(mainClass);
        return cmd;
    }

    /** Single quotes for the shell where needed. */
    static String quote(String s) {
        if (s.matches("[A-Za-z0-9_./:=+%@,-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** {@code 12 tasks} etc. */
    static String plural(int n, String word) {
        return String.format(Locale.ROOT, "%d %s%s", n, word, n == 1 ? "" : "s");
    }
}
