using System.Runtime.CompilerServices;

namespace AsyncScenarios;

// The contexts awaiting code relies on: Posts to a SynchronizationContext, tasks queued to a
// TaskScheduler, and TaskScheduler.UnobservedTaskException for a fault nobody observed. The
// counts are fixed by construction (single-threaded context and scheduler), so a plain and a
// probed run print the same numbers unless measuring changes where continuations run.
internal static class ContextChecks
{
    private const int Rounds = 4;

    public static void Run()
    {
        SynchronizationContextPosts();
        SchedulerQueues();
        UnobservedFault();
    }

    // Posts per kind of await, summed over the rounds. Each is 1 per round: YieldValue's own
    // Task.Yield posts (its completion then resumes us inline on the pump);
    // AwaitGateOffContext completes on a pool thread, so resuming here posts; our own
    // Task.Yield posts.
    private static void SynchronizationContextPosts()
    {
        var context = new PumpingContext();
        string result = context.Run(async () =>
        {
            int sum = 0, offPump = 0, yieldValuePosts = 0, gatePosts = 0, yieldPosts = 0;
            for (int k = 0; k < Rounds; k++)
            {
                int before = context.Posts;
                sum += await Semantic.YieldValue(k);
                yieldValuePosts += context.Posts - before;
                if (!context.OnPump) offPump++;

                var gate = new TaskCompletionSource<int>();
                int value = k;
                context.WhenIdle(() => ThreadPool.UnsafeQueueUserWorkItem(_ => gate.SetResult(value), null));
                before = context.Posts;
                sum += await Semantic.AwaitGateOffContext(gate.Task);
                gatePosts += context.Posts - before;
                if (!context.OnPump) offPump++;

                before = context.Posts;
                await Task.Yield();
                yieldPosts += context.Posts - before;
                if (!context.OnPump) offPump++;
            }
            return $"sum={sum} resumed-off-pump={offPump} posts: YieldValue={yieldValuePosts} " +
                   $"AwaitGateOffContext={gatePosts} Task.Yield={yieldPosts}";
        });
        Console.WriteLine($"synchronization context {result} total={context.Posts} sends={context.Sends}");
    }

    // Tasks queued per kind of await, summed over the rounds: 2 per round for YieldValue (its
    // own Task.Yield, and our resumption once its task completes: the scheduler refuses to run
    // it inline), 1 per round for our own Task.Yield; plus 1 for StartNew.
    private static void SchedulerQueues()
    {
        using var scheduler = new CountingScheduler();
        string result = Task.Factory.StartNew(async () =>
        {
            int sum = 0, elsewhere = 0, yieldValueQueued = 0, yieldQueued = 0;
            for (int k = 0; k < Rounds; k++)
            {
                int before = scheduler.Queued;
                sum += await Semantic.YieldValue(k);
                yieldValueQueued += scheduler.Queued - before;
                if (TaskScheduler.Current != scheduler) elsewhere++;

                before = scheduler.Queued;
                await Task.Yield();
                yieldQueued += scheduler.Queued - before;
                if (TaskScheduler.Current != scheduler) elsewhere++;
            }
            return $"sum={sum} resumed-elsewhere={elsewhere} queued: YieldValue={yieldValueQueued} Task.Yield={yieldQueued}";
        }, CancellationToken.None, TaskCreationOptions.None, scheduler).Unwrap().GetAwaiter().GetResult();
        Console.WriteLine($"task scheduler {result} total={scheduler.Queued}");
    }

    // A faulted task of a probed method that nobody awaits or inspects: once it is garbage,
    // its finalizer raises UnobservedTaskException. Reading Task.Exception (or keeping the
    // task reachable) in the measurement would stop that.
    private static void UnobservedFault()
    {
        int raised = 0;
        string? message = null;
        TaskScheduler.UnobservedTaskException += (_, e) =>
        {
            if (e.Exception.InnerException is SemanticException inner && inner.Message == "never observed")
            {
                message = inner.Message;
                Interlocked.Increment(ref raised);
            }
        };
        StartAndForget();
        for (int i = 0; i < 20 && Volatile.Read(ref raised) == 0; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Console.WriteLine($"unobserved task exception raised: {Volatile.Read(ref raised) > 0} ({message})");
    }

    // Waits (without observing the exception) until the task has faulted; no reference to it
    // survives this frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StartAndForget()
    {
        Task task = Semantic.FaultUnobserved();
        while (!task.IsCompleted) Thread.Sleep(1);
    }
}
