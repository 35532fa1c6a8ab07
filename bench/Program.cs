using System.Globalization;
using BenchmarkDotNet.Running;
using Ledger.Bench.Chaos;
using Ledger.Bench.Limits;
using Ledger.Bench.Load;
using Ledger.Bench.Log;
using Ledger.Bench.Memory;
using Ledger.Bench.Report;
using Ledger.Bench.Storage;
using Ledger.Bench.Verifier;

// Usage (Release builds only give meaningful figures):
//   dotnet run -c Release --project bench -- report [--clients N] [--seconds S] [--warmup S] [--runs N] [--batch N] [--verifier-entries N] [--proof-entries N] [--memory-households N]
//   dotnet run -c Release --project bench -- verifier [--entries N] [--households H] [--keep DIR]
//   dotnet run -c Release --project bench -- micro [BenchmarkDotNet arguments, e.g. --filter '*Merkle*']
//   dotnet run -c Release --project bench -- limits [--seconds S]
//   dotnet run -c Release --project bench -- log-proofs [--entries N] [--seed S] [--nodes-only]
//   dotnet run -c Release --project bench -- load [--url URL --data DIR] [--clients N] [--seconds S] [--households H] [--projects P] [--rate R | --batch N]
//   dotnet run -c Release --project bench -- memory [--households N] [--cap C] [--concurrency K]
//   dotnet run -c Release --project bench -- chaos [--seed S] [--seconds N] [--kills K] [--clients C]
//   dotnet run -c Release --project bench -- inserts [--entries N] [--batch B] [--batches K]
const string Usage = """
    usage: bench report [--clients N] [--seconds S] [--warmup S] [--runs N] [--batch N] [--verifier-entries N] [--proof-entries N] [--memory-households N]
           bench verifier [--entries N] [--households H] [--keep DIR]
           bench micro [BenchmarkDotNet arguments, e.g. --filter '*Merkle*' or --list flat]
           bench limits [--seconds S]
           bench log-proofs [--entries N] [--seed S] [--nodes-only]
           bench load [--url URL --data DIR] [--clients N] [--seconds S] [--warmup S] [--households H] [--projects P] [--rate R] [--checkpoint-interval S] [--seed N] [--batch N]
           bench memory [--households N] [--cap C] [--concurrency K]
           bench chaos [--seed S] [--seconds N] [--kills K] [--clients C]
           bench inserts [--entries N] [--batch B] [--batches K]
    """;

switch (args.FirstOrDefault())
{
    case "report":
        return await PerformanceReport.RunAsync(args[1..], Console.Out, Console.Error);
    case "verifier":
        return Verifier(args[1..]);
    case "micro":
        // BenchmarkDotNet parses its own arguments; with none it asks which benchmarks to run.
        BenchmarkSwitcher.FromAssembly(typeof(LimitsReport).Assembly).Run(args[1..]);
        return 0;
    case "limits":
        return await Limits(args[1..]);
    case "log-proofs":
        return await LogProofsCommand(args[1..]);
    case "load":
        return await LoadGenerator.RunAsync(args[1..], Console.Out, Console.Error);
    case "memory":
        return await HouseholdsTouched.RunAsync(args[1..], Console.Out, Console.Error);
    case "chaos":
        return await ChaosRunner.RunAsync(args[1..], Console.Out, Console.Error);
    case "inserts":
        return await InsertCost.RunAsync(args[1..], Console.Out, Console.Error);
    default:
        Console.Error.WriteLine(Usage);
        return 2;
}

static int Verifier(string[] args)
{
    long entries = 1_000_000;
    var households = 10_000;
    string? keep = null;
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--entries" when i + 1 < args.Length && long.TryParse(args[++i], out var n) && n > 0: entries = n; break;
            case "--households" when i + 1 < args.Length && int.TryParse(args[++i], out var h) && h > 0: households = h; break;
            case "--keep" when i + 1 < args.Length: keep = args[++i]; break;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
    return VerifierThroughput.Run(entries, households, keep);
}

static async Task<int> Limits(string[] args)
{
    var seconds = 3.0;
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--seconds" when i + 1 < args.Length && double.TryParse(args[++i], CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 60: seconds = s; break;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
    return await LimitsReport.RunAsync(TimeSpan.FromSeconds(seconds), CancellationToken.None);
}

static async Task<int> LogProofsCommand(string[] args)
{
    long entries = 1_000_000;
    var seed = 8;
    var nodesOnly = false;
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--entries" when i + 1 < args.Length && long.TryParse(args[++i], out var n) && n > 0: entries = n; break;
            case "--seed" when i + 1 < args.Length && int.TryParse(args[++i], out var s): seed = s; break;
            case "--nodes-only": nodesOnly = true; break;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
    return await LogProofs.RunAsync(entries, seed, nodesOnly, CancellationToken.None);
}
