namespace AsyncScenarios;

// Calls one probed method n times, awaiting each call, and classifies each outcome the way
// awaiting code sees it: OperationCanceledException → cancelled, any other exception
// (thrown by the call itself or by the await) → exception. Prints the results and the
// figures a probe on the method must report.
internal sealed class Tally(string selector)
{
    private long _calls, _exceptions, _cancelled, _sum;
    private string? _firstException, _firstCancel;

    public async Task Run(int n, Func<int, CancellationToken, Task<long>> call)
    {
        for (int i = 0; i < n; i++)
        {
            _calls++;
            try
            {
                _sum += await call(i, Step.TokenFor(i));
            }
            catch (OperationCanceledException e)
            {
                _cancelled++;
                _firstCancel ??= $"{e.GetType().Name}: {e.Message}";
            }
            catch (Exception e)
            {
                _exceptions++;
                _firstException ??= $"{e.GetType().Name}: {e.Message}";
            }
        }
    }

    public void Print()
    {
        Console.WriteLine($"{selector} sum={_sum} exceptions={_exceptions} cancelled={_cancelled}");
        if (_firstException != null) Console.WriteLine($"{selector} first exception {_firstException}");
        if (_firstCancel != null) Console.WriteLine($"{selector} first cancel {_firstCancel}");
        Expect.Figures(selector, _calls, _exceptions, _cancelled);
    }
}
