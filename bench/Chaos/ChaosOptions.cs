using System.Globalization;

namespace Ledger.Bench.Chaos;

/// <summary>The fault runner's command line (bench/Program.cs).</summary>
public sealed record ChaosOptions(int Seed, int Seconds, int Kills, int Clients)
{
    public const string Usage = "usage: bench chaos [--seed S] [--seconds N] [--kills K] [--clients C]";

    /// <summary>Awards go to this many households, so that grains of both silos are written.</summary>
    public const int Households = 2_000;

    /// <summary>PayShare goes to this many projects, each a stream shared by all the demo households.</summary>
    public const int Projects = 2;

    /// <returns>The options, or a one-line reason they are not usable.</returns>
    public static (ChaosOptions? Options, string? Problem) Parse(string[] args)
    {
        // Defaults sized for this 2-core machine: about 2–4 minutes in all, each fault given
        // time to be detected and recovered from before the next.
        int seed = Random.Shared.Next(), seconds = 60, kills = 3, clients = 8;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            var parsed = args[i] switch
            {
                "--seed" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) => Set(() => seed = s),
                "--seconds" when Bounded(value, 10, 3_600) is { } n => Set(() => seconds = n),
                "--kills" when Bounded(value, 0, 100) is { } k => Set(() => kills = k),
                "--clients" when Bounded(value, 1, 256) is { } c => Set(() => clients = c),
                _ => false,
            };
            if (!parsed)
            {
                return (null, $"unexpected argument {args[i]}{(value is null ? "" : " " + value)} (--seconds 10–3600, --kills 0–100, --clients 1–256, --seed a non-negative integer); {Usage}");
            }
        }
        return (new ChaosOptions(seed, seconds, kills, clients), null);
    }

    static bool Set(Action assign)
    {
        assign();
        return true;
    }

    static int? Bounded(string? text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null;
}
