using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OpenTelemetry;
using OpenTelemetry.Metrics;

// The per-call and ReJIT benchmark program, driven by bench/run.
//
// Prints "ready pid=<pid>", then reads one command per line on stdin and answers each
// with one line (errors as "error <text>"):
//   measure plain|manual THREADS MS   call CallBench.Target::Work (plain) or the
//                                     hand-instrumented CallBench.Manual::Work (manual) in a
//                                     tight loop on THREADS threads until each thread has used
//                                     MS ms of CPU; prints "result kind=.. threads=N calls=N
//                                     ns_per_call=X wall_ns_per_call=Y": ns of thread CPU time
//                                     per call (mean over threads) and the same in wall time.
//                                     CPU time keeps the figure meaningful on a busy machine,
//                                     where a thread is often descheduled.
//   measure native|native_suppress THREADS MS
//                                     the same loop calling a small method whose body calls
//                                     libc abs() through an unmanaged function pointer, with the
//                                     GC transition (native) or SuppressGCTransition: what one
//                                     hit-path calli costs
//   otel                              starts the OpenTelemetry MeterProvider that listens to
//                                     the meter of Manual::Work (prints "otel ready")
//   spin plain|gen THREADS            background threads call Target::Work (plain) or every
//                                     generated method, round robin (gen), until stop-spin
//   stop-spin                         prints "stopped iterations=N"
//   quit                              (or end of input) exits 0
// The same process is measured in phases: bench/run adds and removes probes between commands.
namespace CallBench;

public static class Target
{
    // The probed method: small, never inlined.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Work(int x) => x * 31 + 7;
}

// The same method instrumented by hand the usual way: a Counter for calls and one for
// exceptions, a Histogram for the latency (Stopwatch), exported by OpenTelemetry.
public static class Manual
{
    public const string MeterName = "CallBench.Manual";
    static readonly Meter Meter = new(MeterName);
    static readonly Counter<long> Calls = Meter.CreateCounter<long>("work.calls");
    static readonly Counter<long> Exceptions = Meter.CreateCounter<long>("work.exceptions");
    static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("work.duration", "ns");

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Work(int x)
    {
        long start = Stopwatch.GetTimestamp();
        Calls.Add(1);
        try
        {
            return x * 31 + 7;
        }
        catch
        {
            Exceptions.Add(1);
            throw;
        }
        finally
        {
            Latency.Record(Stopwatch.GetElapsedTime(start).TotalNanoseconds);
        }
    }
}

public static class CpuClock
{
    [StructLayout(LayoutKind.Sequential)]
    struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    const int ClockThreadCputimeId = 3;

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out Timespec ts);

    // CPU time used by the calling thread, in ns.
    public static long ThreadNs()
    {
        ClockGetTime(ClockThreadCputimeId, out Timespec ts);
        return ts.Seconds * 1_000_000_000 + ts.Nanoseconds;
    }
}

// An unmanaged function pointer to libc abs(): the cost of a calli like the hit path's.
public static unsafe class NativeCall
{
    public static readonly delegate* unmanaged[Cdecl]<int, int> Abs =
        (delegate* unmanaged[Cdecl]<int, int>)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "abs");
    public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<int, int> AbsNoTransition =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<int, int>)Abs;

    // Same shape as an instrumented method: a small method whose body makes the calli, so
    // the inlined P/Invoke frame is set up on every call (not hoisted out of a loop).
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int WorkWithTransition(int x) => Abs(x) * 31 + 7;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int WorkSuppressed(int x) => AbsNoTransition(x) * 31 + 7;
}

public static class Loops
{
    public static volatile int Sink;
    const int Chunk = 20_000;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Plain(long endCpuNs)
    {
        long calls = 0;
        int acc = 0;
        do
        {
            for (int i = 0; i < Chunk; i++) acc += Target.Work(i);
            calls += Chunk;
        } while (CpuClock.ThreadNs() < endCpuNs);
        Sink = acc;
        return calls;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Manual(long endCpuNs)
    {
        long calls = 0;
        int acc = 0;
        do
        {
            for (int i = 0; i < Chunk; i++) acc += CallBench.Manual.Work(i);
            calls += Chunk;
        } while (CpuClock.ThreadNs() < endCpuNs);
        Sink = acc;
        return calls;
    }
}

public static unsafe class NativeLoops
{
    const int Chunk = 20_000;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long WithTransition(long endCpuNs)
    {
        long calls = 0;
        int acc = 0;
        do
        {
            for (int i = 0; i < Chunk; i++) acc += NativeCall.WorkWithTransition(i);
            calls += Chunk;
        } while (CpuClock.ThreadNs() < endCpuNs);
        Loops.Sink = acc;
        return calls;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Suppressed(long endCpuNs)
    {
        long calls = 0;
        int acc = 0;
        do
        {
            for (int i = 0; i < Chunk; i++) acc += NativeCall.WorkSuppressed(i);
            calls += Chunk;
        } while (CpuClock.ThreadNs() < endCpuNs);
        Loops.Sink = acc;
        return calls;
    }
}

public static class Program
{
    static MeterProvider? meterProvider;
    static readonly List<Metric> exported = new();
    static volatile bool spinning;
    static long spinIterations;
    static readonly List<Thread> spinThreads = new();

    public static int Main()
    {
        Console.WriteLine($"ready pid={Environment.ProcessId}");
        string? line;
        while ((line = Console.ReadLine()) is not null)
        {
            string[] w = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (w.Length == 0) continue;
            if (w[0] == "quit") break;
            try
            {
                Console.WriteLine(Execute(w));
            }
            catch (Exception e)
            {
                Console.WriteLine($"error {w[0]}: {e.GetType().Name}: {e.Message}");
            }
        }
        StopSpin();
        meterProvider?.Dispose();
        return 0;
    }

    static string Execute(string[] w)
    {
        switch (w[0])
        {
            case "measure":
                return Measure(w[1], int.Parse(w[2]), int.Parse(w[3]));
            case "otel":
                meterProvider ??= Sdk.CreateMeterProviderBuilder()
                    .AddMeter(Manual.MeterName)
                    .AddInMemoryExporter(exported, o => o.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 1000)
                    .Build();
                return "otel ready";
            case "spin":
                StartSpin(w[1], int.Parse(w[2]));
                return "spinning";
            case "stop-spin":
                return $"stopped iterations={StopSpin()}";
            default:
                throw new ArgumentException($"unknown command '{w[0]}'");
        }
    }

    static string Measure(string kind, int threads, int ms)
    {
        Func<long, long> loop = kind switch
        {
            "plain" => Loops.Plain,
            "manual" => Loops.Manual,
            "native" => NativeLoops.WithTransition,
            "native_suppress" => NativeLoops.Suppressed,
            _ => throw new ArgumentException($"unknown kind '{kind}'"),
        };
        var calls = new long[threads];
        var ticks = new long[threads];
        var cpuNs = new long[threads];
        using var start = new Barrier(threads);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                long t0 = Stopwatch.GetTimestamp();
                long c0 = CpuClock.ThreadNs();
                calls[id] = loop(c0 + ms * 1_000_000L);
                cpuNs[id] = CpuClock.ThreadNs() - c0;
                ticks[id] = Stopwatch.GetTimestamp() - t0;
            }) { IsBackground = true, Name = $"measure-{t}" };
            workers[t].Start();
        }
        foreach (Thread t in workers) t.Join();
        double nsPerCall = 0, wallNsPerCall = 0;
        for (int t = 0; t < threads; t++)
        {
            nsPerCall += (double)cpuNs[t] / calls[t];
            wallNsPerCall += ticks[t] * (1e9 / Stopwatch.Frequency) / calls[t];
        }
        nsPerCall /= threads;
        wallNsPerCall /= threads;
        return $"result kind={kind} threads={threads} calls={calls.Sum()} ns_per_call={nsPerCall:F3} wall_ns_per_call={wallNsPerCall:F3}";
    }

    static void StartSpin(string what, int threads)
    {
        if (spinning) throw new InvalidOperationException("already spinning");
        spinning = true;
        spinIterations = 0;
        for (int t = 0; t < threads; t++)
        {
            var thread = new Thread(what switch
            {
                "plain" => SpinPlain,
                "gen" => SpinGenerated,
                _ => throw new ArgumentException($"unknown spin '{what}'"),
            }) { IsBackground = true, Name = $"spin-{t}" };
            spinThreads.Add(thread);
            thread.Start();
        }
    }

    static long StopSpin()
    {
        spinning = false;
        foreach (Thread t in spinThreads) t.Join();
        spinThreads.Clear();
        return Interlocked.Read(ref spinIterations);
    }

    static void SpinPlain()
    {
        int acc = 0;
        while (spinning)
        {
            for (int i = 0; i < 1000; i++) acc += Target.Work(i);
            Interlocked.Increment(ref spinIterations);
        }
        Loops.Sink = acc;
    }

    static void SpinGenerated()
    {
        int acc = 0;
        for (int i = 0; spinning; i++)
        {
            acc += Bench.GenA.CallAll(i) + Bench.GenB.CallAll(i) + Bench.Solo.CallAll(i);
            Interlocked.Increment(ref spinIterations);
        }
        Loops.Sink = acc;
    }
}
