using System.Runtime.CompilerServices;

namespace AsyncScenarios;

public sealed class SemanticException(string message) : Exception(message);

// The methods whose behaviour, as seen by awaiting code, must not change under a probe.
// The semantics test probes them by name (and, in another run, every method of the app).
public static class Semantic
{
    public static readonly AsyncLocal<int> Local = new();
    public static readonly Task<int> Cached = Task.FromResult(5);

    public static async Task<int> Triple(int x)
    {
        await Task.Yield();
        return x * 3;
    }

    public static async ValueTask<string> Upper(string s)
    {
        await Task.Delay(1);
        return s.ToUpperInvariant();
    }

    // A result wider than a register pair.
    public static async Task<(long A, long B, decimal C, Guid D)> Wide(long a)
    {
        await Task.Yield();
        return (a, -a, a * 1.5m, new Guid(0x01020304, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14));
    }

    public static async Task<string?> Nothing()
    {
        await Task.Yield();
        return null;
    }

    public static async Task Fail(string message)
    {
        await Task.Yield();
        throw new SemanticException(message);
    }

    public static async ValueTask<int> FailValue()
    {
        await Task.Delay(1);
        throw new FormatException("bad format");
    }

    // Not async: the WhenAll task holds both exceptions; awaiting it throws the first.
    public static Task FailBoth() => Task.WhenAll(Fail("first"), Fail("second"));

    public static async Task<int> CancelAfterYield(CancellationToken token)
    {
        await Task.Yield();
        token.ThrowIfCancellationRequested();
        return 0;
    }

    // Not async: the exception escapes the call itself, before any task exists.
    public static Task<int> Validate(string? s) =>
        s is null ? throw new ArgumentNullException(nameof(s)) : Task.FromResult(s.Length);

    // Not async: hands back the very same task object.
    public static Task<int> ReturnCached() => Cached;

    // Reads the caller's AsyncLocal before and after an await, then changes it (which must
    // not flow back to the caller).
    public static async Task<string> ReadLocal()
    {
        int before = Local.Value;
        await Task.Yield();
        int after = Local.Value;
        Local.Value = -1;
        return $"before={before} after={after}";
    }

    // Three async frames above a synchronous thrower, for the awaited stack trace.
    public static async Task<int> Outer() => await Middle() + 1;

    private static async Task<int> Middle()
    {
        await Task.Yield();
        return await Inner() * 2;
    }

    private static async Task<int> Inner()
    {
        await Task.Yield();
        return Thrower.Throw("deep");
    }

    // Suspends once; under a single-threaded context/scheduler its continuation is queued there.
    public static async Task<int> YieldValue(int k)
    {
        await Task.Yield();
        return k;
    }

    // Resumes off the caller's context: its task completes on whichever thread completes gate.
    public static async Task<int> AwaitGateOffContext(Task<int> gate)
    {
        int v = await gate.ConfigureAwait(false);
        return v + 1;
    }

    public static async Task FaultUnobserved()
    {
        await Task.Yield();
        throw new SemanticException("never observed");
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> PooledSquare(int i)
    {
        if (i % 2 == 0) await Task.Yield();
        return i * i;
    }
}

public static class Thrower
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Throw(string message) => throw new SemanticException(message);
}
