using System.Globalization;
using Ledger.Api.Endpoints;
using Ledger.Rules;

namespace Ledger.Bench.Load;

/// <summary>The load generator's command line (bench/Program.cs).</summary>
/// <param name="Batch">Commands per batch posted to POST /v1/commands (docs/API.md "Batches"); null for single commands, each to its own route.</param>
public sealed record LoadOptions(
    Uri? Url,
    string? DataFolder,
    int Clients,
    int Seconds,
    int WarmupSeconds,
    int Households,
    int Projects,
    double? Rate,
    int? CheckpointIntervalSeconds,
    int Seed,
    int? Batch = null)
{
    /// <summary>
    /// Sent and checked, not measured: connections, grains and caches warm up, and the JIT.
    /// On this 2-core machine tiered compilation with dynamic PGO, competing with the load for
    /// the cores, was still compiling about 5,000 methods in a window after 10 s of warm-up and
    /// about 600 after 20 s; at 10 s an open loop at 80 % of the peak met a queue the cold
    /// server had built. The server on Orleans has more code to tier up: after 20 s of warm-up
    /// it still compiled 8,012 methods (19 s of JIT time) in a 30 s window against 4,751 for
    /// the home-made grain host, and after 60 s 467 (1.0 s) against 218, so 60 s it is (counted
    /// while the server ran in the generator's process; the report's JIT line now counts the
    /// generator's alone).
    /// </summary>
    public const int DefaultWarmupSeconds = 60;

    public const string Usage = "usage: bench load [--url URL --data DIR] [--clients N] [--seconds S] [--warmup S] [--households H] [--projects P] [--rate R] "
        + "[--checkpoint-interval S] [--seed N] [--batch N]";

    /// <returns>The options, or a reason they are not usable.</returns>
    public static (LoadOptions? Options, string? Problem) Parse(string[] args)
    {
        Uri? url = null;
        string? data = null;
        int clients = 32, seconds = 20, warmup = DefaultWarmupSeconds, households = 10_000, projects = 10, seed = Random.Shared.Next();
        double? rate = null;
        int? checkpointInterval = null, batch = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            var parsed = args[i] switch
            {
                "--url" when Uri.TryCreate(value, UriKind.Absolute, out var u) => Set(() => url = u),
                "--data" when value is not null => Set(() => data = Path.GetFullPath(value)),
                "--clients" when Positive(value, 4_096) is { } n => Set(() => clients = n),
                "--seconds" when Positive(value, 3_600) is { } s => Set(() => seconds = s),
                "--warmup" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w <= 600 => Set(() => warmup = w),
                "--households" when Positive(value, 10_000_000) is { } h => Set(() => households = h),
                "--projects" when Positive(value, 1_000) is { } p => Set(() => projects = p),
                "--rate" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is > 0 and <= 1e7 => Set(() => rate = r),
                "--checkpoint-interval" when Positive(value, 3_600) is { } c => Set(() => checkpointInterval = c),
                "--batch" when Positive(value, CommandBatchEndpoints.MaxCommands) is { } b => Set(() => batch = b),
                "--seed" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var x) => Set(() => seed = x),
                _ => false,
            };
            if (!parsed)
            {
                return (null, $"unexpected argument {args[i]}{(value is null ? "" : " " + value)}; {Usage}");
            }
            i++;
        }
        if (seconds > SigningAhead.LongestWindow.TotalSeconds)
        {
            return (null, $"--seconds is at most {SigningAhead.LongestWindow.TotalSeconds:0}: the window's commands are all signed before it opens, "
                + $"and the server takes a command only within {Authorization.IssueWindow.TotalMinutes:0} minutes of the time it was signed");
        }
        if (batch is not null && rate is not null)
        {
            // Issue 16 sets the batch endpoint a throughput, a closed loop's; the open loop's latency target is for single commands.
            return (null, "--batch is a closed loop: --rate goes with single commands");
        }
        if (url is not null)
        {
            // Traffic to this machine only: a load test is not to be pointed at anyone else's server.
            if (url.Scheme != Uri.UriSchemeHttp || url.Host is not ("127.0.0.1" or "localhost"))
            {
                return (null, "--url must be http://127.0.0.1:PORT (or localhost): the load generator sends to this machine only");
            }
            url = new UriBuilder(url) { Host = "127.0.0.1", Path = "/" }.Uri;
            if (data is null)
            {
                return (null, "--url needs --data DIR, the server's data folder with the demo's key files (demo-keys/) and the registrar's (keys/registrar.json)");
            }
            if (checkpointInterval is not null)
            {
                return (null, "--checkpoint-interval sets the interval of the server the load starts; a running server has its own (Log:CheckpointIntervalSeconds)");
            }
        }
        else if (data is not null)
        {
            return (null, "--data goes with --url; without --url the load starts its own server on a throwaway data folder");
        }
        return (new LoadOptions(url, data, clients, seconds, warmup, households, projects, rate, checkpointInterval, seed, batch), null);
    }

    static bool Set(Action assign)
    {
        assign();
        return true;
    }

    static int? Positive(string? text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && n <= max ? n : null;
}
