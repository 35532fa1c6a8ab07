using Ledger.Bench.Verifier;

// Usage (Release builds only give meaningful figures):
//   dotnet run -c Release --project bench -- verifier [--entries N] [--households H] [--keep DIR]
const string Usage = "usage: bench verifier [--entries N] [--households H] [--keep DIR]";

if (args.Length == 0 || args[0] != "verifier")
{
    Console.Error.WriteLine(Usage);
    return 2;
}
long entries = 1_000_000;
var households = 10_000;
string? keep = null;
for (var i = 1; i < args.Length; i++)
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
