namespace AsyncScenarios;

// A single-threaded SynchronizationContext, like a UI thread's: Post queues a callback for the
// one pump thread (the caller of Run). It counts Posts and Sends: a measurement that captured
// the context, or that made an inline continuation go asynchronous, changes the count.
internal sealed class PumpingContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly Queue<Action> _idle = new();
    private int _posts, _sends;
    private Thread? _pump;

    public int Posts => Volatile.Read(ref _posts);
    public int Sends => Volatile.Read(ref _sends);
    public bool OnPump => Thread.CurrentThread == _pump;

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_queue)
        {
            _posts++;
            _queue.Enqueue((d, state));
            Monitor.Pulse(_queue);
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        Interlocked.Increment(ref _sends);
        d(state);
    }

    public override SynchronizationContext CreateCopy() => this;

    // Runs action on the pump thread once the callback running now has returned, i.e. after
    // every await it made has registered its continuation (pump thread only).
    public void WhenIdle(Action action) => _idle.Enqueue(action);

    // Calls work with this context current and pumps posted callbacks on the calling thread
    // until work's task has completed and nothing is queued.
    public T Run<T>(Func<Task<T>> work)
    {
        SynchronizationContext? previous = Current;
        SetSynchronizationContext(this);
        _pump = Thread.CurrentThread;
        try
        {
            Task<T> task = work();
            while (true)
            {
                while (_idle.TryDequeue(out Action? action)) action();
                (SendOrPostCallback Callback, object? State) item;
                lock (_queue)
                {
                    // Polls the task too: it completes on the pump when nothing goes wrong.
                    while (_queue.Count == 0 && !task.IsCompleted) Monitor.Wait(_queue, 10);
                    if (_queue.Count == 0) break;
                    item = _queue.Dequeue();
                }
                item.Callback(item.State);
            }
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            SetSynchronizationContext(previous);
            _pump = null;
        }
    }
}
