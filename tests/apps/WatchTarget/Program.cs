using System.Runtime.CompilerServices;
using WatchTarget;

// Prints "ready pid=<pid>", then runs one command per line from stdin and prints what it did:
//   save | kinds | paint | try | fail   one call of that Shop method with fixed arguments
//   hot N                               N calls of Shop.Hot
//   mixed                               Shop.Mixed(n, x, y, z) once for each row n of MixedData.Rows
//   chain                               Chain.A -> Chain.B -> Chain.C -> Shop.Leaf
//   deep N                              Chain.Down recursing N times, then Shop.Leaf
//   stop (or end of input)              exits 0
// The output is the same with or without the agent (the tests compare it).
Console.WriteLine($"ready pid={Environment.ProcessId}");
string? line;
while ((line = Console.ReadLine()) is not null)
{
    string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    if (words.Length == 0) continue;
    if (words[0] == "stop") break;
    Console.WriteLine(words[0] switch
    {
        "save" => $"save {Shop.Save(150, "bob")}",
        "kinds" => $"kinds {Shop.Kinds(true, 'é', -8, 200, -300, 60000, -70000, 4000000000, -9000000000, 18000000000000000000, 1.5f, -0.25)}",
        "paint" => $"paint {Shop.Paint(Color.Blue, new DateTime(2024, 2, 29, 12, 34, 56, DateTimeKind.Utc), TimeSpan.FromSeconds(90061), new Guid("00112233-4455-6677-8899-aabbccddeeff"), null, new[] { 1, 2, 3 }, new Order())}",
        "try" => Try(),
        "fail" => Fail(),
        "hot" => $"hot {Hot(int.Parse(words[1]))}",
        "mixed" => $"mixed {MixedAll()}",
        "chain" => $"chain {Chain.A(1)}",
        "deep" => $"deep {Chain.Down(int.Parse(words[1]))}",
        _ => $"error unknown command '{words[0]}'",
    });
}
return 0;

static string Try()
{
    int counter = 5;
    bool ok = Shop.TryParse("forty-two", out int value, ref counter);
    return $"try {ok} {value} {counter}";
}

static string Fail()
{
    try { Shop.Fail("out of stock"); return "fail none"; }
    catch (InvalidOperationException e) { return $"fail {e.Message}"; }
}

static long MixedAll()
{
    long sum = 0;
    for (int n = 0; n < MixedData.Rows.Length; n++)
    {
        var (x, y, z) = MixedData.Rows[n];
        sum += Shop.Mixed(n, x, y, z);
    }
    return sum;
}

static long Hot(int n)
{
    long sum = 0;
    for (int i = 0; i < n; i++) sum += Shop.Hot(i);
    return sum;
}

namespace WatchTarget
{
    public enum Color { Red, Green, Blue }

    public sealed class Order { }

    public static class Shop
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Save(int amount, string customer) => amount * 2 + customer.Length;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static string Kinds(bool flag, char letter, sbyte i8, byte u8, short i16, ushort u16, int i32, uint u32,
                                   long i64, ulong u64, float f32, double f64) =>
            flag && letter != 'x' && i8 < 0 && u8 > 0 && i16 < 0 && u16 > 0 && i32 < 0 && u32 > 0 && i64 < 0 && u64 > 0 &&
            f32 > 0 && f64 < 0 ? "ok" : "odd";

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static Color Paint(Color color, DateTime when, TimeSpan span, Guid id, string? nothing, int[] items,
                                  Order order) =>
            nothing is null && items.Length == 3 && order is not null && when.Year == 2024 && span.Days == 1 &&
            id != Guid.Empty ? color : Color.Red;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static bool TryParse(string text, out int value, ref int counter)
        {
            value = text.Length * 4 + 6;
            counter++;
            return true;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Fail(string why) => throw new InvalidOperationException(why);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Hot(int i) => i & 7;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Mixed(int n, int x, long y, double z) => n + (x & 1) + (int)(y & 1) + (z > 0 ? 1 : 0);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Leaf(int depth) => depth + 1;
    }

    // The numeric conditions' calls (tests/integration/watch_test.cpp has the
    // same rows): the edges of each type, NaN and the infinities. Not in Shop:
    // a static field would give Shop a static constructor, which `Shop::*` matches.
    public static class MixedData
    {
        public static readonly (int x, long y, double z)[] Rows =
        {
            (-1, 5, 0.5), (-1, 4, -0.5), (0, 5, double.NaN), (3, 7, 1.0), (-7, 100, double.NaN),
            (int.MinValue, long.MaxValue, -0.0), (3, -5, 0.25), (int.MaxValue, 5, double.PositiveInfinity),
            (-2, long.MinValue, 0.5000001), (5, 6, double.NegativeInfinity),
        };
    }

    // Known callers for `watch --stack`: each adds one after its call, so
    // no call is a tail call and none is inlined.
    public static class Chain
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int A(int x) => B(x + 1) + 1;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int B(int x) => C(x + 1) + 1;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int C(int x) => Shop.Leaf(x + 1) + 1;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Down(int n) => (n == 0 ? Shop.Leaf(0) : Down(n - 1)) + 1;
    }
}
