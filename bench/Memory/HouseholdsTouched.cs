using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Bench.Limits;
using Ledger.Canonical;
using Ledger.Client;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Registry;
using Ledger.Signing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Bench.Memory;

/// <summary>What one run of <see cref="HouseholdsTouched.MeasureAsync"/> measured.</summary>
/// <param name="IdleAfter">How long a grain stays active unused before Orleans' activation collection deactivates it.</param>
/// <param name="HeapBytesAtCapFilled">The managed heap at the first sample taken once grains started to be collected (at the end if none was).</param>
/// <param name="PeakWorkingSetBytes">The process's peak resident set (VmHWM), start-up included.</param>
/// <param name="CommandsPerSecond">Commands over the time spent sending them, the samples' collections excluded.</param>
public sealed record MemoryFigures(
    long Households,
    TimeSpan IdleAfter,
    int PeakActiveGrains,
    long HeapBytesAtCapFilled,
    long HeapBytesAtEnd,
    long PeakWorkingSetBytes,
    double CommandsPerSecond);

/// <summary>
/// Issue 8's "server memory bounded under 1,000,000 distinct households touched":
/// <c>dotnet run -c Release --project bench -- memory [--households N] [--cap C] [--concurrency K]</c>.
/// A grain host in this process, over a throwaway PostgreSQL cluster, capped at C grains,
/// is sent one points award for each of N distinct households, K commands in flight. At the
/// start and at every tenth of N it stops sending, collects all garbage and samples the
/// managed heap, the working set and the host's active grains. Once the cap has filled,
/// every new household evicts one grain, so a heap that still grows with households touched
/// is something the host keeps per stream beyond its grains. Early in a run the heap also
/// moves by up to a MiB that later samples do not keep growing (quick runs with the cap
/// filled at 2,000 households): it weighs on the growth figure only when the cap fills
/// within the first few thousand households, not at the default N. Figures are reported,
/// never asserted; what must hold (every command accepted, never more grains than the cap)
/// fails the run.
/// </summary>
public static class HouseholdsTouched
{
    public const string Usage = "usage: bench memory [--households N] [--idle-after S] [--concurrency K]";

    /// <summary>The bench's grain idle time: short, so that collection shows within a run of minutes.</summary>
    public static readonly TimeSpan DefaultIdleAfter = TimeSpan.FromSeconds(30);

    const int Samples = 10;
    const double Mebibyte = 1024 * 1024;

    static readonly CultureInfo Figures = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        long households = 1_000_000;
        var idleAfter = DefaultIdleAfter;
        var concurrency = 64;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                // At least one household per sample.
                case "--households" when i + 1 < args.Length && long.TryParse(args[++i], NumberStyles.None, Figures, out var n) && n >= Samples: households = n; break;
                case "--idle-after" when i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, Figures, out var c) && c > 0: idleAfter = TimeSpan.FromSeconds(c); break;
                case "--concurrency" when i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, Figures, out var k) && k is > 0 and <= 1_024: concurrency = k; break;
                default:
                    error.WriteLine(Usage);
                    return 2;
            }
        }
        await MeasureAsync(households, idleAfter, concurrency, output, CancellationToken.None);
        return 0;
    }

    public static async Task<MemoryFigures> MeasureAsync(long households, TimeSpan idleAfter, int concurrency, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(households, Samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        await using var scratch = await Machine.StartClusterAsync("memory", cancellationToken);
        await using var database = await LedgerDatabase.OpenAsync(scratch.Cluster.ConnectionString, scratch.Folder, cancellationToken);
        var (version, _) = await scratch.SettingsAsync(database.DataSource, cancellationToken);
        output.WriteLine(Machine.Describe(version));
        output.WriteLine($"{households:N0} distinct households awarded points once each through an Orleans silo in process, "
            + $"grains idle for {idleAfter.TotalSeconds:N0} s collected, {concurrency} commands in flight; sampled after a full compacting collection");
        output.WriteLine();

        using var silo = await StartSiloAsync(database, idleAfter, cancellationToken);
        var host = silo.Services.GetRequiredService<LedgerGrains>();
        var management = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        // The one client signs; its HttpClient never sends, since the commands go to the host in process.
        using var unusedHttp = new HttpClient();
        var client = new LedgerClient(unusedHttp, TimeProvider.System);
        var coordinator = await RegisterCoordinatorAsync(host, client, cancellationToken);

        output.WriteLine("| households touched | active grains | managed heap (MiB) | working set (MiB) | commands/s since previous |");
        output.WriteLine("|---:|---:|---:|---:|---:|");
        var samples = new List<Sample> { await TakeAsync(management, 0, rate: null, output) };
        var peakActive = 0;
        var sending = TimeSpan.Zero;
        for (var tenth = 1; tenth <= Samples; tenth++)
        {
            var (from, to) = (samples[^1].Households, households * tenth / Samples);
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(lane =>
                AwardEachAsync(host, client, coordinator, from + lane, to, concurrency, cancellationToken)));
            var elapsed = Stopwatch.GetElapsedTime(started);
            sending += elapsed;
            var sample = await TakeAsync(management, to, (to - from) / elapsed.TotalSeconds, output);
            peakActive = Math.Max(peakActive, sample.ActiveGrains);
            samples.Add(sample);
        }

        var logSize = await database.Entries.LogSizeAsync(cancellationToken);
        // The registry's opening and the coordinator's registration, then one entry per household.
        Invariant.Holds(logSize == households + 2, $"the log holds {logSize:N0} entries, not {households + 2:N0}");
        // The first sample with fewer grains active than households touched: collection had begun.
        var capFilled = samples.Skip(1).FirstOrDefault(s => s.ActiveGrains < s.Households) ?? samples[^1];
        using var self = Process.GetCurrentProcess();
        var figures = new MemoryFigures(households, idleAfter, peakActive,
            HeapBytesAtCapFilled: capFilled.HeapBytes,
            HeapBytesAtEnd: samples[^1].HeapBytes,
            PeakWorkingSetBytes: self.PeakWorkingSet64,
            CommandsPerSecond: households / sending.TotalSeconds);
        output.WriteLine();
        output.WriteLine(Summary(figures, samples, capFilled));
        return figures;
    }

    /// <summary>
    /// Awards points to households <paramref name="first"/>, first + stride, … below
    /// <paramref name="end"/>, one command at a time: one lane of the K in flight.
    /// </summary>
    static async Task AwardEachAsync(LedgerGrains host, LedgerClient client, PersonKey coordinator,
        long first, long end, int stride, CancellationToken cancellationToken)
    {
        for (var index = first; index < end; index += stride)
        {
            var household = HouseholdId(index);
            var signed = client.Sign(coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
            {
                ["activity"] = "WasteSorting", ["householdId"] = household, ["points"] = 10, ["quantity"] = 1, ["reference"] = "memory-bench",
            }, idempotencyKey: $"memory-{index}");
            var outcome = await ExecuteAsync(host, signed, cancellationToken);
            // Entry 0 of the household's stream: the household had not been touched before
            // (replayed if an attempt the database did not confirm had written it).
            Invariant.Holds(outcome is CommandOutcome.Accepted { Entries: [{ Sequence: 0 } acknowledgement] }
                && acknowledgement.Stream == HouseholdRules.StreamOf(household),
                $"the award to household {household} is accepted as its first entry, not {outcome}");
        }
    }

    /// <summary>
    /// Sends the same signed command again, as a client does, when the database or the cluster
    /// did not answer (a loaded machine's deadline passed): written at most once all the same.
    /// </summary>
    static async Task<CommandOutcome> ExecuteAsync(LedgerGrains host, SignedCommand signed, CancellationToken cancellationToken)
    {
        const int attempts = 10;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await host.ExecuteAsync(signed, cancellationToken);
            }
            catch (Exception e) when (e is StorageUnavailableException or ClusterUnavailableException && attempt < attempts)
            {
            }
        }
    }

    /// <summary>A silo of the ledger's grains in this process, as the server hosts one.</summary>
    static async Task<IHost> StartSiloAsync(LedgerDatabase database, TimeSpan idleAfter, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(database);
        builder.Services.Configure<LedgerSiloOptions>(options => options.Port = 0);
        builder.UseOrleans(silo => silo.AddLedgerGrains());
        builder.Services.Configure<GrainOptions>(options => options.IdleAfter = idleAfter);
        builder.Services.Configure<Orleans.Configuration.GrainCollectionOptions>(options => options.CollectionQuantum = TimeSpan.FromSeconds(5));
        var silo = builder.Build();
        await silo.StartAsync(cancellationToken);
        return silo;
    }

    /// <summary>Opens the registry and registers the volunteer coordinator who awards the points.</summary>
    static async Task<PersonKey> RegisterCoordinatorAsync(LedgerGrains host, LedgerClient client, CancellationToken cancellationToken)
    {
        var registrar = Key("registrar");
        var coordinator = Key("coordinator");
        await AcceptAsync(host, client.Sign(registrar, RegistryCommandTypes.OpenRegistry, new JsonObject
        {
            ["displayName"] = "街道管理员", ["publicKey"] = Hex.Encode(registrar.Key.PublicKey.Bytes), ["registrarId"] = registrar.PersonId,
        }), cancellationToken);
        await AcceptAsync(host, client.Sign(registrar, RegistryCommandTypes.RegisterPerson, new JsonObject
        {
            ["displayName"] = "志愿服务组织者",
            ["personId"] = coordinator.PersonId,
            ["publicKey"] = Hex.Encode(coordinator.Key.PublicKey.Bytes),
            ["roles"] = new JsonArray(nameof(Role.VolunteerCoordinator)),
        }), cancellationToken);
        return coordinator;
    }

    static async Task AcceptAsync(LedgerGrains host, SignedCommand signed, CancellationToken cancellationToken)
    {
        var outcome = await host.ExecuteAsync(signed, cancellationToken);
        Invariant.Holds(outcome is CommandOutcome.Accepted, $"{signed.Command.Type} is accepted, not {outcome}");
    }

    static async Task<Sample> TakeAsync(IManagementGrain management, long households, double? rate, TextWriter output)
    {
        var active = await management.GetTotalActivationCount();
        // Only what is still reachable: garbage not yet collected would hide a leak or fake one.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var sample = new Sample(households, active, GC.GetTotalMemory(forceFullCollection: false), Environment.WorkingSet);
        output.WriteLine(string.Create(Figures,
            $"| {households:N0} | {sample.ActiveGrains:N0} | {sample.HeapBytes / Mebibyte:N1} | {sample.WorkingSetBytes / Mebibyte:N1} | {(rate is { } r ? r.ToString("N0", Figures) : "–")} |"));
        return sample;
    }

    static string Summary(MemoryFigures figures, List<Sample> samples, Sample capFilled)
    {
        var first = samples[1];
        var last = samples[^1];
        var growth = capFilled == last
            ? "no grain had been collected before the last sample, so there is no growth after it to report (more households or a shorter --idle-after)"
            : string.Create(Figures, $"{(last.HeapBytes - capFilled.HeapBytes) / Mebibyte * 100_000 / (last.Households - capFilled.Households):+0.00;-0.00} MiB "
                + $"per 100,000 households from {capFilled.Households:N0} (the first sample after collection began) to {last.Households:N0}");
        return string.Create(Figures,
            $"peak active grains {figures.PeakActiveGrains:N0} (silo activations, system grains included) with grains idle {figures.IdleAfter.TotalSeconds:N0} s collected; managed heap {first.HeapBytes / Mebibyte:N1} MiB "
            + $"at 10 % of households ({first.Households:N0}), {last.HeapBytes / Mebibyte:N1} MiB at 100 % ({last.Households:N0}); {growth}; "
            + $"peak working set {figures.PeakWorkingSetBytes / Mebibyte:N1} MiB; {figures.CommandsPerSecond:N0} commands/s");
    }

    static string HouseholdId(long index) => $"m-{index:D7}";

    /// <summary>A key derived from the name: the run signs with no key files.</summary>
    static PersonKey Key(string personId) =>
        new(personId, SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes("bench memory " + personId))));

    sealed record Sample(long Households, int ActiveGrains, long HeapBytes, long WorkingSetBytes);
}
