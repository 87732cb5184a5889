namespace LiveService;

// Lets the command loop stop the workers between two iterations. A worker asks for a turn
// before each iteration; it parks when the service is paused, when its iteration budget
// (`run N`) is used up, or for good when the service stops. Pause/RunIterations return only
// once every worker is parked, so the Tally is exact at that moment.
public sealed class Control
{
    private readonly object _gate = new();
    private readonly long[] _budget;   // iterations left; -1: unlimited
    private readonly bool[] _parked;
    private bool _paused;
    private bool _stopping;

    public Control(int workers, bool startPaused)
    {
        _budget = Enumerable.Repeat(-1L, workers).ToArray();
        _parked = new bool[workers];
        _paused = startPaused;
    }

    // Blocks while the worker may not run; false when the service stops.
    public bool WaitTurn(int worker)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_stopping)
                {
                    Park(worker);
                    return false;
                }
                if (!_paused && _budget[worker] != 0)
                {
                    if (_budget[worker] > 0) _budget[worker]--;
                    _parked[worker] = false;
                    return true;
                }
                Park(worker);
                Monitor.Wait(_gate);
            }
        }
    }

    public void Pause()
    {
        lock (_gate)
        {
            _paused = true;
            WaitAllParked();
        }
    }

    public void Resume()
    {
        lock (_gate)
        {
            _paused = false;
            Release(-1);
        }
    }

    // Each worker runs exactly n more iterations; returns when all are done (paused).
    public void RunIterations(long n)
    {
        lock (_gate)
        {
            _paused = false;
            if (n > 0) Release(n);
            WaitAllParked();
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Park(int worker)
    {
        if (_parked[worker]) return;
        _parked[worker] = true;
        Monitor.PulseAll(_gate); // wakes a Pause/RunIterations waiting for everyone
    }

    // Called with the lock held: marks every worker as running so that a following wait
    // for "all parked" waits for them to finish the new work.
    private void Release(long budget)
    {
        for (int w = 0; w < _budget.Length; w++)
        {
            _budget[w] = budget;
            _parked[w] = false;
        }
        Monitor.PulseAll(_gate);
    }

    private void WaitAllParked()
    {
        while (Array.IndexOf(_parked, false) >= 0) Monitor.Wait(_gate);
    }
}
