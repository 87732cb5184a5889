using System.Runtime.CompilerServices;

namespace AsyncScenarios;

// The methods whose calls, faulted and cancelled tasks the counts test checks, one selector
// each ("AsyncScenarios.Counted::VoidTask", ...). Every async one follows Step's pattern.
public static class Counted
{
    public static async Task VoidTask(int i, CancellationToken token)
    {
        await Step.Pause(i);
        Step.Finish(i, token);
    }

    public static async Task<int> IntTask(int i, CancellationToken token)
    {
        await Step.Pause(i);
        return Step.Finish(i, token);
    }

    public static async ValueTask VoidValueTask(int i, CancellationToken token)
    {
        await Step.Pause(i);
        Step.Finish(i, token);
    }

    public static async ValueTask<int> IntValueTask(int i, CancellationToken token)
    {
        await Step.Pause(i);
        return Step.Finish(i, token);
    }

    // Backed by pooled IValueTaskSource boxes, reused across calls: a measurement that kept
    // or re-read the ValueTask after its consumer awaited it would see another call's state.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> PooledValueTask(int i, CancellationToken token)
    {
        await Step.Pause(i);
        return Step.Finish(i, token);
    }

    // Faults or is cancelled before its first await: the exception goes into the returned
    // task (nothing escapes the call itself).
    public static async Task<int> ThrowBeforeAwait(int i, CancellationToken token)
    {
        if (i % 3 == 0) throw new InvalidOperationException($"early {i}");
        token.ThrowIfCancellationRequested();
        await Task.Yield();
        return i;
    }

    // Not async: returns the task of another method (Backend.Compute), measured all the same.
    public static Task<int> Forward(int i, CancellationToken token) => Backend.Compute(i, token);

    // Not async: i % 4 == 0 throws ArgumentException before any task exists (it escapes the
    // call), i % 4 == 1 returns an already faulted task, else a completed one.
    public static Task<int> ThrowSync(int i, CancellationToken token)
    {
        if (i % 4 == 0) throw new ArgumentException($"bad {i}", nameof(i));
        if (i % 4 == 1) return Task.FromException<int>(new InvalidOperationException($"faulted {i}"));
        return Task.FromResult(i);
    }

    // Not async: a cancelled token gives Task.FromCanceled.
    public static Task<int> FromCanceled(int i, CancellationToken token) =>
        token.IsCancellationRequested ? Task.FromCanceled<int>(token) : Task.FromResult(i);
}

// What Counted.Forward forwards to (not probed by the counts test).
public static class Backend
{
    public static async Task<int> Compute(int i, CancellationToken token)
    {
        await Step.Pause(i);
        return Step.Finish(i, token);
    }
}

// A generic method, instantiated over a value type and a reference type.
public static class Generic
{
    public static async Task<T> Echo<T>(T value, int i, CancellationToken token)
    {
        await Step.Pause(i);
        Step.Finish(i, token);
        return value;
    }
}

// A method of a generic class, instantiated over a value type and a reference type.
public sealed class Repo<T>(T seed)
{
    public async Task<T> Load(int i, CancellationToken token)
    {
        await Step.Pause(i);
        Step.Finish(i, token);
        return seed;
    }
}
