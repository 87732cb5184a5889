using System.Diagnostics;
using System.Diagnostics.Tracing;
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
//   measure pair THREADS MS           the same loop calling CallBench.Target::Pair(int x, long y)
//                                     (the watch benchmark's two-argument method)
//   measure async_sync THREADS MS     the same loop calling CallBench.AsyncTarget::SyncCompleted, an
//                                     async method that completes synchronously (no await reached),
//                                     and reading its task's result
//   measure yielding|manual_yielding CHAINS MS
//                                     CHAINS async loops on the thread pool, each awaiting
//                                     AsyncTarget::Yielding (awaits Task.Yield()) or its
//                                     hand-instrumented twin Manual::YieldingAsync, until the
//                                     process has used MS ms of CPU; ns_per_call is then process
//                                     CPU time per call (the calls hop between pool threads).
//                                     Every result also gives bytes_per_call: bytes allocated by
//                                     the whole process (GC.GetTotalAllocatedBytes(precise)) per call.
//   alloc-types KIND MS               measure KIND (1 thread or chain) while an EventListener
//                                     samples the runtime's GCAllocationTick events (about one per
//                                     100 KB allocated, naming the type of the object that crossed
//                                     it); prints "types {json}": per type, samples and object size
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

    // The watched method of the watch benchmark: two arguments, so `watch --args` captures two.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Pair(int x, long y) => x * 31 + (int)y;
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

    static readonly Counter<long> YieldingCalls = Meter.CreateCounter<long>("yielding.calls");
    static readonly Counter<long> YieldingExceptions = Meter.CreateCounter<long>("yielding.exceptions");
    static readonly Histogram<double> YieldingLatency = Meter.CreateHistogram<double>("yielding.duration", "ns");

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

    // AsyncTarget::Yielding instrumented the same way: the timestamp is taken at the call,
    // and the code after the await (the method's continuation) records the elapsed time.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> YieldingAsync(int x)
    {
        long start = Stopwatch.GetTimestamp();
        YieldingCalls.Add(1);
        try
        {
            await Task.Yield();
            return x + 1;
        }
        catch
        {
            YieldingExceptions.Add(1);
            throw;
        }
        finally
        {
            YieldingLatency.Record(Stopwatch.GetElapsedTime(start).TotalNanoseconds);
        }
    }
}

// The async methods of the async rows, probed like Target::Work.
public static class AsyncTarget
{
    // Completes synchronously for x >= 0 (every call of the benchmark): its task is
    // complete when it returns.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> SyncCompleted(int x)
    {
        if (x < 0) await Task.Yield();
        return x + 1;
    }

    // Always suspends: the rest runs on the thread pool and completes the task there.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> Yielding(int x)
    {
        await Task.Yield();
        return x + 1;
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

    const int ClockProcessCputimeId = 2;
    const int ClockThreadCputimeId = 3;

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out Timespec ts);

    // CPU time used by the calling thread, in ns.
    public static long ThreadNs() => Read(ClockThreadCputimeId);

    // CPU time used by the whole process (every thread), in ns.
    public static long ProcessNs() => Read(ClockProcessCputimeId);

    static long Read(int clock)
    {
        ClockGetTime(clock, out Timespec ts);
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

// What a measuring loop calls, as a struct: each Loops.Run<T> is compiled for its own T, with
// the call made directly in the loop (no delegate).
public interface ICall
{
    static abstract int Call(int x);
}

public struct WorkCall : ICall
{
    public static int Call(int x) => Target.Work(x);
}

public struct PairCall : ICall
{
    public static int Call(int x) => Target.Pair(x, 7);
}

public struct ManualCall : ICall
{
    public static int Call(int x) => Manual.Work(x);
}

public struct NativeTransitionCall : ICall
{
    public static int Call(int x) => NativeCall.WorkWithTransition(x);
}

public struct NativeSuppressedCall : ICall
{
    public static int Call(int x) => NativeCall.WorkSuppressed(x);
}

// The task is complete when SyncCompleted returns: reading its result does not block.
public struct SyncCompletedCall : ICall
{
    public static int Call(int x) => AsyncTarget.SyncCompleted(x).GetAwaiter().GetResult();
}

public static class Loops
{
    public static volatile int Sink;
    const int Chunk = 20_000;
    const int AsyncChunk = 2_000;

    // Calls T.Call in a tight loop until the calling thread has used endCpuNs of CPU.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Run<T>(long endCpuNs) where T : struct, ICall
    {
        long calls = 0;
        int acc = 0;
        do
        {
            for (int i = 0; i < Chunk; i++) acc += T.Call(i);
            calls += Chunk;
        } while (CpuClock.ThreadNs() < endCpuNs);
        Sink = acc;
        return calls;
    }

    // Awaits `method` call after call until the process has used endProcessNs of CPU. Each
    // call that suspends resumes this loop on whichever pool thread completes its task.
    public static async Task<long> Chain(Func<int, Task<int>> method, long endProcessNs)
    {
        long calls = 0;
        int acc = 0;
        while (CpuClock.ProcessNs() < endProcessNs)
        {
            for (int i = 0; i < AsyncChunk; i++) acc += await method(i);
            calls += AsyncChunk;
        }
        Sink = acc;
        return calls;
    }
}

// Samples the runtime's GCAllocationTick events (GC keyword, verbose): one about every
// 100 KB allocated, naming the type and size of the object whose allocation crossed it, so
// a type's share of the samples estimates its share of the bytes allocated.
public sealed class AllocationSampler : EventListener
{
    const EventKeywords GcKeyword = (EventKeywords)0x1;
    static readonly object Gate = new();
    static readonly Dictionary<string, (long Samples, long Size)> Types = new();

    public AllocationSampler()
    {
        lock (Gate) Types.Clear();
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick") || e.PayloadNames is null) return;
        int typeAt = e.PayloadNames.IndexOf("TypeName");
        int sizeAt = e.PayloadNames.IndexOf("ObjectSize");
        string type = typeAt >= 0 ? e.Payload?[typeAt]?.ToString() ?? "?" : "?";
        long size = sizeAt >= 0 ? Convert.ToInt64(e.Payload?[sizeAt] ?? 0L) : 0;
        lock (Gate)
        {
            Types.TryGetValue(type, out var seen);
            Types[type] = (seen.Samples + 1, size);
        }
    }

    public Dictionary<string, (long Samples, long Size)> Snapshot()
    {
        lock (Gate) return new(Types);
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
            case "alloc-types":
                return AllocationTypes(w[1], int.Parse(w[2]));
            case "wide":  // three of the 10,000 Bench.Wide methods, N times each
            {
                int n = int.Parse(w[1]), acc = 0;
                for (int i = 0; i < n; i++) acc += Bench.Wide.W00000(i) + Bench.Wide.W05000(i) + Bench.Wide.W09999(i);
                Loops.Sink = acc;
                return "ok";
            }
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

    readonly record struct Measured(long Calls, double NsPerCall, double WallNsPerCall, double BytesPerCall);

    static string Measure(string kind, int threads, int ms)
    {
        Measured m = MeasureKind(kind, threads, ms);
        return $"result kind={kind} threads={threads} calls={m.Calls} ns_per_call={m.NsPerCall:F3} " +
               $"wall_ns_per_call={m.WallNsPerCall:F3} bytes_per_call={m.BytesPerCall:F3}";
    }

    static Measured MeasureKind(string kind, int threads, int ms)
    {
        long bytes0 = GC.GetTotalAllocatedBytes(precise: true);
        (long calls, double nsPerCall, double wallNsPerCall) = kind switch
        {
            "yielding" => MeasureChains(AsyncTarget.Yielding, threads, ms),
            "manual_yielding" => MeasureChains(Manual.YieldingAsync, threads, ms),
            _ => MeasureThreads(kind switch
            {
                "plain" => Loops.Run<WorkCall>,
                "pair" => Loops.Run<PairCall>,
                "manual" => Loops.Run<ManualCall>,
                "native" => Loops.Run<NativeTransitionCall>,
                "native_suppress" => Loops.Run<NativeSuppressedCall>,
                "async_sync" => Loops.Run<SyncCompletedCall>,
                _ => throw new ArgumentException($"unknown kind '{kind}'"),
            }, threads, ms),
        };
        double bytesPerCall = (GC.GetTotalAllocatedBytes(precise: true) - bytes0) / (double)calls;
        return new Measured(calls, nsPerCall, wallNsPerCall, bytesPerCall);
    }

    // Per thread: thread CPU time and wall time per call, averaged over the threads.
    static (long, double, double) MeasureThreads(Func<long, long> loop, int threads, int ms)
    {
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
        return (calls.Sum(), nsPerCall / threads, wallNsPerCall / threads);
    }

    // Async chains on the thread pool: process CPU time (every thread: the pool's, the GC's)
    // and wall time per call, over all calls of all chains.
    static (long, double, double) MeasureChains(Func<int, Task<int>> method, int chains, int ms)
    {
        long t0 = Stopwatch.GetTimestamp();
        long c0 = CpuClock.ProcessNs();
        var tasks = new Task<long>[chains];
        for (int c = 0; c < chains; c++) tasks[c] = Task.Run(() => Loops.Chain(method, c0 + ms * 1_000_000L));
        Task.WaitAll(tasks);
        long cpuNs = CpuClock.ProcessNs() - c0;
        double wallNs = (Stopwatch.GetTimestamp() - t0) * (1e9 / Stopwatch.Frequency);
        long calls = tasks.Sum(t => t.Result);
        return (calls, (double)cpuNs / calls, wallNs / calls);
    }

    // One measurement of KIND (1 thread or chain) while GCAllocationTick events are sampled.
    static string AllocationTypes(string kind, int ms)
    {
        using var sampler = new AllocationSampler();
        Measured m = MeasureKind(kind, 1, ms);
        Thread.Sleep(1000);  // the listener receives the runtime's events with a delay
        var types = sampler.Snapshot()
            .OrderByDescending(t => t.Value.Samples)
            .Select(t => new Dictionary<string, object> { ["type"] = t.Key, ["samples"] = t.Value.Samples, ["size"] = t.Value.Size })
            .ToList();
        var reply = new Dictionary<string, object>
        {
            ["kind"] = kind, ["calls"] = m.Calls, ["bytes_per_call"] = m.BytesPerCall, ["types"] = types,
        };
        return "types " + System.Text.Json.JsonSerializer.Serialize(reply);
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
