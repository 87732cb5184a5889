using System.Runtime.CompilerServices;

// The methods the live-probe tests probe. Every one is called a fixed number of times per
// worker iteration (see Worker.Iterate and Tally), so the service knows exactly how often
// each has run. Selectors:
//   LiveService.Targets.Statics::Plain          plain static method
//   LiveService.Targets.Accumulator::Add        instance method
//   LiveService.Targets.Hot::Mix                tiny method the JIT inlines into Worker.Iterate
//   LiveService.Targets.Generic::Pick           generic method, used over int and string
//   LiveService.Targets.Validator::Check        throws InvalidValueException every 5th call
//   LiveService.Targets.AsyncOps::ComputeAsync  async method, awaited synchronously
//   LiveService.Targets.Series::*               exactly three methods (StepA, StepB, StepC)
//   LiveService.Targets.Pair::*                 exactly two methods (Left, Right)
namespace LiveService.Targets;

public static class Statics
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Plain(int x) => (long)x * x + 1;
}

public sealed class Accumulator
{
    private readonly int _factor;

    public Accumulator(int factor) => _factor = factor;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public long Add(int x) => (long)x * _factor + 7;
}

public static class Hot
{
    // Small enough that the optimizing JIT always inlines it into the hot loop.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Mix(int x) => (x * 31) ^ (x >> 3);
}

public static class Generic
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static T Pick<T>(T first, T second, bool takeFirst) => takeFirst ? first : second;
}

public sealed class InvalidValueException : Exception
{
    public InvalidValueException(int value) : base($"invalid value {value}") => Value = value;

    public int Value { get; }
}

public static class Validator
{
    // Called with 0..4 each iteration: every 5th call throws (and the caller catches it).
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Check(int x)
    {
        if (x % 5 == 4) throw new InvalidValueException(x);
        return x * 3;
    }
}

public static class AsyncOps
{
    // Odd inputs really suspend (the continuation runs on the thread pool).
    public static async Task<int> ComputeAsync(int x)
    {
        if (x % 2 == 1) await Task.Yield();
        return x * 10 + 1;
    }
}

public static class Series
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int StepA(int x) => x + 1;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int StepB(int x) => x + 2;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int StepC(int x) => x + 3;
}

public static class Pair
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Left(int x) => x - 1;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Right(int x) => x + 1;
}
