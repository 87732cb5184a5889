using System.Runtime.CompilerServices;

namespace Everything;

// Exceptions thrown through several frames, filters, finally blocks, rethrow, aggregate
// exceptions from tasks: the results (and what is caught where) must not change under
// probes that count escaping exceptions.
public static class ExceptionsWorkload
{
    public sealed class WorkloadException : Exception
    {
        public WorkloadException(int code) : base($"code {code}") => Code = code;
        public int Code { get; }
    }

    public static IEnumerable<string> Run()
    {
        int caught = 0, filtered = 0, finallies = 0;
        long sum = 0;
        for (int i = 0; i < 200; i++)
        {
            try
            {
                sum += Level1(i, ref finallies);
            }
            catch (WorkloadException e) when (e.Code % 2 == 0)
            {
                filtered++;
                sum += e.Code;
            }
            catch (WorkloadException e)
            {
                caught++;
                sum -= e.Code;
            }
        }
        yield return $"thrown caught={caught} filtered={filtered} finallies={finallies} sum={sum}";

        string rethrown;
        try
        {
            Rethrow();
            rethrown = "none";
        }
        catch (InvalidOperationException e)
        {
            rethrown = $"{e.Message} inner={e.InnerException?.GetType().Name}";
        }
        yield return $"rethrow {rethrown}";

        var tasks = Enumerable.Range(0, 6).Select(i => Task.Run(() => i % 3 == 0 ? throw new WorkloadException(i) : i)).ToArray();
        string aggregate;
        try
        {
            Task.WaitAll(tasks);
            aggregate = "none";
        }
        catch (AggregateException e)
        {
            aggregate = $"inner={e.InnerExceptions.Count} codes={string.Join(",", e.InnerExceptions.OfType<WorkloadException>().Select(x => x.Code).Order())}";
        }
        yield return $"aggregate {aggregate} completed={tasks.Count(t => t.Status == TaskStatus.RanToCompletion)}";

        int parsed = 0, formatErrors = 0, overflows = 0;
        foreach (string s in new[] { "1", "x", "99999999999", "42", "", "-3" })
        {
            try
            {
                parsed += int.Parse(s);
            }
            catch (FormatException)
            {
                formatErrors++;
            }
            catch (OverflowException)
            {
                overflows++;
            }
        }
        yield return $"parse sum={parsed} format={formatErrors} overflow={overflows}";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Level1(int i, ref int finallies)
    {
        try
        {
            return Level2(i) * 2;
        }
        finally
        {
            finallies++;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Level2(int i)
    {
        if (i % 5 == 0) throw new WorkloadException(i);
        using var scope = new Scope();
        return Level3(i) + 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Level3(int i) => i % 7 == 3 ? throw new WorkloadException(i * 10 + 1) : i;

    private static void Rethrow()
    {
        try
        {
            Level3(3);
        }
        catch (WorkloadException e)
        {
            throw new InvalidOperationException("wrapped", e);
        }
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() { }
    }
}
