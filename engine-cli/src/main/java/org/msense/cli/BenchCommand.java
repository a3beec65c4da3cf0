package org.msense.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.msense.core.Version;
import org.msense.core.algorithm.FactorizedGradientDescent;
import org.msense.core.algorithm.HostFactors;
import org.msense.core.algorithm.RunObserver;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.MatrixBatch;
import org.msense.core.backend.Precision;
import org.msense.core.problem.SensingProblem;
import org.msense.core.spec.AlgorithmSpec;
import org.msense.core.spec.BatchSpec;
import org.msense.core.spec.InitNormalization;
import org.msense.core.spec.ModelSpec;
import org.msense.core.spec.OperatorKind;
import org.msense.core.spec.ProblemSpec;
import org.msense.core.spec.TrajectorySpec;
import org.msense.lab.run.HugePages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code msense bench}: times full gradient-descent iterations of the CPU backend on a named set of
 * problems and sets them against the machine's memory read floor (measured in the same run) and, when
 * python3 with NumPy is present, against the NumPy peer on the identical problem.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "time the CPU backend against the memory floor and NumPy on a fixed set of problems",
        synopsisHeading = "%nUsage: ",
        customSynopsis = {"msense bench [--quick] [--markdown=FILE] [--threads=N] [--repeats=R] [--warmup=W]",
            "                    [--python=CMD | --no-peer] [--only=NAME[,NAME...]]"},
        descriptionHeading = "%n",
        description = {
            "Times full gradient-descent iterations (X = VWᵀ, the fused pass over 𝒜, the factor updates) on the cpu"
                    + " backend for these problems (n = n1 = n2, X* of rank r, width k, m measurements, B trajectories):",
            "  dense-fp64        n=100 r=5 k=100 m=6000, fp64, B=1           (𝒜 = 480 MB)",
            "  agn-fp64          n=100 r=5 k=15 m=25000, fp64, B=1           (𝒜 = 2 GB)",
            "  agn-fp32          the same in fp32                            (𝒜 = 1 GB)",
            "  agn-fp32-storage  the same with fp64 data, 𝒜 stored in fp32   (𝒜 = 1 GB)",
            "  sweep-b8          dense-fp64 with an α sweep of B=8 trajectories",
            "  hadamard          --operator hadamard, n=1024 r=5 k=20 m=200000, fp64, B=1",
            "  completion        --operator completion, n=20000 r=5 k=10 m=4000000, fp64, B=1",
            "  rank-one          --operator rank-one, n=1000 r=5 k=10 m=50000, fp64, B=1",
            "and prints the median ms per iteration (after a warm-up), the rate at which 𝒜 was read (GB/s), the ratio"
                    + " to the one-pass floor (bytes of 𝒜 / the memory read rate measured right before and after the case; a case"
                    + " whose floor moved by more than 15%% is flagged; at the end, the best and lowest of all the run's"
                    + " floor readings, and NumPy's own A @ x read rate again against the best), the arithmetic"
                    + " rate, and, when CMD (default python3) imports NumPy, the NumPy peer bench/peers/numpy_peer.py on"
                    + " the identical problem (one trajectory per run, A @ x and A.T @ r; for sweep-b8 both 8 runs one"
                    + " after another and the batched A @ X with 8 columns; for hadamard and completion the researcher-style"
                    + " peers bench/peers/hadamard_peer.py and completion_peer.py) with the speed-up. For the structured"
                    + " operators the floor counts the bytes an iteration must move at least (hadamard: X, E and two"
                    + " transform vectors written and read once, y and the residuals; completion: the entry indices, y and"
                    + " the residuals; rank-one: the a_i and b_i), and rank-one is also set against the engine's own GEMM"
                    + " rate for the same flops. The AGN problems need a"
                    + " Java heap over 2 GB (the JVM default is a quarter of the RAM; JAVA_OPTS=-Xmx… raises it)."},
        optionListHeading = "%nOptions:%n", usageHelpWidth = 100)
final class BenchCommand implements Callable<Integer> {
    static final String MARKDOWN = "--markdown";

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "ID", defaultValue = "cpu",
            description = "cpu (the problems above, against NumPy) or cuda (n1 = n2 = 256, m = 12,800, k = 10,"
                    + " B ∈ {1, 8, 32}, fp32 and fp64, against the device's measured copy bandwidth) [default: cpu]")
    String backend = "cpu";

    @Option(names = "--quick", description = "small versions of the problems (seconds; a smoke test)")
    boolean quick;

    @Option(names = MARKDOWN, paramLabel = "FILE", description = "also write the table in the form of docs/benchmarks.md")
    Path markdown;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU worker threads, 0: one per processor [default: ${DEFAULT-VALUE}]")
    int threads;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "7",
            description = "timed iterations per problem, at least 5 [default: ${DEFAULT-VALUE}]")
    int repeats;

    @Option(names = "--warmup", paramLabel = "W", description = "untimed iterations first, at least 1 [default: 15; 10 with --quick]: the first iterations of"
            + " a JVM run while the kernels are being compiled, so few of them would time the compiler, not the pass")
    Integer warmup;

    @Option(names = "--python", paramLabel = "CMD", defaultValue = "python3",
            description = "the Python interpreter of the peer [default: ${DEFAULT-VALUE}]")
    String python;

    @Option(names = "--no-peer", description = "do not run the NumPy peer")
    boolean noPeer;

    @Option(names = "--only", paramLabel = "NAME", split = ",",
            description = "run only these problems (comma-separated names from the list above)")
    List<String> only;

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    /** One benchmark problem; {@code peerDtype} is the NumPy dtype it is compared with. */
    record Case(String name, int n, int rank, int m, int k, int batch, Precision precision, Precision operator,
            String peerDtype, OperatorKind kind) {
        /** A dense Gaussian case. */
        Case(String name, int n, int rank, int m, int k, int batch, Precision precision, Precision operator,
                String peerDtype) {
            this(name, n, rank, m, k, batch, precision, operator, peerDtype, OperatorKind.GAUSSIAN);
        }

        /** A structured-operator case in fp64 with one trajectory. */
        static Case structured(String name, OperatorKind kind, int n, int rank, int m, int k) {
            return new Case(name, n, rank, m, k, 1, Precision.FP64, Precision.FP64, "float64", kind);
        }

        /** N = n² rounded up to a power of two (hadamard). */
        private double transformLength() {
            return Long.highestOneBit(2L * n * n - 1);
        }

        /** Bytes the operator holds. */
        long operatorBytes() {
            return switch (kind) {
                case HADAMARD -> (long) (8 * transformLength()) + 4L * m;
                case COMPLETION -> 8L * m;
                case RANK_ONE -> 16L * m * n;
                default -> (long) m * n * n * operator.bytes();
            };
        }

        /**
         * Bytes one iteration must move at least: the dense operator once; hadamard X and E (n² each) and one transform
         * vector per transform (N) written and read once, y read and the residuals written and read; completion the
         * entry indices (two ints), y and the residuals; rank-one the a_i and b_i once.
         */
        double floorBytes() {
            double entries = (double) n * n;
            return switch (kind) {
                case HADAMARD -> 32 * entries + 32 * transformLength() + 24.0 * m;
                case COMPLETION -> 32.0 * m;
                default -> operatorBytes();
            };
        }

        /**
         * Flops of one iteration: dense, the fused pass (4mN per trajectory) and the three GEMMs (6Nk); hadamard, the
         * three k-wide products (6n²k) and two transforms (2N log₂N additions); completion, the gathers and scatters
         * (6mk); rank-one, its four products (8m·n·k).
         */
        double flops() {
            double entries = (double) n * n;
            return switch (kind) {
                case HADAMARD -> 6.0 * entries * k + 2 * transformLength() * Math.log(transformLength()) / Math.log(2);
                case COMPLETION -> 6.0 * m * k;
                case RANK_ONE -> 8.0 * m * n * k;
                default -> batch * (4.0 * m * entries + 6.0 * entries * k);
            };
        }

        String describe() {
            String p = precision == operator ? precision.id() : precision.id() + ", 𝒜 stored " + operator.id();
            return String.format(Locale.ROOT, "%sn=%d r=%d k=%d m=%d %s", kind == OperatorKind.GAUSSIAN ? "" : kind.id() + " ",
                    n, rank, k, m, p);
        }
    }

    /** One printed row: a case against one peer. */
    private record Row(Case c, double ms, String peer, double peerMs) {
    }

    static List<Case> cases(boolean quick) {
        int n = quick ? 20 : 100;
        int m1 = quick ? 600 : 6000;
        int m2 = quick ? 2500 : 25000;
        return List.of(
                new Case("dense-fp64", n, 5, m1, n, 1, Precision.FP64, Precision.FP64, "float64"),
                new Case("agn-fp64", n, 5, m2, 15, 1, Precision.FP64, Precision.FP64, "float64"),
                new Case("agn-fp32", n, 5, m2, 15, 1, Precision.FP32, Precision.FP32, "float32"),
                new Case("agn-fp32-storage", n, 5, m2, 15, 1, Precision.FP64, Precision.FP32, "float32"),
                new Case("sweep-b8", n, 5, m1, n, 8, Precision.FP64, Precision.FP64, "float64"),
                Case.structured("hadamard", OperatorKind.HADAMARD, quick ? 64 : 1024, 5, quick ? 2000 : 200_000, quick ? 8 : 20),
                Case.structured("completion", OperatorKind.COMPLETION, quick ? 500 : 20_000, 5, quick ? 20_000 : 4_000_000,
                        quick ? 5 : 10),
                Case.structured("rank-one", OperatorKind.RANK_ONE, quick ? 60 : 1000, 5, quick ? 2000 : 50_000, quick ? 5 : 10));
    }

    /** The CUDA bench's problems: the large problem of the GPU validation, B ∈ {1, 8, 32}, fp32 and fp64. */
    static List<Case> cudaCases(boolean quick) {
        int n = quick ? 32 : 256;
        int m = quick ? 800 : 12_800;
        List<Case> cases = new ArrayList<>();
        for (Precision p : new Precision[] {Precision.FP32, Precision.FP64}) {
            for (int b : new int[] {1, 8, 32}) {
                cases.add(new Case("gpu-" + p.id() + "-b" + b, n, 5, m, 10, b, p, p, ""));
            }
        }
        return cases;
    }

    /**
     * {@code msense bench --backend cuda}: the median time of one iteration of each {@link #cudaCases} problem on
     * the GPU (the device synchronized at every iteration, so the times are the device's), against the floor of
     * reading 𝒜 once at the device's bandwidth, measured in the same run by device-to-device copies (bytes read +
     * written per second, best of 5). No peer runs (the bundle carries no GPU peer).
     */
    private Integer callCuda(int warmup) throws IOException {
        Backends.Selection cuda = Backends.select("cuda", Backends.discover());
        EngineOptions options = EngineOptions.defaults();
        List<String> header = new ArrayList<>();
        double bandwidth;
        long copyBytes = quick ? 64L << 20 : 2L << 30;
        try (Engine engine = cuda.backend().open(options)) {
            header.add("msense " + Version.get() + " bench --backend cuda" + (quick ? " --quick" : "") + ": "
                    + engine.device() + "; Java " + System.getProperty("java.version"));
            Map<String, String> props = engine.properties();
            header.add("cuda backend: driver " + props.get("driver") + ", " + props.get("cublas") + ", kernels "
                    + props.get("kernels") + "; fused pass: " + props.get("fused pass"));
            bandwidth = deviceCopyBandwidth(engine, copyBytes, 5);
        }
        header.add(String.format(Locale.ROOT, "device memory floor: %.1f GB/s (device-to-device copy of %d MiB: bytes read"
                + " + written per second, best of 5)", bandwidth / 1e9, copyBytes >> 20));
        header.add("peer: not run (no GPU peer in the bundle)");
        header.forEach(out::println);
        out.flush();
        List<Row> rows = new ArrayList<>();
        for (Case c : cudaCases(quick)) {
            if (only != null && !only.contains(c.name())) {
                continue;
            }
            double ms = iterationMs("cuda", c, options, warmup, repeats);
            rows.add(new Row(c, ms, "", Double.NaN));
            out.println(String.format(Locale.ROOT, "  %-17s %8.3f ms/iteration", c.name(), ms));
            out.flush();
        }
        String table = table(rows, bandwidth, Double.NaN);
        out.println();
        out.print(table);
        writeMarkdown(header, table);
        return 0;
    }

    /** Bytes read + written per second by a device-to-device copy of {@code bytes}, best of {@code repeats}. */
    static double deviceCopyBandwidth(Engine engine, long bytes, int repeats) {
        int cols = 1 << 20;
        int rows = (int) (bytes / Float.BYTES / cols);
        MatrixBatch a = engine.allocate(Precision.FP32, 1, rows, cols);
        MatrixBatch b = engine.allocate(Precision.FP32, 1, rows, cols);
        try {
            engine.copy(a, b);
            engine.synchronize();
            double best = Double.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                engine.copy(a, b);
                engine.synchronize();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * rows * cols * Float.BYTES / best;
        } finally {
            engine.release(a);
            engine.release(b);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!backend.equals("cpu") && !backend.equals("cuda")) {
            throw new UsageException("--backend takes cpu or cuda, got " + backend);
        }
        if (backend.equals("cuda")) {
            if (repeats < 5) {
                throw new UsageException("--repeats must be ≥ 5, got " + repeats);
            }
            if (warmup != null && warmup < 1) {
                throw new UsageException("--warmup must be ≥ 1, got " + warmup);
            }
            if (only != null) {
                List<String> names = cudaCases(quick).stream().map(Case::name).toList();
                if (!names.containsAll(only)) {
                    throw new UsageException("--only takes names from " + String.join(",", names) + ", got "
                            + String.join(",", only));
                }
            }
            return callCuda(this.warmup != null ? this.warmup : 3);
        }
        if (threads < 0) {
            throw new UsageException("--threads must be ≥ 0, got " + threads);
        }
        if (repeats < 5) {
            throw new UsageException("--repeats must be ≥ 5, got " + repeats);
        }
        if (warmup != null && warmup < 1) {
            throw new UsageException("--warmup must be ≥ 1, got " + warmup);
        }
        boolean peerWanted = !noPeer;
        List<Case> selected = new ArrayList<>();
        for (Case c : cases(quick)) {
            if (only == null || only.contains(c.name())) {
                selected.add(c);
            }
        }
        if (only != null && selected.size() != only.size()) {
            throw new UsageException("--only takes names from " + String.join(",", cases(false).stream().map(Case::name).toList())
                    + ", got " + String.join(",", only));
        }
        // the kernels reach the optimizing compiler during the first ~10 iterations (docs/benchmarks.md); time after that
        int warmup = this.warmup != null ? this.warmup : quick ? 10 : 15;
        EngineOptions options = EngineOptions.defaults().withThreads(threads);
        int resolvedThreads = options.resolvedThreads();
        List<String> header = new ArrayList<>();
        Backends.Selection cpu = Backends.select("cpu", Backends.discover());
        String engineLine;
        try (Engine engine = cpu.backend().open(options)) {
            engineLine = engine.device() + "; sensing pass: " + engine.properties().getOrDefault("sensing pass", "?");
        }
        header.add("msense " + Version.get() + " bench" + (quick ? " --quick" : "") + ": " + machine() + "; Java "
                + System.getProperty("java.version"));
        header.add("cpu backend: " + engineLine);

        long floorBytes = quick ? 128L << 20 : 1L << 30;
        double bandwidth = ReadBandwidth.measure(floorBytes, resolvedThreads, 5);
        header.add(String.format(Locale.ROOT, "memory read floor: %.1f GB/s (streaming read of %d MiB, %d threads, %s, best of 5)",
                bandwidth / 1e9, floorBytes >> 20, resolvedThreads, ReadBandwidth.kernel()));

        NumpyPeer peer = null;
        double gemmPeak = Double.NaN;
        Case firstDense = selected.stream().filter(c -> c.kind() == OperatorKind.GAUSSIAN).findFirst().orElse(null);
        if (peerWanted) {
            String[] why = new String[1];
            peer = NumpyPeer.find(python, why);
            if (peer == null) {
                header.add("NumPy peer: not run (" + why[0] + ")");
            } else {
                gemmPeak = peer.gemmGflops(quick ? 400 : 2000) * 1e9;
                header.add(String.format(Locale.ROOT, "NumPy peer: NumPy %s (%s); measured compute peak (NumPy float64 %d³"
                        + " matrix product): %.1f GFLOP/s", peer.version(), python, quick ? 400 : 2000, gemmPeak / 1e9));
                header.add(numpyFloorLine(peer, firstDense, floorBytes, bandwidth, "NumPy A @ x read rate", "the floor"));
            }
        } else {
            header.add("NumPy peer: not run (--no-peer)");
        }
        header.forEach(out::println);
        out.flush();

        // JIT warm-up: every code path (fp64, fp32, fp32 storage, B = 1 and B = 8) on the small problems,
        // untimed, so that the timed iterations below run compiled kernels (interpreted Vector API code is
        // orders of magnitude slower, and a few warm-up iterations of a large problem may not suffice)
        for (Case c : cases(true)) {
            msenseIterationMs(c, options, 30, 5);
        }
        List<Row> rows = new ArrayList<>();
        double denseSingleNumpy = Double.NaN;
        FloorWatch watch = new FloorWatch(quick ? 128L << 20 : 512L << 20, resolvedThreads);
        Map<String, Double> floors = new HashMap<>();
        List<Double> readings = new ArrayList<>(List.of(bandwidth));
        for (Case c : selected) {
            double floorBefore = watch.read();
            double ms = msenseIterationMs(c, options, warmup, repeats);
            double floorAfter = watch.read();
            readings.add(floorBefore);
            readings.add(floorAfter);
            floors.put(c.name(), FloorWatch.during(floorBefore, floorAfter));
            String floorLine = FloorWatch.describe(c.name(), floorBefore, floorAfter);
            header.add(floorLine);
            out.println("  " + floorLine);
            if (peer == null || c.kind() == OperatorKind.RANK_ONE) {
                rows.add(new Row(c, ms, "", Double.NaN));
            } else if (c.kind() != OperatorKind.GAUSSIAN) {
                String script = c.kind() == OperatorKind.HADAMARD ? "hadamard_peer.py" : "completion_peer.py";
                rows.add(new Row(c, ms, "NumPy " + script, peer.scriptIterationMs(script, c.n(), c.rank(), c.m(), c.k(),
                        Math.min(warmup, 2), Math.min(repeats, 5))));
            } else if (c.batch() == 1) {
                double p = peer.iterationMs(c.n(), c.n(), c.rank(), c.m(), c.k(), 1, c.peerDtype(), warmup, repeats);
                if (c.name().equals("dense-fp64")) {
                    denseSingleNumpy = p;
                }
                rows.add(new Row(c, ms, "NumPy " + c.peerDtype(), p));
            } else {
                if (Double.isNaN(denseSingleNumpy)) {
                    denseSingleNumpy = peer.iterationMs(c.n(), c.n(), c.rank(), c.m(), c.k(), 1, c.peerDtype(), warmup, repeats);
                }
                rows.add(new Row(c, ms, c.batch() + " NumPy runs in sequence", c.batch() * denseSingleNumpy));
                double p = peer.iterationMs(c.n(), c.n(), c.rank(), c.m(), c.k(), c.batch(), c.peerDtype(), warmup, repeats);
                rows.add(new Row(c, ms, "NumPy A @ X, " + c.batch() + " columns", p));
            }
            out.println(String.format(Locale.ROOT, "  %-17s %8.2f ms/iteration", c.name(), ms));
            out.flush();
        }
        String runFloor = FloorWatch.summary(readings);
        header.add(runFloor);
        out.println("  " + runFloor);
        if (peer != null) {
            String numpyEnd = numpyFloorLine(peer, firstDense, floorBytes, FloorWatch.best(readings),
                    "NumPy A @ x read rate at the end", "the run's best floor");
            header.add(numpyEnd);
            out.println("  " + numpyEnd);
        }
        String table = table(rows, floors, bandwidth, gemmPeak);
        for (Row r : rows) {
            if (r.c().kind() == OperatorKind.RANK_ONE) {
                double gemm = engineGemmGflops(options, quick ? 200 : 1000) * 1e9;
                double gemmMs = r.c().flops() / gemm * 1e3;
                table += String.format(Locale.ROOT, "%nrank-one: %.1f ms/iteration for %.3g GFLOP of products; the engine's"
                        + " own fp64 GEMM (%d³, Engine.gemm, best of 3) runs %.1f GFLOP/s, i.e. %.1f ms for those flops:"
                        + " %.2f× the GEMM time%n", r.ms(), r.c().flops() / 1e9, quick ? 200 : 1000, gemm / 1e9, gemmMs,
                        r.ms() / gemmMs);
            }
        }
        out.println();
        out.print(table);
        writeMarkdown(header, table);
        return 0;
    }

    /**
     * NumPy's own {@code A @ x} read rate on an fp64 A with the columns of {@code c}'s dense operator (10,000 when no
     * dense Gaussian case is selected: the structured operators have no A to multiply) and at least its rows, at least
     * {@code minBytes} large (so that it streams from memory as the floor does), beside the floor: the floor is
     * trustworthy when the two agree within {@value FloorWatch#DRIFT_PERCENT}%. The line starts with {@code label}
     * and names the floor {@code floorName}.
     */
    private static String numpyFloorLine(NumpyPeer peer, Case c, long minBytes, double bandwidth, String label,
            String floorName) throws IOException {
        int cols = c != null ? c.n() * c.n() : 10_000;
        int rows = (int) Math.max(c != null ? c.m() : 0, minBytes / 8 / cols);
        double rate = peer.matvecBytesPerSecond(rows, cols, "float64", 3, 15);
        return String.format(Locale.ROOT, "%s: %.1f GB/s (%d×%d float64, best of 15): %.2f× %s%s", label, rate / 1e9,
                rows, cols, rate / bandwidth, floorName,
                Math.abs(rate - bandwidth) > FloorWatch.DRIFT_PERCENT / 100.0 * bandwidth
                        ? " — differs by more than " + FloorWatch.DRIFT_PERCENT + "%" : "");
    }

    private void writeMarkdown(List<String> header, String table) throws IOException {
        if (markdown != null) {
            StringBuilder md = new StringBuilder();
            List<String> shown = shownArguments(spec.commandLine().getParseResult().originalArgs());
            md.append("Command: `msense bench").append(shown.isEmpty() ? "" : " " + String.join(" ", shown)).append("`\n\n");
            for (String h : header) {
                md.append("- ").append(h).append('\n');
            }
            md.append('\n').append(table);
            Files.writeString(markdown, md.toString(), StandardCharsets.UTF_8);
            out.println("table written to " + markdown);
        }
    }

    /**
     * The arguments of this command as given, less {@code --markdown FILE} (the output file is not part of the
     * measurement).
     */
    private List<String> shownArguments(List<String> original) {
        List<String> shown = new ArrayList<>(original.subList(original.indexOf(spec.name()) + 1, original.size()));
        for (int i = 0; i < shown.size(); i++) {
            if (shown.get(i).equals(MARKDOWN)) {
                shown.subList(i, Math.min(i + 2, shown.size())).clear();
                i--;
            } else if (shown.get(i).startsWith(MARKDOWN + "=")) {
                shown.remove(i--);
            }
        }
        return shown;
    }

    /** The table in Markdown (readable as text too). */
    static String table(List<Row> rows, double bandwidth, double gemmPeak) {
        return table(rows, Map.of(), bandwidth, gemmPeak);
    }

    /**
     * The table, each case set against its own floor in {@code floors} (by case name; {@link FloorWatch}), or
     * against {@code bandwidth} when it has none.
     */
    static String table(List<Row> rows, Map<String, Double> floors, double defaultBandwidth, double gemmPeak) {
        StringBuilder sb = new StringBuilder();
        sb.append("| case | problem | B | 𝒜 MB | ms/iteration | GB/s | floor ms | ×floor | GFLOP/s | % peak | peer | peer ms/iteration | speed-up |\n");
        sb.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|\n");
        for (Row r : rows) {
            Case c = r.c();
            double bytes = c.operatorBytes();
            double floorMs = c.floorBytes() / floors.getOrDefault(c.name(), defaultBandwidth) * 1e3;
            double gflops = c.flops() / (r.ms() * 1e-3) / 1e9;
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.2f | %.1f | %.2f | %.2f | %.1f | %s | %s | %s | %s |%n",
                    c.name(), c.describe(), c.batch(), bytes / 1e6, r.ms(), c.floorBytes() / (r.ms() * 1e-3) / 1e9, floorMs,
                    r.ms() / floorMs, gflops, Double.isNaN(gemmPeak) ? "–" : String.format(Locale.ROOT, "%.0f%%",
                            100 * gflops * 1e9 / gemmPeak),
                    r.peer().isEmpty() ? "–" : r.peer(),
                    Double.isNaN(r.peerMs()) ? "–" : String.format(Locale.ROOT, "%.2f", r.peerMs()),
                    Double.isNaN(r.peerMs()) ? "–" : String.format(Locale.ROOT, "%.2f×", r.peerMs() / r.ms())));
        }
        return sb.toString();
    }

    /**
     * Median wall time of one full iteration of {@link FactorizedGradientDescent} on the case, after
     * {@code warmup} untimed iterations: the times between consecutive progress callbacks, which bracket
     * exactly one step (the CPU engine is synchronous).
     */
    static double msenseIterationMs(Case c, EngineOptions options, int warmup, int repeats) {
        return iterationMs("cpu", c, options, warmup, repeats);
    }

    /**
     * Median wall time of one iteration on backend {@code id}; each progress callback first waits for the device
     * ({@link Engine#synchronize}, a no-op on the CPU), so on a GPU every interval is one iteration's device time.
     */
    static double iterationMs(String id, Case c, EngineOptions options, int warmup, int repeats) {
        ProblemSpec problem = new ProblemSpec(c.n(), c.n(), c.rank(), 1.0, 1.0, c.m(), c.kind(), 0.0, 1);
        ModelSpec model = new ModelSpec(c.k(), InitNormalization.PER_WIDTH, c.precision(), c.operator());
        int iterations = warmup + repeats + 1;
        AlgorithmSpec algorithm = new AlgorithmSpec(iterations, iterations, 0.0, 0);
        List<TrajectorySpec> trajectories = new ArrayList<>();
        for (int b = 0; b < c.batch(); b++) {
            double alpha = c.batch() == 1 ? 1e-3 : Math.pow(10, -1 - 3.0 * b / (c.batch() - 1));
            trajectories.add(new TrajectorySpec(1, alpha, alpha, 0.25));
        }
        BatchSpec spec = new BatchSpec(problem, model, algorithm, trajectories);
        long[] stamps = new long[iterations + 1];
        try (Engine engine = Backends.select(id, Backends.discover()).backend().open(options)) {
            SensingProblem p = SensingProblem.generate(engine, problem, c.precision(), c.operator());
            HostFactors init = HostFactors.drawInitial(trajectories, c.n(), c.n(), c.k(), model.normalization());
            try (FactorizedGradientDescent gd = new FactorizedGradientDescent(p, spec, init)) {
                // the previous problem's arrays (GBs) are garbage now: collect them before timing, so no
                // collector cycle competes with the iterations for the cores
                System.gc();
                gd.run(new RunObserver() {
                    @Override
                    public void onProgress(int t, int total) {
                        engine.synchronize();
                        stamps[t] = System.nanoTime();
                    }
                }, () -> false);
            }
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            ms[i] = (stamps[warmup + i + 1] - stamps[warmup + i]) / 1e6;
        }
        Arrays.sort(ms);
        return repeats % 2 == 1 ? ms[repeats / 2] : (ms[repeats / 2 - 1] + ms[repeats / 2]) / 2;
    }

    /**
     * The cpu backend's fp64 GEMM rate in GFLOP/s: an n×n by n×n product through {@link Engine#gemm} (the same
     * blocked products the engine uses), best of 3 after one untimed product.
     */
    static double engineGemmGflops(EngineOptions options, int n) {
        try (Engine engine = Backends.select("cpu", Backends.discover()).backend().open(options)) {
            org.msense.core.backend.MatrixBatch a = engine.allocate(Precision.FP64, 1, n, n);
            org.msense.core.backend.MatrixBatch b = engine.allocate(Precision.FP64, 1, n, n);
            org.msense.core.backend.MatrixBatch c = engine.allocate(Precision.FP64, 1, n, n);
            engine.fillGaussian(new org.msense.core.rng.GaussianStream(1, org.msense.core.rng.StreamPurpose.INIT_V, 0), 1, a);
            engine.fillGaussian(new org.msense.core.rng.GaussianStream(1, org.msense.core.rng.StreamPurpose.INIT_W, 0), 1, b);
            engine.gemm(1, a, org.msense.core.backend.Transpose.NONE, b, org.msense.core.backend.Transpose.NONE, 0, c);
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                engine.gemm(1, a, org.msense.core.backend.Transpose.NONE, b, org.msense.core.backend.Transpose.NONE, 0, c);
                engine.synchronize();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    /** CPU model and core count, from /proc/cpuinfo where there is one. */
    static String machine() {
        String model = System.getProperty("os.arch");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture name stands in
        }
        int cores = Runtime.getRuntime().availableProcessors();
        boolean hugePages = HugePages.inUse();
        return model + ", " + cores + " core" + (cores == 1 ? "" : "s") + ", "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB Java heap"
                + (hugePages ? " on transparent huge pages" : " on 4 KiB pages (no -XX:+UseTransparentHugePages)");
    }
}
