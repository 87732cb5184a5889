namespace Scenarios;

// Several return paths (if / switch) and switch statements (IL `switch` table and a
// string switch). Each path's count is printed so a broken rewrite shows up as a diff.

public static class Returns
{
    public static string Classify(int n)
    {
        if (n < 0) return "negative";
        if (n == 0) return "zero";
        switch (n % 4)
        {
            case 0:
                return "multiple-of-4";
            case 1:
                if (n > 100) return "big-one";
                break;
            case 2:
                return "two";
        }
        return "other";
    }
}

public static class Switches
{
    public static string Name(int n)
    {
        switch (n)
        {
            case 0: return "zero";
            case 1: return "one";
            case 2: return "two";
            case 3: return "three";
            case 4: return "four";
            case 5: return "five";
            case 6: return "six";
            case 7: return "seven";
            default: return "many";
        }
    }

    public static int Code(string color)
    {
        switch (color)
        {
            case "red": return 1;
            case "green": return 2;
            case "blue": return 3;
            case "cyan": return 4;
            case "magenta": return 5;
            case "yellow": return 6;
            case "black": return 7;
            default: return 0;
        }
    }
}

internal static class ReturnsScenario
{
    private static readonly string[] Paths = { "negative", "zero", "multiple-of-4", "big-one", "two", "other" };

    public static int Run()
    {
        var counts = new int[Paths.Length];
        for (int n = -50; n < 650; n++)
        {
            counts[Array.IndexOf(Paths, Returns.Classify(n))]++;
        }
        for (int i = 0; i < Paths.Length; i++) Console.WriteLine($"Classify {Paths[i]} {counts[i]}");
        Expect.Calls("Scenarios.Returns::Classify", 700);
        return 0;
    }
}

internal static class SwitchScenario
{
    private static readonly string[] Colors = { "red", "green", "blue", "cyan", "magenta", "yellow", "black", "white" };

    public static int Run()
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < 640; i++)
        {
            string name = Switches.Name(i % 10);
            names[name] = names.GetValueOrDefault(name) + 1;
        }
        foreach (string key in names.Keys.Order(StringComparer.Ordinal)) Console.WriteLine($"Name {key} {names[key]}");
        long codes = 0;
        for (int i = 0; i < 160; i++) codes += Switches.Code(Colors[i % Colors.Length]) * (i + 1);
        Console.WriteLine($"Code weighted sum {codes}");
        Expect.Calls("Scenarios.Switches::Name", 640);
        Expect.Calls("Scenarios.Switches::Code", 160);
        return 0;
    }
}
