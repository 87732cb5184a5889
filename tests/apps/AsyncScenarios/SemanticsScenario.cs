namespace AsyncScenarios;

// What awaiting code sees from the Semantic methods: values, exceptions (type, message, frames
// of the stack trace), cancellation, synchronous throws, task identity, AsyncLocal flow and
// pooled ValueTasks. Context behaviour is in ContextChecks. Output is deterministic.
internal static class SemanticsScenario
{
    public static int Run()
    {
        ValuesAsync().GetAwaiter().GetResult();
        ExceptionsAsync().GetAwaiter().GetResult();
        LocalsAsync().GetAwaiter().GetResult();
        PooledAsync().GetAwaiter().GetResult();
        ContextChecks.Run();
        return 0;
    }

    private static async Task ValuesAsync()
    {
        Console.WriteLine($"triple {await Semantic.Triple(14)}");
        Console.WriteLine($"upper {await Semantic.Upper("probe")}");
        Console.WriteLine($"wide {await Semantic.Wide(1234567890123)}");
        Console.WriteLine($"nothing is null: {await Semantic.Nothing() is null}");
        Task<int> cached = Semantic.ReturnCached();
        Console.WriteLine($"same task object: {ReferenceEquals(cached, Semantic.Cached)} value {await cached}");
    }

    private static async Task ExceptionsAsync()
    {
        try { await Semantic.Fail("plain"); }
        catch (Exception e) { Console.WriteLine($"fail: {Describe(e)}"); }

        try { await Semantic.FailValue(); }
        catch (Exception e) { Console.WriteLine($"fail value: {Describe(e)}"); }

        // The order of WhenAll's exceptions follows the order the two tasks fault in, which
        // varies: print them sorted, and that the awaited one is the first held.
        Task both = Semantic.FailBoth();
        try { await both; }
        catch (Exception e)
        {
            var held = both.Exception!.InnerExceptions;
            string messages = string.Join(",", held.Select(x => x.Message).Order(StringComparer.Ordinal));
            Console.WriteLine($"fail both: {e.GetType().FullName}, held {held.Count} ({messages}), " +
                              $"awaited the first held: {ReferenceEquals(e, held[0])}");
        }

        var cts = new CancellationTokenSource();
        cts.Cancel();
        Task<int> cancelled = Semantic.CancelAfterYield(cts.Token);
        try { await cancelled; }
        catch (OperationCanceledException e)
        {
            Console.WriteLine($"cancel: {Describe(e)}, same token {e.CancellationToken == cts.Token}, status {cancelled.Status}");
        }

        Task<int>? validated = null;
        try { validated = Semantic.Validate(null); }
        catch (ArgumentNullException e) { Console.WriteLine($"validate threw synchronously: {Describe(e)} param {e.ParamName}"); }
        Console.WriteLine($"validate returned a task: {validated is not null}");

        try { await Semantic.Outer(); }
        catch (Exception e)
        {
            Console.WriteLine($"stack of {Describe(e)}:");
            foreach (string frame in Frames(e)) Console.WriteLine($"  {frame}");
        }
    }

    private static async Task LocalsAsync()
    {
        Semantic.Local.Value = 42;
        string inside = await Semantic.ReadLocal();
        Console.WriteLine($"asynclocal inside {inside}, caller after {Semantic.Local.Value}");
    }

    // 2,000 pooled ValueTasks, 50 pending at a time, each awaited once: the pool reuses its
    // boxes between calls, so a consumer reading another call's box gets a wrong value.
    private static async Task PooledAsync()
    {
        int mismatches = 0, errors = 0;
        var batch = new ValueTask<int>[50];
        for (int start = 0; start < 2000; start += batch.Length)
        {
            for (int j = 0; j < batch.Length; j++) batch[j] = Semantic.PooledSquare(start + j);
            for (int j = 0; j < batch.Length; j++)
            {
                int i = start + j;
                try { if (await batch[j] != i * i) mismatches++; }
                catch (Exception) { errors++; }
            }
        }
        Console.WriteLine($"pooled valuetasks 2000 mismatches={mismatches} errors={errors}");
    }

    private static string Describe(Exception e) => $"{e.GetType().FullName}: {e.Message}";

    // "at Ns.Type.Method(args)" of each frame, without file and line; and the
    // "--- End of stack trace from previous location ---" separators.
    private static IEnumerable<string> Frames(Exception e)
    {
        foreach (string raw in (e.StackTrace ?? "").Split('\n'))
        {
            string line = raw.Trim();
            int file = line.IndexOf(" in ", StringComparison.Ordinal);
            if (line.Length > 0) yield return file >= 0 ? line[..file] : line;
        }
    }
}
