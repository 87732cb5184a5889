using System.Runtime.CompilerServices;

namespace Scenarios;

// Methods that throw. "Escaping" exceptions are the ones that leave the method; the ones a
// method handles itself must not be counted by the probe.

public static class Thrower
{
    public static int FinallyRuns;
    public static int HandledInside;
    public static int RethrowCatches;

    // Throws on every call.
    public static int Fail(int i) => throw new InvalidOperationException($"fail {i}");

    // Throws (for even i) from inside its own try/finally; the finally always runs.
    public static int FailInFinally(int i)
    {
        int r = 0;
        try
        {
            r = i * 2;
            if (i % 2 == 0) throw new ArgumentException($"even {i}");
            return r;
        }
        finally
        {
            FinallyRuns++;
        }
    }

    // Throws a FormatException on every call and handles it itself; for i % 5 == 0 an
    // InvalidOperationException escapes instead.
    public static int HandleSome(int i)
    {
        try
        {
            if (i % 5 == 0) throw new InvalidOperationException($"escape {i}");
            throw new FormatException($"handled {i}");
        }
        catch (FormatException)
        {
            HandledInside++;
            return -i;
        }
    }

    // Does not throw itself: the exception of Deep passes through.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Passthrough(int i) => Deep(i) + 1;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Deep(int i) => throw new NotSupportedException($"deep {i}");

    // Catches, then rethrows with `throw;`.
    public static int Rethrow(int i)
    {
        try
        {
            throw new TimeoutException($"timeout {i}");
        }
        catch (TimeoutException)
        {
            RethrowCatches++;
            throw;
        }
    }
}

internal static class ThrowsScenario
{
    public static int Run()
    {
        int caught = 0;
        caught += Drive("Fail", 40, Thrower.Fail);
        caught += Drive("FailInFinally", 30, Thrower.FailInFinally);
        caught += Drive("HandleSome", 50, Thrower.HandleSome);
        caught += Drive("Passthrough", 20, Thrower.Passthrough);
        caught += Drive("Rethrow", 10, Thrower.Rethrow);
        Console.WriteLine($"caught {caught}, finally runs {Thrower.FinallyRuns}, handled inside {Thrower.HandledInside}, rethrow catches {Thrower.RethrowCatches}");
        Expect.Calls("Scenarios.Thrower::Fail", 40);
        Expect.Exceptions("Scenarios.Thrower::Fail", 40);
        Expect.Calls("Scenarios.Thrower::FailInFinally", 30);
        Expect.Exceptions("Scenarios.Thrower::FailInFinally", 15);
        Expect.Calls("Scenarios.Thrower::HandleSome", 50);
        Expect.Exceptions("Scenarios.Thrower::HandleSome", 10);
        Expect.Calls("Scenarios.Thrower::Passthrough", 20);
        Expect.Exceptions("Scenarios.Thrower::Passthrough", 20);
        Expect.Calls("Scenarios.Thrower::Deep", 20);
        Expect.Exceptions("Scenarios.Thrower::Deep", 20);
        Expect.Calls("Scenarios.Thrower::Rethrow", 10);
        Expect.Exceptions("Scenarios.Thrower::Rethrow", 10);
        return 0;
    }

    // Calls target(0..count-1), prints every caught exception (type + message) and the
    // sum of normal results; returns the number of caught exceptions.
    private static int Drive(string name, int count, Func<int, int> target)
    {
        int caught = 0;
        long results = 0;
        for (int i = 0; i < count; i++)
        {
            try
            {
                results += target(i);
            }
            catch (Exception e)
            {
                caught++;
                Console.WriteLine($"{name}({i}) threw {e.GetType().FullName}: {e.Message}");
            }
        }
        Console.WriteLine($"{name}: calls {count} caught {caught} results {results}");
        return caught;
    }
}

public static class Handlers
{
    public static int FinallyCount;
    public static int CaughtInside;

    // Own try/catch/finally with filters (`when`). Escapes: InvalidOperationException whose
    // filter fails, and KeyNotFoundException for odd i.
    public static int Process(int i)
    {
        int result = 0;
        try
        {
            try
            {
                switch (i % 5)
                {
                    case 0: throw new ArgumentException($"arg {i}");
                    case 1: throw new InvalidOperationException($"code {i % 3}");
                    case 2: throw new KeyNotFoundException($"key {i}");
                    default: result = i; break;
                }
            }
            catch (ArgumentException)
            {
                CaughtInside++;
                result = -1;
            }
            catch (InvalidOperationException e) when (e.Message.EndsWith('0'))
            {
                CaughtInside++;
                result = -2;
            }
            finally
            {
                FinallyCount++;
            }
        }
        catch (KeyNotFoundException) when (i % 2 == 0)
        {
            CaughtInside++;
            result = -3;
        }
        return result;
    }
}

internal static class HandlersScenario
{
    public static int Run()
    {
        var escaped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long results = 0;
        for (int i = 0; i < 200; i++)
        {
            try
            {
                results += Handlers.Process(i);
            }
            catch (Exception e)
            {
                string type = e.GetType().Name;
                escaped[type] = escaped.GetValueOrDefault(type) + 1;
            }
        }
        int total = 0;
        foreach (var (type, n) in escaped)
        {
            Console.WriteLine($"escaped {type} {n}");
            total += n;
        }
        Console.WriteLine($"results {results}, finally {Handlers.FinallyCount}, caught inside {Handlers.CaughtInside}");
        Expect.Calls("Scenarios.Handlers::Process", 200);
        Expect.Exceptions("Scenarios.Handlers::Process", total);
        return 0;
    }
}
