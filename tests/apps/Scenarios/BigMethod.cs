namespace Scenarios;

// A method with many locals (well over 4, so ldloc.s/stloc.s forms and a StandAloneSig with
// many entries) and one large try region full of short branches whose targets sit close to
// the +-127 byte limit, with several `return`s inside the try (compiled to `leave`). A
// rewriter that inserts code or turns `ret` into longer sequences must widen such branches.
public static class BigMethod
{
    public static long Crunch(int seed)
    {
        long a = seed, b = seed * 3L, c = 7, d = 11, e = 13;
        int f = seed & 15, g = 0, h = 1;
        long acc = 0;
        string tag = "t";
        try
        {
            for (int i = 0; i < 8; i++)
            {
                if ((i & 1) == 0)
                {
                    a = a * 31 + b;
                    b ^= a >> 3;
                    c += a % 97 + b % 89;
                    d = d * 5 + c;
                    e = e + d % 1009 - c % 7;
                    acc += a % 1000 + b % 1000 + c % 1000 + d % 1000 + e % 1000;
                }
                else
                {
                    b = b * 17 + c;
                    c ^= b >> 5;
                    d += b % 83 + c % 79;
                    e = e * 3 + d;
                    a = a + e % 997 - d % 11;
                    acc -= a % 500 + b % 500 + c % 500 + d % 500 + e % 500;
                }
                g += f;
                h = h * 3 % 1_000_003;
                if (seed % 97 == 96 && i == 5) return -1;
            }
            switch (seed % 6)
            {
                case 0: tag = "zero"; break;
                case 1: tag = "one"; acc += h; break;
                case 2: tag = "two"; acc -= g; break;
                case 3: return acc + 3;
                case 4: if (g > 40) throw new InvalidOperationException($"crunch {seed}"); tag = "four"; break;
                default: tag = "five"; acc ^= 0x5555; break;
            }
            if (seed % 50 == 49) throw new ArgumentOutOfRangeException(nameof(seed), $"seed {seed}");
            acc += tag.Length;
        }
        catch (InvalidOperationException)
        {
            acc = -2;
        }
        finally
        {
            g = 0;
        }
        return acc + g;
    }
}

internal static class BigMethodScenario
{
    public static int Run()
    {
        long total = 0;
        int escaped = 0;
        for (int i = 0; i < 150; i++)
        {
            try
            {
                total += BigMethod.Crunch(i);
            }
            catch (ArgumentOutOfRangeException e)
            {
                escaped++;
                Console.WriteLine($"Crunch({i}) threw {e.GetType().Name}: {e.Message}");
            }
        }
        Console.WriteLine($"Crunch total {total}, escaped {escaped}");
        Expect.Calls("Scenarios.BigMethod::Crunch", 150);
        Expect.Exceptions("Scenarios.BigMethod::Crunch", escaped);
        return 0;
    }
}
