namespace AsyncScenarios;

// Every kind of task-returning method, called a different number of times (so figures that
// land on the wrong probe show), each call awaited before the next.
internal static class CountsScenario
{
    private const string Ns = "AsyncScenarios.";

    public static int Run()
    {
        RunAsync().GetAwaiter().GetResult();
        return 0;
    }

    private static async Task RunAsync()
    {
        await Count("Counted::VoidTask", async t =>
            await t.Run(100, async (i, c) => { await Counted.VoidTask(i, c); return 1; }));
        await Count("Counted::IntTask", async t => await t.Run(110, async (i, c) => await Counted.IntTask(i, c)));
        await Count("Counted::VoidValueTask", async t =>
            await t.Run(90, async (i, c) => { await Counted.VoidValueTask(i, c); return 1; }));
        await Count("Counted::IntValueTask", async t => await t.Run(80, async (i, c) => await Counted.IntValueTask(i, c)));
        await Count("Counted::PooledValueTask", async t =>
            await t.Run(70, async (i, c) => await Counted.PooledValueTask(i, c)));
        await Count("Counted::ThrowBeforeAwait", async t =>
            await t.Run(60, async (i, c) => await Counted.ThrowBeforeAwait(i, c)));
        await Count("Counted::Forward", async t => await t.Run(50, async (i, c) => await Counted.Forward(i, c)));
        await Count("Counted::ThrowSync", async t => await t.Run(40, async (i, c) => await Counted.ThrowSync(i, c)));
        await Count("Counted::FromCanceled", async t => await t.Run(30, async (i, c) => await Counted.FromCanceled(i, c)));
        await Count("Generic::Echo", async t =>
        {
            await t.Run(20, async (i, c) => await Generic.Echo(i * 5L, i, c));
            await t.Run(20, async (i, c) => (await Generic.Echo($"s{i}", i, c)).Length);
        });
        var numbers = new Repo<int>(7);
        var words = new Repo<string>("seven");
        await Count("Repo::Load", async t =>
        {
            await t.Run(15, async (i, c) => await numbers.Load(i, c));
            await t.Run(15, async (i, c) => (await words.Load(i, c)).Length);
        });
    }

    private static async Task Count(string method, Func<Tally, Task> calls)
    {
        var tally = new Tally(Ns + method);
        await calls(tally);
        tally.Print();
    }
}
