using System.Collections.Concurrent;

namespace AsyncScenarios;

// A TaskScheduler with one thread of its own that counts the tasks queued to it and never runs
// one inline, so every continuation that targets it is counted exactly once (and, being
// single-threaded, an await always registers before the awaited work can complete).
// A measurement that continued on TaskScheduler.Current would add to the count.
internal sealed class CountingScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _tasks = new();
    private readonly Thread _thread;
    private int _queued;

    public CountingScheduler()
    {
        _thread = new Thread(() =>
        {
            foreach (Task task in _tasks.GetConsumingEnumerable()) TryExecuteTask(task);
        }) { IsBackground = true, Name = "counting-scheduler" };
        _thread.Start();
    }

    public int Queued => Volatile.Read(ref _queued);

    protected override void QueueTask(Task task)
    {
        Interlocked.Increment(ref _queued);
        try
        {
            _tasks.Add(task);
        }
        catch (InvalidOperationException)
        {
            // Queued after Dispose: counted, and still run (on the pool) so nothing hangs.
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();

    // Ends the thread, so that no method of the program is still running at exit.
    public void Dispose()
    {
        _tasks.CompleteAdding();
        _thread.Join();
    }
}
